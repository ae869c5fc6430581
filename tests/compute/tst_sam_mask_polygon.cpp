// SPDX-License-Identifier: MIT
// The mask outline `loupe segment --polygon` writes: pixel-corner polygons of the largest region.
#include "compute/preprocess/sam_mask_polygon.h"

#include <QTest>

using namespace loupe::compute;
using Poly = std::vector<std::array<double, 2>>;

namespace {

std::vector<uint8_t> maskOf(int w, int h, const std::vector<std::array<int, 4>>& rects)
{
    std::vector<uint8_t> m(size_t(w * h), 0);
    for (const auto& r : rects)
        for (int y = r[1]; y < r[3]; ++y)
            for (int x = r[0]; x < r[2]; ++x)
                m[size_t(y * w + x)] = 1;
    return m;
}

} // namespace

class TestSamMaskPolygon : public QObject
{
    Q_OBJECT

private slots:
    void rectangleIsFourCorners()
    {
        // Pixels x 3..7, y 2..5 cover [3, 8) x [2, 6).
        const Poly p = maskOutline(maskOf(12, 10, {{3, 2, 8, 6}}), 12, 10);
        QCOMPARE(p, (Poly{{8, 2}, {8, 6}, {3, 6}, {3, 2}}));
    }

    void lShapeKeepsItsSixCorners()
    {
        const Poly p = maskOutline(maskOf(10, 10, {{1, 1, 3, 8}, {1, 6, 8, 8}}), 10, 10, 0.1);
        QCOMPARE(p.size(), size_t(6));
    }

    void largestRegionOnlyAndEmptyMask()
    {
        const Poly p = maskOutline(maskOf(20, 10, {{0, 0, 2, 2}, {10, 1, 18, 9}}), 20, 10);
        QCOMPARE(p, (Poly{{18, 1}, {18, 9}, {10, 9}, {10, 1}}));
        QVERIFY(maskOutline(maskOf(5, 5, {}), 5, 5).empty());
        const Poly one = maskOutline(maskOf(5, 5, {{4, 4, 5, 5}}), 5, 5, 0.1);
        QCOMPARE(one, (Poly{{5, 4}, {5, 5}, {4, 5}, {4, 4}}));
    }
};

QTEST_GUILESS_MAIN(TestSamMaskPolygon)
#include "tst_sam_mask_polygon.moc"
