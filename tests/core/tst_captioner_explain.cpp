// SPDX-License-Identifier: MIT
// The captioner's per-token relevancy and "what if" branches on the golden ViT-GPT2 and BLIP caption cases:
// relevancy of every generated word equals the reference of tools/golden/token_relevancy_reference.py and is
// served again from the cache without the image; a branch keeps the prefix, holds the chosen token and
// continues exactly as the decoding loop does from that prefix; bad steps and tokens are refused.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/preprocess/image_processor.h"
#include "core/inference/captioner.h"
#include "core/inference/pixel_values.h"

#include <QFile>
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

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

GenerationConfig greedySettings(const QString& dir, const char* which)
{
    GenerationConfig c = GenerationConfig::fromModelFolder(dir.toStdString());
    const QJsonObject in = readJson(dir + "/case.json").value(QLatin1String("inputs")).toObject();
    const QByteArray j = QJsonDocument(in.value(QLatin1String(which)).toObject()).toJson();
    c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
    return c;
}

// The token the caption did not take at step k: the runner-up of its trace.
int64_t runnerUp(const core::Caption& c, int64_t k)
{
    const auto& top = c.traces.at(size_t(k)).top;
    return top.at(0).first == c.sequence.tokens[size_t(c.promptLength + k)] ? top.at(1).first
                                                                            : top.at(0).first;
}

} // namespace

class TestCaptionerExplain : public QObject
{
    Q_OBJECT

    // Every generated token's map against the reference (same tolerance as compute_token_relevancy).
    void relevancyMatchesReference(const QString& caseName, const char* settingsKey, const char* idsKey)
    {
        const QString dir = test::goldenDir(caseName);
        auto captioner = core::openCaptioner(dir, greedySettings(dir, settingsKey));
        captioner->setPrompt("");
        const core::Caption c = captioner->caption(dir + "/input.png", {});
        const compute::SafetensorsFile expected =
            compute::SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        QCOMPARE(c.sequence.tokens, test::goldenIds(expected, idsKey));
        QCOMPARE(c.promptLength, int64_t(1));
        const QJsonArray steps =
            readJson(dir + "/token_relevancy.json").value(QLatin1String("steps")).toArray();
        QCOMPARE(qsizetype(c.generatedCount()), steps.size());
        for (int64_t k = 0; k < c.generatedCount(); ++k) {
            const compute::attribution::TokenRelevancy r = captioner->relevancy(c, k);
            const QJsonArray want = steps[k].toObject().value(QLatin1String("patches")).toArray();
            QCOMPARE(qsizetype(r.patches.size()), want.size());
            QCOMPARE(r.grid, captioner->grid());
            for (qsizetype i = 0; i < want.size(); ++i) {
                const double e = want[i].toDouble();
                QVERIFY2(std::fabs(r.patches[size_t(i)] - e) <= 1e-4 + 1e-3 * std::fabs(e),
                         qPrintable(QString("token %1 patch %2: %3 vs %4")
                                        .arg(k)
                                        .arg(i)
                                        .arg(r.patches[size_t(i)])
                                        .arg(e)));
            }
        }
    }

private slots:
    void vitGpt2Relevancy()
    {
        relevancyMatchesReference(QStringLiteral("vit_gpt2_caption"), "greedy", "greedy_ids");
    }
    void blipRelevancy()
    {
        relevancyMatchesReference(QStringLiteral("blip_caption"), "uncond", "uncond_ids");
    }

    // Token 2 replaced by the runner-up: the prefix and the forced token are there, and the continuation
    // is what the decoding loop gives from that prefix over the same image.
    void vitGpt2BranchContinuesAsGenerate()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        const GenerationConfig settings = greedySettings(dir, "greedy");
        auto captioner = core::openCaptioner(dir, settings);
        captioner->setPrompt("");
        core::CaptionRequest traced;
        traced.traceTop = 3;
        const core::Caption c = captioner->caption(dir + "/input.png", traced);
        const int64_t k = 2, alt = runnerUp(c, k);
        const core::Caption b = captioner->branch(c, k, alt, traced);
        const std::vector<int64_t> prefix(c.sequence.tokens.begin(),
                                          c.sequence.tokens.begin() + c.promptLength + k);
        QVERIFY(b.sequence.tokens.size() > prefix.size());
        QCOMPARE(std::vector<int64_t>(b.sequence.tokens.begin(),
                                      b.sequence.tokens.begin() + qsizetype(prefix.size())),
                 prefix);
        QCOMPARE(b.sequence.tokens[prefix.size()], alt);
        QCOMPARE(b.promptLength, c.promptLength);
        QCOMPARE(b.image, c.image);

