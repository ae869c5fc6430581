// SPDX-License-Identifier: MIT
// BLIP captioning parity with Hugging Face transformers on the golden blip_caption case: pixel values from
// input.png, the vision model's image embeddings, the unconditional greedy caption with the
// cross-attention of every step and layer, and the prompted caption ("a picture of") from the
// tokenizer's own ids, within case.json's tolerance groups and with identical ids.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/blip.h"
#include "compute/preprocess/image_processor.h"
#include "compute/text/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenIds;
using loupe::test::goldenTolerance;

class TestBlipGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject inputs_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<BlipForConditionalGeneration> model_;
    Tensor imageEmbeds_;

    void check(const Tensor& actual, const std::string& name)
    {
        const TensorView& e = expected_->tensor(name);
        QVERIFY2(actual.shape() == e.shape,
                 qPrintable(QString::fromStdString(name + ": shape " + shapeString(actual.shape()) +
                                                   ", expected " + shapeString(e.shape))));
        const QString n = QString::fromStdString(name);
        const QString msg = compareClose(n, actual.toF32Vector(), e, goldenTolerance(dir_, n));
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
    }

    generate::GenerationConfig settings(const char* which) const
    {
        generate::GenerationConfig c = generate::GenerationConfig::fromModelFolder(dir_.toStdString());
        const QByteArray j = QJsonDocument(inputs_.value(QLatin1String(which)).toObject()).toJson();
        c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
        return c;
    }

    Tensor expectedTensor(const std::string& name) const
    {
        const TensorView& v = expected_->tensor(name);
        return Tensor::fromF32(v.shape, toF32(v));
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("blip_caption"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        inputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        QVERIFY(!inputs_.isEmpty());
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        model_ = std::make_unique<BlipForConditionalGeneration>(
            BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(dir_.toStdString())));
        imageEmbeds_ = model_->vision().forward(expectedTensor("pixel_values")).imageEmbeds;
    }

    // BlipImageProcessor: 64x64 bicubic resize (aspect ratio not kept), CLIP's mean and std.
    void pixelValues()
    {
        QImage img(dir_ + "/input.png");
        QVERIFY(!img.isNull());
        img = img.convertToFormat(QImage::Format_RGB888);
        const ImageU8 view{img.width(), img.height(), 3, size_t(img.bytesPerLine()), img.constBits()};
        const PreprocessedImage p = preprocess(
            view, ImageProcessorConfig::fromFile((dir_ + "/preprocessor_config.json").toStdString()));
        check(Tensor::fromF32(p.shape(), p.pixels), "pixel_values");
    }

    void imageEmbeds() { check(imageEmbeds_, "image_embeds"); }

    // Greedy from [DEC]; the cross-attention observed at each step is the one of the token that step chose.
    void unconditionalCaption()
    {
        BlipTextLanguageModel lm = model_->languageModel(imageEmbeds_);
        lm.stepOptions.crossAttentions = true;
        std::vector<std::vector<Tensor>> cross;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t) { cross.push_back(lm.lastOutput().crossAttentions); };
        const auto config = blipDecodingConfig(model_->config().text, settings("uncond"));
        const auto r = generate::generateSequences(lm, model_->decoderPrompt({}), config, cb);
        QCOMPARE(r.sequences.front().tokens, goldenIds(*expected_, "uncond_ids"));
        QCOMPARE(cross.size(), size_t(12));
        for (size_t s = 0; s < cross.size(); ++s) {
            QCOMPARE(cross[s].size(), size_t(2));
            for (size_t l = 0; l < cross[s].size(); ++l)
                check(cross[s][l], "cross_attentions." + std::to_string(s) + "." + std::to_string(l));
        }
    }

    // The prompt as the processor tokenises it, then BLIP's [CLS] -> [DEC] and dropped [SEP].
    void promptedCaption()
    {
        const auto tok = text::loadTokenizer(dir_.toStdString());
        const std::string prompt = inputs_.value(QLatin1String("cond_text")).toString().toStdString();
        const std::vector<int64_t> promptIds = tok->encode(prompt).ids;
        QCOMPARE(promptIds, goldenIds(*expected_, "cond_input_ids"));
        const std::vector<int64_t> start = model_->decoderPrompt(promptIds);
        QCOMPARE(start.front(), int64_t(420));
        QCOMPARE(start.size(), promptIds.size() - 1);
        BlipTextLanguageModel lm = model_->languageModel(imageEmbeds_);
        const auto config = blipDecodingConfig(model_->config().text, settings("cond"));
        const auto r = generate::generateSequences(lm, start, config);
        QCOMPARE(r.sequences.front().tokens, goldenIds(*expected_, "cond_ids"));
        // The one-call path (image encoded inside) agrees.
        const auto again = model_->caption(expectedTensor("pixel_values"), promptIds, settings("cond"));
        QCOMPARE(again.sequences.front().tokens, goldenIds(*expected_, "cond_ids"));
        QCOMPARE(QString::fromStdString(tok->decode(again.sequences.front().tokens)),
                 QStringLiteral("a picture ofabarskield undield niend und n overnd"));
    }

    // Prefilling the prompt at once and feeding it one token at a time through the cache give the same
    // next-token logits, with the cache read at its exact length or rounded up.
    void cachedStepsMatchPrefill()
    {
        const std::vector<int64_t> prompt = model_->decoderPrompt(goldenIds(*expected_, "cond_input_ids"));
        const BlipTextModel& dec = model_->textDecoder();
        transformer::KvCache whole = dec.newCache(1, 8), steps = dec.newCache(1, 8),
                             exact = dec.newCache(1, 8);
        for (auto* c : {&whole, &steps, &exact})
            dec.setEncoderStates(*c, imageEmbeds_);
        const std::vector<float> want = dec.step(whole, {prompt}).logits.toF32Vector();
        BlipTextRunOptions observe;
        observe.attentions = true;
        BlipTextOutput a, b;
        for (int64_t t : prompt) {
            a = dec.step(steps, {{t}});
            b = dec.step(exact, {{t}}, observe);
        }
        QCOMPARE(b.attentions.front().shape(), (Shape{1, 4, 1, int64_t(prompt.size())}));
        for (const BlipTextOutput* o : {&a, &b}) {
            const std::vector<float> got = o->logits.toF32Vector();
            QCOMPARE(got.size(), want.size());
            for (size_t v = 0; v < got.size(); ++v)
                QVERIFY2(std::fabs(got[v] - want[v]) < 1e-4f, qPrintable(QString("id %1").arg(v)));
        }
    }

    void refusals()
    {
        try {
            BlipForConditionalGeneration::fromCheckpoint(
                Checkpoint::open(loupe::test::goldenDir(QStringLiteral("clip_match")).toStdString()));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("'CLIPModel' is not supported"), e.what());
        }
        try {
            model_->vision().forward(Tensor::zeros(DType::F32, {1, 3, 32, 32}));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("[batch, 3, 64, 64]"), e.what());
        }
        try {
            transformer::KvCache c = model_->textDecoder().newCache(1, 64);
            model_->textDecoder().setEncoderStates(c, imageEmbeds_);
            model_->textDecoder().step(c, {std::vector<int64_t>(65, 5)});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("max_position_embeddings"), e.what());
        }
        try {
            transformer::KvCache c = model_->textDecoder().newCache(1, 8);
            model_->textDecoder().setEncoderStates(c, imageEmbeds_);
            model_->textDecoder().step(c, {{422}});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("index 422 is outside the table"), e.what());
        }
    }

    // config.json values the engine cannot honour are refused with the field named.
    void configRefusals_data()
    {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("needle");
        QTest::newRow("heads") << R"({"text_config": {"num_attention_heads": 5}})"
                               << "hidden_size 48 is not divisible into 5 attention heads";
        QTest::newRow("patch") << R"({"vision_config": {"patch_size": 15}})"
                               << "image_size 64 is not a multiple of patch_size 15";
        QTest::newRow("positions") << R"({"text_config": {"position_embedding_type": "relative_key"}})"
                                   << "position_embedding_type";
        QTest::newRow("activation") << R"({"vision_config": {"hidden_act": "swish2"}})"
                                    << "vision_config: field \"hidden_act\"";
        QTest::newRow("bos") << R"({"text_config": {"bos_token_id": 422}})"
                             << "special token id 422";
        QTest::newRow("widths") << R"({"text_config": {"encoder_hidden_size": 32}})"
                                << "encoder_hidden_size 32 differs from vision_config.hidden_size 48";
        QTest::newRow("layers") << R"({"text_config": {"num_hidden_layers": 0}})"
                                << "\"num_hidden_layers\" must be at least 1";
    }
    void configRefusals()
    {
        QFETCH(QString, patch);
        QFETCH(QString, needle);
        QFile f(dir_ + "/config.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString());
        j.merge_patch(nlohmann::json::parse(patch.toStdString()));
        try {
            BlipConfig::fromJson(j, "config.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(needle), e.what());
        }
    }

    // The question-answering weights under the captioning architecture: the text encoder is left over.
    void unexpectedTensors()
    {
        const QString vqa = loupe::test::goldenDir(QStringLiteral("blip_vqa"));
        QTemporaryDir tmp;
        for (const QString& name : QDir(vqa).entryList(QDir::Files))
            if (name != "config.json") QVERIFY(QFile::copy(vqa + "/" + name, tmp.path() + "/" + name));
        QFile in(vqa + "/config.json");
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray config = in.readAll();
        config.replace("BlipForQuestionAnswering", "BlipForConditionalGeneration");
        QFile out(tmp.path() + "/config.json");
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(config);
        out.close();
        try {
            BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(tmp.path().toStdString()));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("unexpected tensor 'text_encoder."), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestBlipGolden)
#include "tst_blip_golden.moc"
