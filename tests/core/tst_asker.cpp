// SPDX-License-Identifier: MIT
// core::Asker on the golden blip_vqa case: transformers' answer ids, one image encoding for many
// questions about one image, token callbacks and cancellation, traces whose image maps are proper
// weightings of the patches, per-token gradient-weighted relevancy equal to the reference of
// tools/golden/token_relevancy_reference.py and served again from the cache, and a clear error for the
// wrong checkpoint, missing files or a token the answer does not have.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generation_config.h"
#include "compute/io/safetensors.h"
#include "core/inference/asker.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <stdexcept>

using namespace loupe;
using compute::generate::GenerationConfig;

namespace {

GenerationConfig eightTokens(const QString& dir)
{
    GenerationConfig c = GenerationConfig::fromModelFolder(dir.toStdString());
    c.maxNewTokens = 8;
    return c;
}

QString errorOpening(const QString& dir)
{
    try {
        core::Asker::open(dir, GenerationConfig::fromModelFolder(dir.toStdString()));
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestAsker : public QObject
{
    Q_OBJECT
    QString dir_, image_;
    const QString question_ = QStringLiteral("what is in the picture?");
    std::vector<int64_t> answerIds_;

private slots:
    void initTestCase()
    {
        dir_ = test::goldenDir(QStringLiteral("blip_vqa"));
        image_ = dir_ + "/input.png";
        const auto e = compute::SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        answerIds_ = test::goldenIds(e, "answer_ids");
        QCOMPARE(answerIds_.size(), size_t(9));
    }

    void answersAsTransformers()
    {
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        std::vector<int64_t> streamed;
        core::CaptionRequest r;
        r.onToken = [&](int64_t id) { streamed.push_back(id); };
        const core::Answer a = asker->answer(image_, question_, r);
        QCOMPARE(a.sequence.tokens, answerIds_);
        QCOMPARE(QString::fromStdString(a.text), QStringLiteral("werehegg wereggas"));
        QCOMPARE(streamed, std::vector<int64_t>(answerIds_.begin() + 1, answerIds_.end()));
        QCOMPARE(asker->promptIds(), std::vector<int64_t>(answerIds_.begin(), answerIds_.begin() + 1));
        QVERIFY(a.traces.empty() && a.imageTraces.empty() && a.imageMaps.empty());
    }

    // Ten questions about one image run the vision model once, and the cached embeddings give the same
    // answer as fresh ones; another image, or the same file rewritten, is encoded again.
    void tenQuestionsEncodeTheImageOnce()
    {
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        QCOMPARE(asker->imageEncodings(), 0);
        for (int i = 0; i < 10; ++i) {
            const core::Answer a = asker->answer(image_, i % 2 ? question_ : QStringLiteral("what colour?"));
            if (i % 2) QCOMPARE(a.sequence.tokens, answerIds_);
        }
        QCOMPARE(asker->imageEncodings(), 1);

        QTemporaryDir tmp;
        const QString other = tmp.filePath(QStringLiteral("other.png"));
        QImage img(image_);
        img.invertPixels();
        QVERIFY(img.save(other));
        asker->answer(other, question_);
        QCOMPARE(asker->imageEncodings(), 2);
        QCOMPARE(asker->answer(image_, question_).sequence.tokens, answerIds_);
        QCOMPARE(asker->imageEncodings(), 3);
        asker->forgetImage();
        asker->answer(image_, question_);
        QCOMPARE(asker->imageEncodings(), 4);
    }

    void cancelStopsBetweenSteps()
    {
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        int tokens = 0;
        core::CaptionRequest r;
        r.onToken = [&](int64_t) { ++tokens; };
        r.cancelled = [&] { return tokens >= 2; };
        const core::Answer a = asker->answer(image_, question_, r);
        QCOMPARE(tokens, 2);
        QCOMPARE(a.sequence.tokens, std::vector<int64_t>(answerIds_.begin(), answerIds_.begin() + 3));
    }

    void tracesCoverEveryAnswerToken()
    {
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        core::CaptionRequest r;
        r.traceTop = 3;
        const core::Answer a = asker->answer(image_, question_, r);
        QCOMPARE(a.sequence.tokens, answerIds_); // tracing changes nothing
        QCOMPARE(a.traces.size(), answerIds_.size() - 1);
        QCOMPARE(a.imageTraces.size(), a.traces.size());
        QCOMPARE(a.imageMaps.size(), a.traces.size());
        const size_t questionTokens = asker->questionIds(question_).size();
        const size_t cells = size_t(asker->grid() * asker->grid());
        for (size_t t = 0; t < a.traces.size(); ++t) {
            QCOMPARE(a.traces[t].token, answerIds_[t + 1]);
            QCOMPARE(a.traces[t].top.size(), size_t(3));
            QVERIFY(!a.traces[t].crossAttention.empty());
            QCOMPARE(a.traces[t].crossAttention.front().front().size(), questionTokens);
            const compute::TokenTrace& im = a.imageTraces[t];
            QCOMPARE(im.token, a.traces[t].token);
            QCOMPARE(im.crossAttention.size(), a.traces[t].crossAttention.size());
            // Every (layer, head) row is a mixture of attention rows over CLS and the patches: it sums to 1.
            for (const auto& layer : im.crossAttention)
                for (const auto& row : layer) {
                    QCOMPARE(row.size(), cells + 1);
                    double sum = 0;
                    for (float v : row) {
                        QVERIFY(std::isfinite(v) && v >= 0.f);
                        sum += v;
                    }
                    QVERIFY2(std::fabs(sum - 1.0) < 1e-4, qPrintable(QString::number(sum)));
                }
            QCOMPARE(im.patchMap(-1).size(), cells);
            QCOMPARE(a.imageMaps[t], im.patchMap(-1));
            QCOMPARE(im.patchMap(int(im.crossAttention.size()) - 1).size(), cells);
        }
        QVERIFY(a.imageTraces.front().patchMap(-1) != a.imageTraces.back().patchMap(-1));
    }

    // Every answered word's relevancy over the image is the reference's (the bi-modal rules carried image
    // -> question -> answer, within the golden gradients tolerance). Asked again it comes from the cache:
    // served after the image is gone, while a token not asked for before needs the image (another image
    // was asked about since, so its embeddings are not kept).
    void relevancyMatchesReferenceAndIsCached()
    {
        QFile rf(dir_ + "/token_relevancy.json");
        QVERIFY2(rf.open(QIODevice::ReadOnly), qPrintable(rf.fileName()));
        const QJsonArray steps =
            QJsonDocument::fromJson(rf.readAll()).object().value(QLatin1String("steps")).toArray();
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        QTemporaryDir tmp;
        const QString copy = tmp.filePath(QStringLiteral("copy.png"));
        QVERIFY(QFile::copy(image_, copy));
        const core::Answer a = asker->answer(copy, question_);
        QCOMPARE(a.sequence.tokens, answerIds_);
        QCOMPARE(a.generatedCount(), steps.size());
        for (int64_t k = 0; k < a.generatedCount(); ++k) {
            const auto r = asker->relevancy(a, k);
            const QJsonObject step = steps[qsizetype(k)].toObject();
            QCOMPARE(step.value(QLatin1String("token")).toInteger(), answerIds_[size_t(k) + 1]);
            QCOMPARE(r.grid, asker->grid());
            const QJsonArray want = step.value(QLatin1String("patches")).toArray();
            QCOMPARE(qsizetype(r.patches.size()), want.size());
            for (qsizetype i = 0; i < want.size(); ++i) {
                const double e = want[i].toDouble();
                QVERIFY2(std::fabs(r.patches[size_t(i)] - e) <= 1e-4 + 1e-3 * std::fabs(e),
                         qPrintable(QString("token %1 patch %2: %3 vs reference %4")
                                        .arg(k)
                                        .arg(i)
                                        .arg(r.patches[size_t(i)])
                                        .arg(e)));
            }
        }
        const auto first = asker->relevancy(a, 0);
        asker->answer(test::goldenDir(QStringLiteral("blip_caption")) + "/input.png", question_);
        QVERIFY(QFile::remove(copy));
        QCOMPARE(asker->relevancy(a, 0).patches, first.patches);
        core::Answer other = a;
        other.questionIds.back() = other.questionIds.front(); // another question: not cached
        QVERIFY_THROWS_EXCEPTION(compute::Error, asker->relevancy(other, 0));
    }

    void relevancyRefusesTokensTheAnswerLacks()
    {
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        const core::Answer a = asker->answer(image_, question_);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, asker->relevancy(a, -1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, asker->relevancy(a, a.generatedCount()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, asker->relevancy(core::Answer{}, 0));
    }

    void refusals()
    {
        QVERIFY(errorOpening(test::goldenDir(QStringLiteral("blip_caption")))
                    .contains(QLatin1String("this checkpoint is a BlipForConditionalGeneration")));
        QVERIFY(errorOpening(test::goldenDir(QStringLiteral("clip_match")))
                    .contains(QLatin1String("architecture 'CLIPModel' is not supported")));
        for (const QString& skip :
             {QStringLiteral("vocab.txt"), QStringLiteral("preprocessor_config.json")}) {
            QTemporaryDir tmp;
            for (const QString& f : QDir(dir_).entryList(QDir::Files))
                if (f != skip) QVERIFY(QFile::copy(dir_ + "/" + f, tmp.filePath(f)));
            const QString error = errorOpening(tmp.path());
            QVERIFY2(error.contains(skip) && error.contains(QLatin1String("missing")), qPrintable(error));
        }
        auto asker = core::Asker::open(dir_, eightTokens(dir_));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, asker->answer(image_, QString()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 asker->answer(image_, QStringLiteral("what ").repeated(70)));
        QCOMPARE(asker->imageEncodings(), 0); // the question was refused before the image was read
        try {
            asker->answer(dir_ + "/nope.png", question_);
            QFAIL("no error for a missing image");
        } catch (const compute::Error& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(QLatin1String("nope.png")), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestAsker)
#include "tst_asker.moc"
