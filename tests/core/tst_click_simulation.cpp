// SPDX-License-Identifier: MIT
// The interactive-segmentation protocol behind loupe_bench_sam_benefit: where each simulated click goes
// (the farthest pixel from the boundary of the largest error region), its sign, the IoU bookkeeping and
// the stop rule, on hand-made masks with a scripted predictor; then one object on the golden SAM, whose
// random weights are not judged, only the loop around them.
#include "common/testsupport.h"
#include "core/inference/click_simulation.h"
#include "core/inference/sam_click_predictor.h"

#include <QtTest>

using namespace loupe::core;

namespace {

PixelMask rect(int w, int h, int x0, int y0, int x1, int y1) // inclusive corners
{
    PixelMask m(w, h);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x)
            m.bits[size_t(y) * size_t(w) + size_t(x)] = 1;
    return m;
}

PixelMask unite(PixelMask a, const PixelMask& b)
{
    for (size_t i = 0; i < a.bits.size(); ++i)
        a.bits[i] = a.bits[i] || b.bits[i];
    return a;
}

} // namespace

class TestClickSimulation : public QObject
{
    Q_OBJECT
private slots:
    void distanceCountsTheImageBorderAsBoundary()
    {
        const PixelMask all = rect(5, 5, 0, 0, 4, 4);
        const std::vector<float> d = distanceToBoundary(all);
        QCOMPARE(d[0], 1.f);
        QCOMPARE(d[2 * 5 + 2], 3.f);
        const PixelMask square = rect(20, 20, 5, 5, 13, 13);
        const std::vector<float> e = distanceToBoundary(square);
        QCOMPARE(e[9 * 20 + 9], 5.f);
        QCOMPARE(e[5 * 20 + 9], 1.f);
        QCOMPARE(e[0], 0.f);
        QCOMPARE(e[5 * 20 + 5], 1.f);
        QCOMPARE(e[6 * 20 + 6], 2.f);
    }

    void firstClickIsTheMostInteriorPixel()
    {
        const PixelMask truth = rect(20, 20, 5, 5, 13, 13);
        const auto c = nextClick(truth, PixelMask(20, 20));
        QVERIFY(c);
        QCOMPARE(c->x, 9);
        QCOMPARE(c->y, 9);
        QVERIFY(c->positive);
        QVERIFY(!nextClick(truth, truth));
    }

    // Click 1 gets the left third, click 2 (positive, centre of the missed right part) gets the object
    // plus a larger false blob, click 3 (negative, centre of the blob) gets the object exactly.
    void scriptedRunPlacesEachClickAndCountsIou()
    {
        const int W = 40, H = 30;
        const PixelMask truth = rect(W, H, 2, 2, 16, 16); // 15 x 15
        const PixelMask left = rect(W, H, 2, 2, 6, 16);   // missed: x 7..16, 10 x 15
        const PixelMask blob = rect(W, H, 20, 2, 38, 26); // 19 x 25, false
        const std::vector<PixelMask> answers{left, unite(truth, blob), truth};
        std::vector<std::vector<SimulatedClick>> seen;
        const ClickRun run = simulateClicks(
            truth,
            [&](const std::vector<SimulatedClick>& clicks) {
                seen.push_back(clicks);
                return answers[clicks.size() - 1];
            },
            0.85, 20);
        QCOMPARE(run.clicks.size(), size_t(3));
        QCOMPARE(seen.size(), size_t(3));
        QCOMPARE(seen[2].size(), size_t(3));
        QCOMPARE(run.clicks[0].x, 9);
        QCOMPARE(run.clicks[0].y, 9);
        QVERIFY(run.clicks[0].positive);
        // The missed part x 7..16, y 2..16 is 10 wide, so the largest distance is 5, at x 11 and 12
        // (5 from x 6 or x 17) on rows 6..12; the first in raster order wins.
        QCOMPARE(run.clicks[1].x, 11);
        QCOMPARE(run.clicks[1].y, 6);
        QVERIFY(run.clicks[1].positive);
        // The blob x 20..38, y 2..26: distance 10 on its centre column x 29, rows 11..17.
        QCOMPARE(run.clicks[2].x, 29);
        QCOMPARE(run.clicks[2].y, 11);
        QVERIFY(!run.clicks[2].positive);
        QCOMPARE(run.ious.size(), size_t(3));
        QCOMPARE(run.ious[0], 75.0 / 225.0);
        QCOMPARE(run.ious[1], 225.0 / (225.0 + 19 * 25));
        QCOMPARE(run.ious[2], 1.0);
        QCOMPARE(run.clicksToTarget, 3);
        QCOMPARE(run.noc(20), 3);
    }

