// SPDX-License-Identifier: MIT
// The golden parity cases of every graph model run end to end through the model API on each available
// backend besides the CPU (Vulkan, CUDA), loaded with Checkpoint::open(dir, {backend}): outputs within
// the case.json tolerances, the decoded token ids exact, and the run recorded as that backend's.
// Skips with a message where no such backend exists (CI has Vulkan on lavapipe).
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/blip.h"
#include "compute/models/clip.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vit.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

struct Golden
{
    QString dir;
    QJsonObject inputs;
    std::unique_ptr<SafetensorsFile> expected;

    explicit Golden(const char* name) : dir(goldenDir(QString::fromLatin1(name)))
    {
        QFile f(dir + "/case.json");
        if (f.open(QIODevice::ReadOnly))
            inputs = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        expected = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir + "/expected.safetensors").toStdString()));
    }
    Tensor tensor(const std::string& name) const
    {
        const TensorView& v = expected->tensor(name);
        return Tensor::fromF32(v.shape, toF32(v));
    }
    // Empty when `actual` matches the expected tensor within its case.json group's tolerance.
    QString compare(const Tensor& actual, const std::string& name) const
    {
        const TensorView& e = expected->tensor(name);
        if (actual.shape() != e.shape)
            return QString::fromStdString(name + ": shape " + shapeString(actual.shape()) + ", expected " +
                                          shapeString(e.shape));
        const QString n = QString::fromStdString(name);
        return compareClose(n, actual.toF32Vector(), e, goldenTolerance(dir, n));
    }
    generate::GenerationConfig settings(const char* which) const
    {
        generate::GenerationConfig c = generate::GenerationConfig::fromModelFolder(dir.toStdString());
        const QByteArray j = QJsonDocument(inputs.value(QLatin1String(which)).toObject()).toJson();
        c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
        return c;
    }
    Checkpoint open(BackendChoice b) const { return Checkpoint::open(dir.toStdString(), {b}); }
};

#define CHECK_CLOSE(golden, actual, name)                                                                    \
    do {                                                                                                     \
        const QString msg_ = (golden).compare((actual), (name));                                             \
        QVERIFY2(msg_.isEmpty(), qPrintable(msg_));                                                          \
    } while (false)

} // namespace

class TestGoldenBackends : public QObject
{
    Q_OBJECT

    // The backend of the current data row.
    BackendChoice backend()
    {
        QFETCH(int, choice);
        return BackendChoice(choice);
    }
    void ranOn()
    {
        QFETCH(QString, name);
        QCOMPARE(QString::fromStdString(lastExecution().backend), name);
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
    }

    void rows()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("choice");
        if (vulkanDevice()) QTest::newRow("vulkan") << QStringLiteral("vulkan") << int(BackendChoice::Vulkan);
        if (cudaDevice()) QTest::newRow("cuda") << QStringLiteral("cuda") << int(BackendChoice::Cuda);
    }

private slots:
    void initTestCase()
    {
        if (!vulkanDevice() && !cudaDevice())
            QSKIP(qPrintable("no backend besides the CPU (Vulkan: " + QString::fromStdString(vulkanStatus()) +
                             "; CUDA: " + QString::fromStdString(cudaStatus()) + ")"));
    }

    void vit_data() { rows(); }
    void vit()
    {
        const Golden g("vit_classify");
        const VitModel model = VitModel::fromCheckpoint(g.open(backend()));
        VitRunOptions o;
        o.attentions = true;
        const VitOutput out = model.forward(g.tensor("pixel_values"), o);
        ranOn();
        CHECK_CLOSE(g, out.logits, "logits");
        for (size_t l = 0; l < out.attentions.size(); ++l)
            CHECK_CLOSE(g, out.attentions[l], "attentions." + std::to_string(l));
    }

    void clip_data() { rows(); }
    void clip()
    {
        const Golden g("clip_match");
        const ClipModel model = ClipModel::fromCheckpoint(g.open(backend()));
        const ClipImageOutput img = model.encodeImage(g.tensor("pixel_values"));
        ranOn();
        const TensorView& ids = g.expected->tensor("input_ids");
        ClipTextBatch b;
        b.count = ids.shape[0];
        b.length = ids.shape[1];
        b.ids = goldenIds(*g.expected, "input_ids");
        b.mask = goldenIds(*g.expected, "attention_mask");
        const ClipTextOutput txt = model.encodeText(b);
        ranOn();
        CHECK_CLOSE(g, img.embeds, "image_embeds");
        CHECK_CLOSE(g, txt.embeds, "text_embeds");
        CHECK_CLOSE(g, clipScores(model.logitScale(), img.embeds, txt.embeds).logitsPerImage,
                    "logits_per_image");
    }

    void blipCaption_data() { rows(); }
    void blipCaption()
    {
        const Golden g("blip_caption");
        const auto model = BlipForConditionalGeneration::fromCheckpoint(g.open(backend()));
        const Tensor px = g.tensor("pixel_values");
        CHECK_CLOSE(g, model.vision().forward(px).imageEmbeds, "image_embeds");
        ranOn();
        const auto r = model.caption(px, {}, g.settings("uncond"));
        ranOn();
        QCOMPARE(r.sequences.front().tokens, goldenIds(*g.expected, "uncond_ids"));
    }

    void blipVqa_data() { rows(); }
    void blipVqa()
    {
        const Golden g("blip_vqa");
        const auto model = BlipForQuestionAnswering::fromCheckpoint(g.open(backend()));
        const Tensor px = g.tensor("pixel_values");
        const Tensor image = model.vision().forward(px).imageEmbeds;
        CHECK_CLOSE(g, image, "image_embeds");
        const BlipTextOutput q = model.encodeQuestion(goldenIds(*g.expected, "input_ids"), image);
        ranOn();
        CHECK_CLOSE(g, q.lastHiddenState, "question_embeds");
        const auto r = model.answer(px, goldenIds(*g.expected, "input_ids"), g.settings("answer"));
        ranOn();
        QCOMPARE(r.sequences.front().tokens, goldenIds(*g.expected, "answer_ids"));
    }

    void gpt2_data() { rows(); }
    void gpt2()
    {
        const Golden g("gpt2_generate");
        const Gpt2Model model = Gpt2Model::fromCheckpoint(g.open(backend()));
        const std::vector<int64_t> prompt = goldenIds(*g.expected, "input_ids");
        Gpt2RunOptions o;
        o.allLogits = true;
        CHECK_CLOSE(g, model.forward({prompt}, o).logits, "logits");
        ranOn();
        Gpt2LanguageModel lm(model);
        const auto r = generate::generateSequences(lm, prompt, g.settings("greedy"));
        ranOn();
        QCOMPARE(r.sequences.front().tokens, goldenIds(*g.expected, "greedy_ids"));
    }

    void vitGpt2_data() { rows(); }
    void vitGpt2()
    {
        const Golden g("vit_gpt2_caption");
        const auto model = VisionEncoderDecoderModel::fromCheckpoint(g.open(backend()));
        const Tensor encoded = model.encode(g.tensor("pixel_values"));
        ranOn();
        CHECK_CLOSE(g, encoded, "encoder_last_hidden_state");
        Gpt2LanguageModel lm = model.languageModel(encoded);
        const auto r = generate::generateSequences(lm, model.decoderPrompt({}), g.settings("greedy"));
        ranOn();
        QCOMPARE(r.sequences.front().tokens, goldenIds(*g.expected, "greedy_ids"));
    }
};

QTEST_GUILESS_MAIN(TestGoldenBackends)
#include "tst_golden_backends.moc"
