// SPDX-License-Identifier: MIT
// SamModel::decodeBatch against decode() one prompt at a time on the golden SAM checkpoint, and the
// decoder's per-embedding cache: it must follow the embedding's content, never its address.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/sam.h"

#include <QTest>
#include <cmath>
#include <cstdlib>
#include <random>

using namespace loupe::compute;

namespace {

Tensor randomEmbedding(const SamModel& model, unsigned seed)
{
    const auto& v = model.config().vision;
    std::mt19937 rng(seed);
    std::normal_distribution<float> n01;
    std::vector<float> values(size_t(v.grid() * v.grid() * v.outputChannels));
    for (float& x : values)
        x = n01(rng);
    return Tensor::fromF32({v.grid(), v.grid(), v.outputChannels}, values);
}

// Largest absolute difference between two predictions; infinity when their shapes differ.
double maxDifference(const sam::MaskPrediction& a, const sam::MaskPrediction& b)
{
    if (a.masks.shape() != b.masks.shape() || a.iou.size() != b.iou.size()) return INFINITY;
    double worst = 0;
    const std::vector<float> ma = a.masks.toF32Vector(), mb = b.masks.toF32Vector();
    for (size_t i = 0; i < ma.size(); ++i)
        worst = std::max(worst, double(std::fabs(ma[i] - mb[i])));
    for (size_t i = 0; i < a.iou.size(); ++i)
        worst = std::max(worst, double(std::fabs(a.iou[i] - b.iou[i])));
    return worst;
}

} // namespace

class TestSamDecodeBatch : public QObject
{
    Q_OBJECT

    SamModel model_;
    Tensor embedding_;

    std::vector<sam::Prompt> mixedPrompts() const
    {
        const double S = double(model_.config().vision.imageSize);
        std::vector<sam::Prompt> prompts;
        for (int i = 0; i < 5; ++i) { // one point each: the automatic mask generator's batch
            sam::Prompt p;
            p.points = {{S * (0.1 + 0.17 * i), S * (0.9 - 0.15 * i)}};
            p.labels = {1};
            prompts.push_back(p);
        }
        sam::Prompt two;
        two.points = {{S * 0.3, S * 0.4}, {S * 0.7, S * 0.2}};
        two.labels = {1, 0};
        prompts.push_back(two);
        sam::Prompt box;
        box.box = std::array<double, 4>{S * 0.2, S * 0.25, S * 0.6, S * 0.8};
        prompts.push_back(box);
        sam::Prompt withMask;
        withMask.points = {{S * 0.5, S * 0.5}};
        withMask.labels = {1};
        withMask.maskInput = model_.decode(embedding_, withMask, false).masks.select(0, 0);
        prompts.push_back(withMask);
        return prompts;
    }

private slots:
    void initTestCase()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        model_ = SamModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        embedding_ = randomEmbedding(model_, 11);
    }

    void batchEqualsOneByOne_data()
    {
        QTest::addColumn<bool>("multimask");
        QTest::newRow("multimask") << true;
        QTest::newRow("single mask") << false;
    }
    void batchEqualsOneByOne()
    {
        QFETCH(bool, multimask);
        const std::vector<sam::Prompt> prompts = mixedPrompts();
        const std::vector<sam::MaskPrediction> batch = model_.decodeBatch(embedding_, prompts, multimask);
        QCOMPARE(batch.size(), prompts.size());
        const int64_t side = 4 * model_.config().vision.grid();
        for (size_t i = 0; i < prompts.size(); ++i) {
            const sam::MaskPrediction one = model_.decode(embedding_, prompts[i], multimask);
            QCOMPARE(batch[i].masks.shape(), (Shape{multimask ? 3 : 1, side, side}));
            const double diff = maxDifference(batch[i], one);
            QVERIFY2(diff <= 1e-4, qPrintable(QString("prompt %1 differs by %2").arg(i).arg(diff)));
        }
        // Different prompts give different masks: the batch did not copy one prompt's answer.
        QVERIFY(maxDifference(batch[0], batch[1]) > 1e-3);
    }

    void cacheOffGivesTheSameMasks()
    {
        const std::vector<sam::Prompt> prompts = mixedPrompts();
        const std::vector<sam::MaskPrediction> cached = model_.decodeBatch(embedding_, prompts, true);
        qputenv("LOUPE_SAM_NO_DECODER_CACHE", "1");
        const std::vector<sam::MaskPrediction> fresh = model_.decodeBatch(embedding_, prompts, true);
        qunsetenv("LOUPE_SAM_NO_DECODER_CACHE");
        for (size_t i = 0; i < prompts.size(); ++i)
            QVERIFY(maxDifference(cached[i], fresh[i]) <= 1e-5);
    }

    void cacheFollowsTheEmbeddingsContent()
    {
        sam::Prompt p;
        p.points = {{40.0, 50.0}};
        p.labels = {1};
        const Tensor other = randomEmbedding(model_, 12);
        qputenv("LOUPE_SAM_NO_DECODER_CACHE", "1");
        const sam::MaskPrediction expectA = model_.decode(embedding_, p, true);
        const sam::MaskPrediction expectB = model_.decode(other, p, true);
        qunsetenv("LOUPE_SAM_NO_DECODER_CACHE");
        QVERIFY(maxDifference(expectA, expectB) > 1e-3);

        QVERIFY(maxDifference(model_.decode(embedding_, p, true), expectA) <= 1e-5);
        QVERIFY(maxDifference(model_.decode(other, p, true), expectB) <= 1e-5);
        // The same buffer overwritten with another image's embedding is another image.
        Tensor reused = embedding_.clone();
        QVERIFY(maxDifference(model_.decode(reused, p, true), expectA) <= 1e-5);
        copyInto(reused, other);
        QVERIFY(maxDifference(model_.decode(reused, p, true), expectB) <= 1e-5);
    }

    void refusesBadBatches()
    {
        const int64_t g = model_.config().vision.grid();
        QVERIFY(model_.decodeBatch(embedding_, {}, true).empty());
        QVERIFY_THROWS_EXCEPTION(Error, model_.decodeBatch(embedding_, {sam::Prompt{}}, true));
        sam::Prompt p;
        p.points = {{1.0, 2.0}};
        p.labels = {1};
        QVERIFY_THROWS_EXCEPTION(Error, model_.decodeBatch(Tensor::zeros(DType::F32, {g, g, 3}),
                                                           std::vector<sam::Prompt>{p}, true));
    }
};

QTEST_GUILESS_MAIN(TestSamDecodeBatch)
#include "tst_sam_decode_batch.moc"
