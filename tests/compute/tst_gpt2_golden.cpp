// SPDX-License-Identifier: MIT
// GPT-2 parity with Hugging Face transformers on the golden gpt2_generate case: logits, every hidden
// state and attention of the prompt within case.json's tolerance groups; greedy and beam-search ids
// identical and beam scores within tolerance, decoding through the key/value cache. The prompt ids come
// from expected.safetensors, so no tokenizer is involved.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenIds;
using loupe::test::goldenTolerance;

class TestGpt2Golden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject inputs_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<Gpt2Model> model_;
    std::vector<int64_t> prompt_;

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
        dir_ = loupe::test::goldenDir(QStringLiteral("gpt2_generate"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        inputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        QVERIFY(!inputs_.isEmpty());
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        model_ = std::make_unique<Gpt2Model>(Gpt2Model::fromCheckpoint(Checkpoint::open(dir_.toStdString())));
        prompt_ = goldenIds(*expected_, "input_ids");
        QCOMPARE(prompt_.size(), size_t(7));
    }

    void promptForward()
    {
        Gpt2RunOptions o;
        o.hiddenStates = true;
        o.attentions = true;
        const Gpt2Output out = model_->forward({prompt_}, o);
        check(out.logits, "logits");
        QCOMPARE(out.hiddenStates.size(), size_t(3));
        for (size_t i = 0; i < out.hiddenStates.size(); ++i)
            check(out.hiddenStates[i], "hidden_states." + std::to_string(i));
        QCOMPARE(out.attentions.size(), size_t(2));
        for (size_t l = 0; l < out.attentions.size(); ++l)
            check(out.attentions[l], "attentions." + std::to_string(l));
    }

    // The cache path (a 4-token prefill, then one token per step) gives the full forward's logits, both
    // reading exactly the filled slots (attentions observed) and reading a rounded-up length with the
    // unfilled slots masked (the decoding default).
    void cachedStepsMatchFullForward_data()
    {
        QTest::addColumn<bool>("observe");
        QTest::newRow("exact") << true;
        QTest::newRow("rounded-up") << false;
    }
    void cachedStepsMatchFullForward()
    {
        QFETCH(bool, observe);
        const Gpt2Output full = model_->forward({prompt_});
        transformer::KvCache cache = model_->newCache(1, 16);
        Gpt2RunOptions o;
        o.attentions = observe;
        Gpt2Output step = model_->step(cache, {{prompt_.begin(), prompt_.begin() + 4}}, o);
        QCOMPARE(cache.length(), int64_t(4));
        const int64_t V = model_->config().vocabSize;
        for (size_t t = 4; t < prompt_.size(); ++t) {
            step = model_->step(cache, {{prompt_[t]}}, o);
            if (observe) QCOMPARE(step.attentions.front().shape(), (Shape{1, 4, 1, int64_t(t) + 1}));
            const std::vector<float> got = step.logits.toF32Vector();
            const std::vector<float> want = full.logits.slice(1, int64_t(t), int64_t(t) + 1).toF32Vector();
            QCOMPARE(int64_t(got.size()), V);
            for (int64_t v = 0; v < V; ++v)
                QVERIFY2(std::fabs(got[size_t(v)] - want[size_t(v)]) < 1e-4f,
                         qPrintable(QString("position %1 id %2").arg(t).arg(v)));
        }
        QCOMPARE(cache.length(), int64_t(prompt_.size()));
    }

    void greedy()
    {
        Gpt2LanguageModel lm(*model_);
        std::vector<int64_t> streamed;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t t) { streamed.push_back(t); };
        const auto r = generate::generateSequences(lm, prompt_, settings("greedy"), cb);
        QCOMPARE(r.sequences.size(), size_t(1));
        const std::vector<int64_t> want = goldenIds(*expected_, "greedy_ids");
        QCOMPARE(r.sequences.front().tokens, want);
        QCOMPARE(streamed, std::vector<int64_t>(want.begin() + 7, want.end()));
    }

    void beam()
    {
        Gpt2LanguageModel lm(*model_);
        const auto r = generate::generateSequences(lm, prompt_, settings("beam"));
        const std::vector<int64_t> want = goldenIds(*expected_, "beam_ids");
        const int64_t R = 3, width = int64_t(want.size()) / R;
        QCOMPARE(r.sequences.size(), size_t(R));
        std::vector<float> scores;
        for (int64_t i = 0; i < R; ++i) {
            QCOMPARE(r.sequences[size_t(i)].tokens,
                     std::vector<int64_t>(want.begin() + i * width, want.begin() + (i + 1) * width));
            scores.push_back(float(r.sequences[size_t(i)].score));
        }
        const QString msg = compareClose("beam_scores", scores, expected_->tensor("beam_scores"),
                                         goldenTolerance(dir_, "beam_scores"));
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
    }

    // Sampling restricted to the single most probable token is greedy decoding.
    void samplingTopOneIsGreedy()
    {
        generate::GenerationConfig c = settings("greedy");
        c.doSample = true;
        c.topK = 1;
        c.seed = 5;
        Gpt2LanguageModel lm(*model_);
        QCOMPARE(generate::generateSequences(lm, prompt_, c).sequences.front().tokens,
                 goldenIds(*expected_, "greedy_ids"));
    }

    // Beam reordering: row i takes old row parents[i]'s filled slots; the rest of the capacity stays finite.
    void cacheReorder()
    {
        transformer::KvCache cache(1, 3, 2, 4, 2);
        Tensor k = Tensor::empty(DType::F32, {3, 2, 2, 2}), v = Tensor::empty(DType::F32, {3, 2, 2, 2});
        for (int64_t i = 0; i < k.numel(); ++i) {
            k.ptr<float>()[i] = float(i);
            v.ptr<float>()[i] = float(-i);
        }
        cache.write(0, k, v);
        cache.advance(2);
        cache.reorder({2, 2, 0});
        const Tensor& K = cache.keys(0);
        QCOMPARE(K.itemF32({0, 1, 1, 1}), k.itemF32({2, 1, 1, 1}));
        QCOMPARE(K.itemF32({1, 0, 0, 0}), k.itemF32({2, 0, 0, 0}));
        QCOMPARE(K.itemF32({2, 1, 0, 1}), k.itemF32({0, 1, 0, 1}));
        QCOMPARE(cache.values(0).itemF32({2, 1, 0, 1}), v.itemF32({0, 1, 0, 1}));
        QCOMPARE(K.itemF32({0, 0, 3, 0}), 0.f); // an unfilled slot
        Tensor one = Tensor::zeros(DType::F32, {3, 2, 3, 2});
        QVERIFY_THROWS_EXCEPTION(Error, cache.write(0, one, one)); // 2 + 3 > capacity 4
    }

    void refusesBadCheckpoints()
    {
        std::map<std::string, Tensor> none;
        try {
            Gpt2Model::fromTensors(model_->config(), none, "nowhere");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("missing tensor 'transformer.wte.weight'"), e.what());
        }
        try {
            Gpt2LanguageModel lm(*model_);
            generate::GenerationConfig c;
            c.eosTokenIds = {556};
            generate::generateSequences(lm, std::vector<int64_t>(64, 5), c);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("at most 64 positions"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestGpt2Golden)
#include "tst_gpt2_golden.moc"
