// SPDX-License-Identifier: MIT
// The explanation-quality harness: every metric on toy cases worked out by hand, then the real thing on a
// handful of shapes-world images with the shipped model and its re-initialised twin.
#include "compute/attribution/faithfulness.h"
#include "core/explain/quality.h"
#include "core/explain/quality_dataset.h"
#include "core/explain/quality_export.h"
#include "core/samples/shapesworld.h"

#include <QJsonArray>
#include <QtTest>
#include <cmath>

using namespace loupe;
using compute::attribution::PlanarImage;
using core::QualityMask;

namespace {

QualityMask mask(int w, int h, std::vector<uint8_t> px)
{
    return QualityMask{w, h, std::move(px)};
}

// Score = sum of the (single-channel) pixels / 10: linear, so every curve point is a sum by hand.
std::vector<float> sumOverTen(const std::vector<const PlanarImage*>& batch)
{
    std::vector<float> out;
    for (const PlanarImage* im : batch) {
        float s = 0;
        for (float v : im->data)
            s += v;
        out.push_back(s / 10.0f);
    }
    return out;
}

QString modelDir(const char* name)
{
    return QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/") + QLatin1String(name);
}

} // namespace

class TestExplainQuality : public QObject
{
    Q_OBJECT
private slots:
    // 2×2 grid on a 2×2 image: upsampling is the identity, so the numbers below are the whole story.
    // map [[3, -1], [1, 0]], mask [[1, 0], [0, 1]], image [[4, 1], [2, 3]], score = sum / 10.
    void everyMetricOnATwoByTwoCase()
    {
        const std::vector<float> map{3, -1, 1, 0};
        const QualityMask m = mask(2, 2, {1, 0, 0, 1});
        const PlanarImage image{1, 2, 2, {4, 1, 2, 3}};
        core::QualitySubstrates sub{PlanarImage{1, 2, 2, {0, 0, 0, 0}},
                                    PlanarImage{1, 2, 2, {0.5f, 0.5f, 0.5f, 0.5f}}};
        core::MapQualityOptions o;
        o.steps = 4;
        o.batchSize = 2; // several score calls, as with a real model
        const core::MapQuality q = core::scoreMap(map, 2, 2, m, image, sub, sumOverTen, o);
        // The maximum (3) is pixel (0,0), inside the mask.
        QVERIFY(q.pointing);
        // Positive mass 3 + 1 + 0 = 4, of which 3 (pixel 0) + 0 (pixel 3) lies in the mask.
        QCOMPARE(q.inside, 0.75f);
        // Order: pixel 0 (3), pixel 2 (1), pixel 3 (0), pixel 1 (-1). Deletion to zeros:
        // sums 10, 6, 4, 1, 0 → 1, .6, .4, .1, 0; trapezoids of width 1/4: (.8 + .5 + .25 + .05) / 4 = 0.4.
        const std::vector<float> del{1.0f, 0.6f, 0.4f, 0.1f, 0.0f};
        QCOMPARE(int(q.deletion.scores.size()), 5);
        for (size_t i = 0; i < del.size(); ++i) {
            QVERIFY(std::abs(q.deletion.scores[i] - del[i]) < 1e-6f);
            QVERIFY(std::abs(q.deletion.fractions[i] - 0.25f * float(i)) < 1e-6f);
        }
        QVERIFY(std::abs(q.deletion.auc - 0.4f) < 1e-6f);
        // Insertion from 0.5 everywhere (sum 2): 2, 5.5, 7, 9.5, 10 → .2, .55, .7, .95, 1;
        // (.375 + .625 + .825 + .975) / 4 = 0.7.
        const std::vector<float> ins{0.2f, 0.55f, 0.7f, 0.95f, 1.0f};
        for (size_t i = 0; i < ins.size(); ++i)
            QVERIFY(std::abs(q.insertion.scores[i] - ins[i]) < 1e-6f);
        QVERIFY(std::abs(q.insertion.auc - 0.7f) < 1e-6f);

        // The mask moved off the maximum: still within one patch on a 2×2 grid, so still a hit;
        // the share inside becomes (-1 → 0) + 1 of 4.
        const QualityMask other = mask(2, 2, {0, 1, 1, 0});
        QVERIFY(core::pointingWithinOnePatch(map, 2, 2, other));
        QCOMPARE(core::positiveShareInside(map, 2, 2, other), 0.25f);
        // No positive relevance at all: share 0, not a division by zero.
        QCOMPARE(core::positiveShareInside({-1, -2, -3, -4}, 2, 2, m), 0.0f);
    }