        const auto model =
            compute::VisionEncoderDecoderModel::fromCheckpoint(compute::Checkpoint::open(dir.toStdString()));
        const compute::Tensor px = core::loadPixelValues(
            dir + "/input.png",
            compute::ImageProcessorConfig::fromFile((dir + "/preprocessor_config.json").toStdString()));
        compute::Gpt2LanguageModel lm = model.languageModel(model.encode(px));
        std::vector<int64_t> forced = prefix;
        forced.push_back(alt);
        const auto want = compute::generate::generateSequences(lm, forced, captioner->settings());
        QCOMPARE(b.sequence.tokens, want.sequences.front().tokens);

        // Traces line up with the generated tokens: the parent's before k, the new token at k.
        QCOMPARE(int64_t(b.traces.size()), b.generatedCount());
        QCOMPARE(b.traces[size_t(k)].token, alt);
        QVERIFY(b.traces[size_t(k)].probability > 0);
        for (size_t s = 0; s < b.traces.size(); ++s)
            QCOMPARE(b.traces[s].step, int64_t(s));
        // The branch's own words can be explained too.
        QCOMPARE(int(captioner->relevancy(b, k + 1).patches.size()), captioner->grid() * captioner->grid());
    }

    void blipBranchContinuesAsGenerate()
    {
        const QString dir = test::goldenDir(QStringLiteral("blip_caption"));
        auto captioner = core::openCaptioner(dir, greedySettings(dir, "uncond"));
        captioner->setPrompt("");
        const core::Caption c = captioner->caption(dir + "/input.png", {});
        const int64_t k = 0, alt = c.sequence.tokens[1] == 100 ? 101 : 100;
        const core::Caption b = captioner->branch(c, k, alt);
        QCOMPARE(b.sequence.tokens[0], c.sequence.tokens[0]);
        QCOMPARE(b.sequence.tokens[1], alt);

        const auto model = compute::BlipForConditionalGeneration::fromCheckpoint(
            compute::Checkpoint::open(dir.toStdString()));
        const compute::Tensor px = core::loadPixelValues(
            dir + "/input.png",
            compute::ImageProcessorConfig::fromFile((dir + "/preprocessor_config.json").toStdString()));
        compute::BlipTextLanguageModel lm = model.languageModel(model.vision().forward(px).imageEmbeds);
        const auto want =
            compute::generate::generateSequences(lm, {c.sequence.tokens[0], alt}, captioner->settings());
        QCOMPARE(b.sequence.tokens, want.sequences.front().tokens);
    }

    // An end-of-sequence token ends the branch there.
    void branchToEosStops()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        auto captioner = core::openCaptioner(dir, greedySettings(dir, "greedy"));
        captioner->setPrompt("");
        const core::Caption c = captioner->caption(dir + "/input.png", {});
        const int64_t eos = captioner->settings().eosTokenIds.front();
        const core::Caption b = captioner->branch(c, 1, eos);
        QCOMPARE(b.generatedCount(), int64_t(2));
        QCOMPARE(b.sequence.tokens.back(), eos);
    }

    // A map asked for again comes from the cache: it is served after the image is gone, while a token not
    // asked for before needs the image (another image was captioned since, so its encoding is not kept).
    void relevancyIsCachedPerImageAndToken()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        auto captioner = core::openCaptioner(dir, greedySettings(dir, "greedy"));
        captioner->setPrompt("");
        QTemporaryDir tmp;
        const QString copy = tmp.filePath(QStringLiteral("copy.png"));
        QVERIFY(QFile::copy(dir + "/input.png", copy));
        const core::Caption c = captioner->caption(copy, {});
        const auto first = captioner->relevancy(c, 3);
        captioner->caption(test::goldenDir(QStringLiteral("blip_caption")) + "/input.png", {});
        QVERIFY(QFile::remove(copy));
        QCOMPARE(captioner->relevancy(c, 3).patches, first.patches);
        QVERIFY_THROWS_EXCEPTION(compute::Error, captioner->relevancy(c, 4));
    }

    void badStepsAndTokensAreRefused()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        auto captioner = core::openCaptioner(dir, greedySettings(dir, "greedy"));
        captioner->setPrompt("");
        const core::Caption c = captioner->caption(dir + "/input.png", {});
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, captioner->relevancy(c, c.generatedCount()));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, captioner->relevancy(c, -1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, captioner->branch(c, c.generatedCount(), 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, captioner->branch(c, 0, -1));
        core::Caption noImage = c;
        noImage.image.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, captioner->relevancy(noImage, 0));
    }
};

QTEST_GUILESS_MAIN(TestCaptionerExplain)
#include "tst_captioner_explain.moc"
