// SPDX-License-Identifier: MIT
// VisionEncoderDecoderModel (ViT encoder + GPT-2 decoder with cross-attention) parity with Hugging Face
// transformers on the golden vit_gpt2_caption case: the encoder output, every greedy step's logits and
// cross-attentions within case.json's tolerance groups, greedy and beam ids identical, the beam score within
// tolerance; the per-token recorder returns the step's own cross-attention for every generated token.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_trace.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstring>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenIds;
using loupe::test::goldenTolerance;

namespace {

Tensor tensorOf(const TensorView& v)
{
    std::vector<float> data(size_t(shapeNumel(v.shape)));
    std::memcpy(data.data(), v.data, data.size() * sizeof(float));
    return Tensor::fromF32(v.shape, data);
}

} // namespace

class TestVisionEncoderDecoderGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject inputs_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<VisionEncoderDecoderModel> model_;
    Tensor encoded_;

    QString checkValues(const std::vector<float>& actual, const std::string& name)
    {
        const QString n = QString::fromStdString(name);
        return compareClose(n, actual, expected_->tensor(name), goldenTolerance(dir_, n));
    }

    generate::GenerationConfig settings(const char* which)
    {
        generate::GenerationConfig c = generate::GenerationConfig::fromModelFolder(dir_.toStdString());
        const QByteArray j = QJsonDocument(inputs_.value(QLatin1String(which)).toObject()).toJson();
        c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
        return c;
    }

    // A copy of the case whose config.json is edited by `edit`.
    QString editedCopy(QTemporaryDir& tmp, const std::function<void(nlohmann::json&)>& edit)
    {
        for (const QString& f : QDir(dir_).entryList(QDir::Files))
            QFile::copy(dir_ + "/" + f, tmp.path() + "/" + f);
        nlohmann::json j = readJsonFile((dir_ + "/config.json").toStdString());
        edit(j);
        QFile out(tmp.path() + "/config.json");
        out.remove();
        if (!out.open(QIODevice::WriteOnly)) return {};
        out.write(QByteArray::fromStdString(j.dump()));
        return tmp.path();
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        inputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        QVERIFY(!inputs_.isEmpty());
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        model_ = std::make_unique<VisionEncoderDecoderModel>(
            VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir_.toStdString())));
        QCOMPARE(model_->decoderStartTokenId(), int64_t(556));
        encoded_ = model_->encode(tensorOf(expected_->tensor("pixel_values")));
    }

    void encoderOutput()
    {
        QCOMPARE(encoded_.shape(), expected_->tensor("encoder_last_hidden_state").shape);
        const QString msg = checkValues(encoded_.toF32Vector(), "encoder_last_hidden_state");
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
    }

    // Step by step through the key/value cache: each step's logits and cross-attentions of the newest
    // position, the argmax taken as the next token.
    void greedyStepsLogitsAndCrossAttention()
    {
        Gpt2LanguageModel lm = model_->languageModel(encoded_);
        lm.stepOptions.crossAttentions = true;
        const std::vector<int64_t> want = goldenIds(*expected_, "greedy_ids");
        const int64_t steps = int64_t(want.size()) - 1;
        const int64_t V = model_->decoder().config().vocabSize;
        const std::vector<float> allLogits = [&] {
            const TensorView& v = expected_->tensor("step_logits");
            const auto* p = static_cast<const float*>(v.data);
            return std::vector<float>(p, p + shapeNumel(v.shape));
        }();
        QCOMPARE(int64_t(allLogits.size()), steps * V);
        std::vector<std::vector<float>> logits = lm.start({want.front()}, 1, int64_t(want.size()));
        for (int64_t s = 0; s < steps; ++s) {
            const auto& tol = goldenTolerance(dir_, QStringLiteral("step_logits"));
            for (int64_t v = 0; v < V; ++v) {
                const float e = allLogits[size_t(s * V + v)], a = logits[0][size_t(v)];
                QVERIFY2(std::fabs(a - e) <= tol.atol + tol.rtol * std::fabs(e),
                         qPrintable(QString("step %1 id %2: %3 vs %4").arg(s).arg(v).arg(a).arg(e)));
            }
            const auto& cross = lm.lastOutput().crossAttentions;
            QCOMPARE(cross.size(), size_t(model_->decoder().config().nLayer));
            for (size_t l = 0; l < cross.size(); ++l) {
                const std::string name = "cross_attentions." + std::to_string(s) + "." + std::to_string(l);
                QCOMPARE(cross[l].shape(), expected_->tensor(name).shape);
                const QString msg = checkValues(cross[l].toF32Vector(), name);
                QVERIFY2(msg.isEmpty(), qPrintable(msg));
            }
            const int64_t next =
                int64_t(std::max_element(logits[0].begin(), logits[0].end()) - logits[0].begin());
            QCOMPARE(next, want[size_t(s) + 1]);
            if (s + 1 < steps) logits = lm.next({0}, {next});
        }
    }

    void greedyWithTraces()
    {
        Gpt2LanguageModel lm = model_->languageModel(encoded_);
        CrossAttentionRecorder rec(lm, 3);
        std::vector<int64_t> streamed;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t t) { streamed.push_back(t); };
        const auto r = generate::generateSequences(rec, model_->decoderPrompt({}), settings("greedy"), cb);
        const std::vector<int64_t> want = goldenIds(*expected_, "greedy_ids");
        QCOMPARE(r.sequences.size(), size_t(1));
        QCOMPARE(r.sequences.front().tokens, want);
        QCOMPARE(streamed, std::vector<int64_t>(want.begin() + 1, want.end()));
        const std::vector<TokenTrace> traces = rec.traces(want, 1);
        QCOMPARE(traces.size(), want.size() - 1);
        for (size_t s = 0; s < traces.size(); ++s) {
            const TokenTrace& t = traces[s];
            QCOMPARE(t.token, want[s + 1]);
            QCOMPARE(t.top.size(), size_t(3));
            QCOMPARE(t.top.front().first, t.token); // greedy takes the most probable token
            QCOMPARE(t.top.front().second, t.probability);
            QVERIFY(t.top[1].second <= t.top[0].second && t.top[2].second <= t.top[1].second);
            for (size_t l = 0; l < t.crossAttention.size(); ++l) {
                std::vector<float> flat;
                for (const auto& h : t.crossAttention[l])
                    flat.insert(flat.end(), h.begin(), h.end());
                const QString msg =
                    checkValues(flat, "cross_attentions." + std::to_string(s) + "." + std::to_string(l));
                QVERIFY2(msg.isEmpty(), qPrintable(msg));
            }
            // The patch map drops CLS and averages heads: 16 patches (4 x 4 grid) of the last layer.
            const std::vector<float> last = t.patchMap(1), all = t.patchMap(-1);
            QCOMPARE(int64_t(last.size()), model_->gridSize() * model_->gridSize());
            float want0 = 0;
            for (const auto& h : t.crossAttention[1])
                want0 += h[1] / float(t.crossAttention[1].size());
            QCOMPARE(last[0], want0);
            float sumAll = 0;
            for (float v : all)
                sumAll += v;
            QVERIFY(sumAll > 0 && sumAll < 1); // the CLS token's share is dropped
        }
    }

    void beam()
    {
        Gpt2LanguageModel lm = model_->languageModel(encoded_);
        CrossAttentionRecorder rec(lm);
        const auto r = generate::generateSequences(rec, model_->decoderPrompt({}), settings("beam"));
        const std::vector<int64_t> want = goldenIds(*expected_, "beam_ids");
        QVERIFY(!r.sequences.empty());
        QCOMPARE(r.sequences.front().tokens, want);
        const QString msg = checkValues({float(r.sequences.front().score)}, "beam_scores");
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
        // The recorder follows the winning beam through the reorderings.
        const auto traces = rec.traces(want, 1);
        QCOMPARE(traces.size(), want.size() - 1);
        for (size_t s = 0; s < traces.size(); ++s)
            QCOMPARE(traces[s].token, want[s + 1]);
    }

    void refusesOtherArchitecturesAndLongPrompts()
    {
        QTemporaryDir a, b, c;
        struct Case
        {
            QTemporaryDir* dir;
            std::function<void(nlohmann::json&)> edit;
            const char* message;
        } cases[] = {
            {&a, [](nlohmann::json& j) { j["architectures"] = {"SpeechEncoderDecoderModel"}; },
             "architecture 'SpeechEncoderDecoderModel' is not supported"},
            {&b, [](nlohmann::json& j) { j["decoder"]["model_type"] = "bert"; },
             "decoder model_type 'bert' is not supported"},
            {&c, [](nlohmann::json& j) { j["decoder"]["add_cross_attention"] = false; },
             "has no cross-attention"},
        };
        for (const Case& k : cases) {
            const QString folder = editedCopy(*k.dir, k.edit);
            QVERIFY(!folder.isEmpty());
            try {
                VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(folder.toStdString()));
                QFAIL("no error");
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains(QLatin1String(k.message)), e.what());
                QVERIFY2(QString(e.what()).contains(QLatin1String("config.json")), e.what());
            }
        }
        const int64_t positions = model_->decoder().config().nPositions;
        QCOMPARE(model_->decoderPrompt(std::vector<int64_t>(size_t(positions) - 2, 5)).size(),
                 size_t(positions - 1));
        try {
            model_->decoderPrompt(std::vector<int64_t>(size_t(positions) - 1, 5));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(QLatin1String("no room")), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestVisionEncoderDecoderGolden)
#include "tst_vision_encoder_decoder_golden.moc"