    void unreachedTargetCountsTheLimit()
    {
        const PixelMask truth = rect(20, 20, 5, 5, 13, 13);
        int calls = 0;
        const ClickRun run = simulateClicks(
            truth,
            [&](const std::vector<SimulatedClick>&) {
                ++calls;
                return PixelMask(20, 20);
            },
            0.85, 7);
        QCOMPARE(calls, 7);
        QCOMPARE(run.clicks.size(), size_t(7));
        QVERIFY(!run.reached());
        QCOMPARE(run.noc(7), 7);
        for (double iou : run.ious)
            QCOMPARE(iou, 0.0);
    }

    void polygonVerticesCountHoles()
    {
        QCOMPARE(polygonVertexCount(rect(20, 20, 5, 5, 13, 13)), 4);
        PixelMask frame = rect(20, 20, 2, 2, 17, 17);
        for (int y = 6; y <= 13; ++y)
            for (int x = 6; x <= 13; ++x)
                frame.bits[size_t(y) * 20 + size_t(x)] = 0;
        QCOMPARE(polygonVertexCount(frame), 8);
        QCOMPARE(polygonVertexCount(unite(rect(20, 20, 0, 0, 3, 3), rect(20, 20, 10, 10, 12, 12))), 8);
        QCOMPARE(polygonVertexCount(PixelMask(4, 4)), 0);
    }

    // One object on the golden SAM: every click is the protocol's answer to the mask before it, and every
    // IoU is the IoU of the mask the model gave.
    void goldenSamRunFollowsTheProtocol()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        if (dir.isEmpty()) QSKIP("the golden SAM case is not available");
        const auto model = SamCheckpoint::open(dir);
        const QImage image(dir + QStringLiteral("/input.png"));
        QVERIFY(!image.isNull());
        PixelMask truth(image.width(), image.height());
        for (int y = 0; y < truth.height; ++y)
            for (int x = 0; x < truth.width; ++x)
                truth.bits[size_t(y) * size_t(truth.width) + size_t(x)] =
                    (x - 95) * (x - 95) + (y - 190) * (y - 190) <= 40 * 40;
        SamClickPredictor predictor(model, image);
        std::vector<PixelMask> given;
        const ClickRun run = simulateClicks(
            truth,
            [&](const std::vector<SimulatedClick>& clicks) {
                given.push_back(predictor.predict(clicks));
                return given.back();
            },
            0.85, 5);
        QVERIFY(!run.clicks.empty());
        QCOMPARE(run.clicks[0].x, 95);
        QCOMPARE(run.clicks[0].y, 190);
        QCOMPARE(given.size(), run.clicks.size());
        QCOMPARE(run.ious.size(), run.clicks.size());
        for (size_t k = 0; k < given.size(); ++k) {
            QCOMPARE(given[k].width, image.width());
            QCOMPARE(run.ious[k], maskIou(given[k], truth));
            if (k + 1 < run.clicks.size()) {
                const auto expected = nextClick(truth, given[k]);
                QVERIFY(expected);
                QCOMPARE(run.clicks[k + 1].x, expected->x);
                QCOMPARE(run.clicks[k + 1].y, expected->y);
                QCOMPARE(run.clicks[k + 1].positive, expected->positive);
            }
        }
        QCOMPARE(run.reached(), run.ious.back() >= 0.85);
    }
};

QTEST_MAIN(TestClickSimulation)
#include "tst_click_simulation.moc"