    // 3×3 grid on a 3×3 mask: one patch = one pixel of slack in each direction.
    void pointingToleratesExactlyOnePatch()
    {
        const std::vector<float> map{9, 0, 0, 0, 0, 0, 0, 0, 0}; // maximum at (0,0)
        auto only = [](int x, int y) {
            std::vector<uint8_t> px(9, 0);
            px[size_t(y * 3 + x)] = 1;
            return mask(3, 3, px);
        };
        QVERIFY(core::pointingWithinOnePatch(map, 3, 3, only(0, 0)));
        QVERIFY(core::pointingWithinOnePatch(map, 3, 3, only(1, 1))); // diagonal neighbour
        QVERIFY(core::pointingWithinOnePatch(map, 3, 3, only(1, 0)));
        QVERIFY(!core::pointingWithinOnePatch(map, 3, 3, only(2, 0))); // two patches away
        QVERIFY(!core::pointingWithinOnePatch(map, 3, 3, only(0, 2)));
        QVERIFY(!core::pointingWithinOnePatch(map, 3, 3, only(2, 2)));
        // Ties: the first maximum in row-major order counts.
        const std::vector<float> tied{0, 0, 5, 0, 0, 0, 5, 0, 0};
        QVERIFY(core::pointingWithinOnePatch(tied, 3, 3, only(2, 1)));
        QVERIFY(!core::pointingWithinOnePatch(tied, 3, 3, only(0, 2))); // near the second maximum only
    }

    // A 1×3 grid on a 6-wide, 2-high image: one patch is 2 pixels across and 2 down. Upsampled, the map
    // [0, 0, 5] peaks at x = 5 (x = 4 gets 0.75 · 5 = 3.75), first at y = 0.
    void pointingSlackIsPerAxis()
    {
        const std::vector<float> map{0, 0, 5};
        auto at = [](int x, int y) {
            std::vector<uint8_t> px(12, 0);
            px[size_t(y * 6 + x)] = 1;
            return mask(6, 2, px);
        };
        QVERIFY(core::pointingWithinOnePatch(map, 1, 3, at(3, 1)));  // 2 across, 1 down
        QVERIFY(!core::pointingWithinOnePatch(map, 1, 3, at(2, 0))); // 3 across
    }

