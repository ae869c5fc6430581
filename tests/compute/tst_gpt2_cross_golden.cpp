// SPDX-License-Identifier: MIT
// GPT-2 as the decoder of a VisionEncoderDecoderModel (add_cross_attention) against the golden
// vit_gpt2_caption case, fed transformers' own encoder output (encoder_last_hidden_state), so the decoder
// is checked alone: the raw logits of every greedy step, the cross-attention of the newest token at
// every step and layer, the greedy ids, and the beam-search ids and score (generated_len excludes the
// start token).
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenIds;
using loupe::test::goldenTolerance;

namespace {

Tensor tensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorView& v = f.tensor(name);
    return Tensor::fromF32(v.shape, toF32(v));
}

// Row s of [steps, V] as a view compareClose can read.
TensorView stepView(const Tensor& t, int64_t s, int64_t V)
{
    TensorView v;
    v.name = "step_logits";
    v.dtype = DType::F32;
    v.shape = {V};
    v.data = t.ptr<float>() + s * V;
    v.nbytes = size_t(V) * sizeof(float);
    return v;
}

} // namespace

class TestGpt2CrossGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject inputs_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<Gpt2Model> decoder_;
    Tensor encoder_;
    int64_t start_ = -1;

    generate::GenerationConfig settings(const char* which)
    {
        generate::GenerationConfig c = generate::GenerationConfig::fromModelFolder(dir_.toStdString());
        const QByteArray j = QJsonDocument(inputs_.value(QLatin1String(which)).toObject()).toJson();
        c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
        return c;
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        if (!QDir(dir_).exists()) QSKIP("the vit_gpt2_caption golden case is not in tests/data/golden");
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        inputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        const Checkpoint ckpt = Checkpoint::open(dir_.toStdString());
        decoder_ = std::make_unique<Gpt2Model>(
            Gpt2Model::fromCheckpoint(ckpt, "decoder.", ckpt.config().at("decoder")));
        QVERIFY(decoder_->config().addCrossAttention);
        encoder_ = tensor(*expected_, "encoder_last_hidden_state");
        start_ = ckpt.config().at("decoder_start_token_id").get<int64_t>();
    }

    void greedyStepsAndCrossAttentions()
    {
        Gpt2LanguageModel lm(*decoder_, encoder_);
        lm.stepOptions.crossAttentions = true;
        const std::vector<int64_t> want = goldenIds(*expected_, "greedy_ids");
        const Tensor stepLogits = tensor(*expected_, "step_logits");
        const int64_t V = decoder_->config().vocabSize;
        // Drive the steps by hand along the expected ids to compare each step's logits and attentions.
        std::vector<std::vector<float>> logits = lm.start({start_}, 1, int64_t(want.size()));
        for (size_t s = 0; s + 1 < want.size(); ++s) {
            const std::string n = std::to_string(s);
            const QString msg = compareClose(QString::fromStdString("step_logits." + n), logits[0],
                                             stepView(stepLogits, int64_t(s), V),
                                             goldenTolerance(dir_, QStringLiteral("step_logits")));
            QVERIFY2(msg.isEmpty(), qPrintable(msg));
            for (size_t l = 0; l < lm.lastOutput().crossAttentions.size(); ++l) {
                const std::string name = "cross_attentions." + n + "." + std::to_string(l);
                const QString m = compareClose(
                    QString::fromStdString(name), lm.lastOutput().crossAttentions[l].toF32Vector(),
                    expected_->tensor(name), goldenTolerance(dir_, QString::fromStdString(name)));
                QVERIFY2(m.isEmpty(), qPrintable(m));
            }
            if (s + 2 < want.size()) logits = lm.next({0}, {want[s + 1]});
        }
        Gpt2LanguageModel fresh(*decoder_, encoder_);
        QCOMPARE(generate::generateSequences(fresh, {start_}, settings("greedy")).sequences.front().tokens,
                 want);
    }

    void beam()
    {
        Gpt2LanguageModel lm(*decoder_, encoder_);
        const auto r = generate::generateSequences(lm, {start_}, settings("beam"));
        QCOMPARE(r.sequences.front().tokens, goldenIds(*expected_, "beam_ids"));
        const QString msg =
            compareClose("beam_scores", {float(r.sequences.front().score)}, expected_->tensor("beam_scores"),
                         goldenTolerance(dir_, "beam_scores"));
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
    }
};

QTEST_APPLESS_MAIN(TestGpt2CrossGolden)
#include "tst_gpt2_cross_golden.moc"
