// SPDX-License-Identifier: MIT
// Attention-derived maps and faithfulness metrics on cases small enough to work out by hand.
#include "compute/attribution/attention_maps.h"
#include "compute/attribution/faithfulness.h"
#include "compute/error.h"

#include <QTest>

#include <random>

using namespace loupe::compute;
using namespace loupe::compute::attribution;

namespace {

bool near(float a, float b, float tol = 1e-6f)
{
    return std::fabs(a - b) <= tol;
}

// Score = mean of channel 0 over the top-left 5×5 block of a 10×10 image.
std::vector<float> regionScore(const std::vector<const PlanarImage*>& batch)
{
    std::vector<float> out;
    for (const PlanarImage* img : batch) {
        float s = 0.0f;
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 5; ++x)
                s += img->data[size_t(y) * 10 + x];
        out.push_back(s / 25.0f);
    }
    return out;
}

PlanarImage filled(float v)
{
    return PlanarImage{1, 10, 10, std::vector<float>(100, v)};
}

std::vector<float> regionRelevance()
{
    std::vector<float> r(100, 0.0f);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x)
            r[size_t(y) * 10 + x] = 1.0f;
    return r;
}

} // namespace

class TestAttributionMaps : public QObject
{
    Q_OBJECT
private slots:
    void rolloutByHand()
    {
        const std::vector<float> a{0.6f, 0.4f, 0.2f, 0.8f};
        AttentionSet one{1, 1, 2, {a.data()}};
        const auto r1 = rolloutRow(one, 0, {});
        QVERIFY(near(r1[0], 0.8f) && near(r1[1], 0.2f));
        AttentionSet two{2, 1, 2, {a.data(), a.data()}};
        const auto r2 = rolloutRow(two, 0, {});
        QVERIFY(near(r2[0], 0.66f) && near(r2[1], 0.34f));
        // Column 1 of Ã·Ã: [0.34, 0.1*0.2+0.9*0.9] = [0.34, 0.83].
        const auto c = rolloutColumn(two, 1, {});
        QVERIFY(near(c[0], 0.34f) && near(c[1], 0.83f));
        RolloutOptions skipFirst;
        skipFirst.startLayer = 1;
        const auto r3 = rolloutRow(two, 0, skipFirst);
        QVERIFY(near(r3[0], 0.8f));
    }
    void headFusion()
    {
        // Two heads of a 2×2 attention: mean, max, min element-wise.
        const std::vector<float> a{0.5f, 0.5f, 0.1f, 0.9f, 0.9f, 0.1f, 0.3f, 0.7f};
        const auto mean = fuseHeads(a.data(), 2, 2, HeadFusion::Mean);
        const auto mx = fuseHeads(a.data(), 2, 2, HeadFusion::Max);
        const auto mn = fuseHeads(a.data(), 2, 2, HeadFusion::Min);
        QVERIFY(near(mean[0], 0.7f) && near(mean[3], 0.8f));
        QVERIFY(near(mx[0], 0.9f) && near(mx[2], 0.3f));
        QVERIFY(near(mn[1], 0.1f) && near(mn[3], 0.7f));
        QVERIFY(near(rawAttention(AttentionSet{1, 2, 2, {a.data()}}, 0, 1, 1)[1], 0.7f));
        QVERIFY(near(rawAttention(AttentionSet{1, 2, 2, {a.data()}}, 0, -1, 0)[0], 0.7f));
    }
    void discardNeverTouchesClsColumn()
    {
        // Discarding 50 % of a 2×2 map removes the smallest entry outside column 0.
        const std::vector<float> a{0.6f, 0.4f, 0.7f, 0.3f};
        RolloutOptions o;
        o.discardRatio = 0.25f; // floor(0.25 * 4) = 1 entry: (1,1) = 0.3, the smallest not in column 0
        const auto r = rolloutRow(AttentionSet{1, 1, 2, {a.data()}}, 1, o);
        // Row 1 after discard: [0.7, 0] -> 0.5*[0.7,0] + 0.5*[0,1] = [0.35, 0.5] -> /0.85.
        QVERIFY(near(r[0], 0.35f / 0.85f) && near(r[1], 0.5f / 0.85f));
    }
    void cheferByHand()
    {
        // One layer, one head: R = I + max(G⊙A, 0); row 0 = [1 + g00 a00, g01 a01] clamped.
        const std::vector<float> a{0.6f, 0.4f, 0.2f, 0.8f};
        const std::vector<float> g{2.0f, -1.0f, 1.0f, 1.0f};
        const auto r = cheferRow(AttentionSet{1, 1, 2, {a.data()}}, AttentionSet{1, 1, 2, {g.data()}});
        QVERIFY(near(r[0], 2.2f) && near(r[1], 0.0f));
        // Two layers: R = (I + C)(I + C) with C = [[1.2, 0], [0.2, 0.8]]; row 0 = [1 + 2.4 + 1.44, 0].
        const auto r2 = cheferRow(AttentionSet{2, 1, 2, {a.data(), a.data()}},
                                  AttentionSet{2, 1, 2, {g.data(), g.data()}});
        QVERIFY(near(r2[0], 4.84f, 1e-5f) && near(r2[1], 0.0f));
    }
    void gridAndUpsample()
    {
        const std::vector<float> row{9, 1, 2, 3, 4};
        const auto grid = patchMap(row, PatchGrid{2, 2, 1});
        QCOMPARE(grid, (std::vector<float>{1, 2, 3, 4}));
        QVERIFY_THROWS_EXCEPTION(Error, patchMap(row, PatchGrid{3, 3, 1}));
        const auto up = upsampleBilinear(grid, 2, 2, 4, 4);
        // align_corners=false: the corner pixels equal the corner cells, the centre blends.
        QVERIFY(near(up[0], 1.0f) && near(up[15], 4.0f));
        QVERIFY(near(up[1], 1.25f));
        const auto n = normalizeMinMax(grid);
        QVERIFY(near(n[0], 0.0f) && near(n[3], 1.0f) && near(n[1], 1.0f / 3.0f));
    }
    void deletionAndInsertion()
    {
        const PlanarImage image = filled(1.0f), black = filled(0.0f);
        CurveOptions o;
        o.steps = 4;
        o.batchSize = 3; // not a divisor of 5 points: exercises the partial last batch
        const Curve del = deletionCurve(image, regionRelevance(), black, regionScore, o);
        QCOMPARE(del.scores, (std::vector<float>{1, 0, 0, 0, 0}));
        QVERIFY(near(del.auc, 0.125f));
        const Curve ins = insertionCurve(image, regionRelevance(), black, regionScore, o);
        QVERIFY(near(ins.auc, 0.875f));
    }
    void perturbation()
    {
        const PlanarImage image = filled(1.0f), black = filled(0.0f);
        const Curve pos = perturbationCurve(image, regionRelevance(), black, true, regionScore);
        QCOMPARE(pos.fractions.size(), size_t(10));
        QVERIFY(near(pos.auc, 0.13f, 1e-5f));
        const Curve neg = perturbationCurve(image, regionRelevance(), black, false, regionScore);
        QVERIFY(near(neg.auc, 0.85f, 1e-5f));
    }
    void pointingAndInside()
    {
        std::vector<float> map(100, 0.0f);
        map[2 * 10 + 3] = 5.0f;
        std::vector<uint8_t> mask(100, 0);
        mask[2 * 10 + 5] = 1;
        QVERIFY(!pointingHit(map, mask, 10, 10, 1));
        QVERIFY(pointingHit(map, mask, 10, 10, 2));
        map[2 * 10 + 5] = 5.0f; // second maximum ties: the first in raster order counts
        map[0] = -3.0f;         // negative relevance is ignored by the inside share
        QVERIFY(near(positiveRelevanceInside(map, mask), 0.5f));
    }
    void spearmanWithTies()
    {
        QVERIFY(near(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0f));
        QVERIFY(near(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0f));
        QVERIFY(near(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5f / std::sqrt(22.5f), 1e-6f));
    }
    void blurKeepsConstantsAndMass()
    {
        const PlanarImage flat = filled(0.25f);
        const PlanarImage b = gaussianBlur(flat);
        for (float v : b.data)
            QVERIFY(near(v, 0.25f, 1e-6f));
        PlanarImage dot = filled(0.0f);
        dot.data[55] = 1.0f;
        const PlanarImage bd = gaussianBlur(dot, 3, 1.0f);
        float sum = 0.0f;
        for (float v : bd.data)
            sum += v;
        QVERIFY(near(sum, 1.0f, 1e-5f)); // interior impulse: a normalised kernel keeps the mass
        QVERIFY(bd.data[55] > bd.data[54] && bd.data[54] > bd.data[53]);
    }
};

QTEST_APPLESS_MAIN(TestAttributionMaps)
#include "tst_attribution_maps.moc"