    void randomisationCorrelationByHand()
    {
        QCOMPARE(core::randomisationCorrelation({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0f);
        QCOMPARE(core::randomisationCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0f);
        // Ties get average ranks: b's ranks .5, .5, 2, 3 → 4.5 / sqrt(5 · 4.5).
        const float rho = core::randomisationCorrelation({1, 2, 3, 4}, {1, 1, 2, 3});
        QVERIFY(std::abs(rho - float(4.5 / std::sqrt(22.5))) < 1e-5f);
        QVERIFY_THROWS_EXCEPTION(std::exception, core::randomisationCorrelation({1, 2}, {1, 2, 3}));
    }

    void sizeMismatchesThrow()
    {
        const PlanarImage image{1, 2, 2, {4, 1, 2, 3}};
        const core::QualitySubstrates sub = core::riseSubstrates(image);
        QVERIFY_THROWS_EXCEPTION(std::exception, core::scoreMap({1, 2, 3}, 2, 2, mask(2, 2, {1, 0, 0, 0}),
                                                                image, sub, sumOverTen));
        QVERIFY_THROWS_EXCEPTION(std::exception, core::scoreMap({1, 2, 3, 4}, 2, 2, mask(2, 2, {1, 0, 0}),
                                                                image, sub, sumOverTen));
        // RISE's deletion substrate is zeros; its insertion substrate keeps the image's shape.
        QCOMPARE(sub.deletion.data, std::vector<float>(4, 0.0f));
        QCOMPARE(sub.insertion.data.size(), size_t(4));
    }

    // The shipped model on a few generated images: sane bounds, and chefer points at the object far more
    // often on the trained model than on its re-initialised twin.
    void shippedModelOnAFewShapes()
    {
        const core::VitSession trained = core::VitSession::open(modelDir("shapes-vit"));
        const core::VitSession random = core::VitSession::open(modelDir("shapes-vit-random"));
        const core::ShapesWorld world(4242);
        const core::QualitySource source = core::shapesQualitySource(world, 8);
        core::QualityOptions o;
        o.methods = {QStringLiteral("chefer"), QStringLiteral("rollout"), QStringLiteral("attention")};
        o.steps = 8;
        int progressCalls = 0;
        core::QualityCallbacks cb;
        cb.progress = [&](int done, int total) {
            ++progressCalls;
            QCOMPARE(total, 8);
            QCOMPARE(done, progressCalls);
        };
        const core::QualityReport r = core::runQuality(trained, &random, source, o, cb);
        QCOMPARE(r.images, 8);
        QCOMPARE(progressCalls, 8);
        QVERIFY(!r.canceled);
        QCOMPARE(r.labelled, 8);
        QVERIFY(r.labelledCorrect >= 7);
        QCOMPARE(int(r.fractions.size()), 9);
        QCOMPARE(int(r.rows.size()), 8 * 3);
        for (const core::MethodQuality& m : r.methods) {
            QCOMPARE(m.images, 8);
            for (double v : {m.pointing, m.inside, m.deletion, m.insertion})
                QVERIFY2(v >= 0 && v <= 1, qPrintable(m.method));
            QCOMPARE(m.randomisedImages, 8);
            QVERIFY(m.randomisation >= -1 && m.randomisation <= 1);
            // A faithful-enough map: removing the most relevant pixels first hurts more than adding them
            // helps from the blur.
            QVERIFY2(m.deletion < m.insertion, qPrintable(m.method));
            QCOMPARE(int(m.meanDeletion.size()), 9);
            QVERIFY(std::abs(m.meanDeletion.front() - m.meanInsertion.back()) <
                    1e-5); // both: the image itself
        }
        const core::MethodQuality& chefer = r.methods.front();
        QVERIFY2(chefer.pointing >= 0.75, qPrintable(QString::number(chefer.pointing)));

        const core::QualityReport onRandom = core::runQuality(random, nullptr, source, o);
        const core::MethodQuality& randomChefer = onRandom.methods.front();
        qInfo("chefer pointing: trained %.3f, re-initialised %.3f", chefer.pointing, randomChefer.pointing);
        QVERIFY(chefer.pointing > randomChefer.pointing);
        QCOMPARE(onRandom.methods.front().randomisedImages, 0);

        const QJsonObject j = core::qualityJson(r, o);
        QCOMPARE(j.value(QLatin1String("images")).toInt(), 8);
        QCOMPARE(j.value(QLatin1String("methods"))
                     .toObject()
                     .value(QLatin1String("chefer"))
                     .toObject()
                     .value(QLatin1String("pointing_accuracy"))
                     .toDouble(),
                 chefer.pointing);
        QCOMPARE(core::qualityImagesCsv(r).count('\n'), 1 + 8 * 3);
    }

    void cancelStopsBetweenImagesWithEvenCounts()
    {
        const core::VitSession trained = core::VitSession::open(modelDir("shapes-vit"));
        const core::ShapesWorld world(5);
        core::QualityOptions o;
        o.methods = {QStringLiteral("attention"), QStringLiteral("rollout")};
        o.steps = 2;
        int polls = 0;
        core::QualityCallbacks cb;
        // Polled once before each image and once before each method: the 6th poll comes before the
        // second image's second method, so only the first image counts.
        cb.canceled = [&] { return ++polls >= 6; };
        const core::QualityReport r =
            core::runQuality(trained, nullptr, core::shapesQualitySource(world, 10), o, cb);
        QVERIFY(r.canceled);
        QCOMPARE(r.images, 1);
        for (const core::MethodQuality& m : r.methods)
            QCOMPARE(m.images, 1);
        QCOMPARE(int(r.rows.size()), 2);
        QVERIFY_THROWS_EXCEPTION(std::exception,
                                 core::runQuality(trained, nullptr, core::shapesQualitySource(world, 1),
                                                  core::QualityOptions{{QStringLiteral("head-importance")}}));
    }
};

QTEST_GUILESS_MAIN(TestExplainQuality)
#include "tst_explain_quality.moc"
