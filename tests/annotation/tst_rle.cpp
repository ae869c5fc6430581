// SPDX-License-Identifier: MIT
#include "annotation/geometry/rle.h"

#include <QTest>
#include <random>

using namespace loupe::annotation;

namespace {

RleMask maskFromRows(const std::vector<const char*>& rows)
{
    const int h = int(rows.size()), w = int(strlen(rows[0]));
    std::vector<uint8_t> px;
    for (const char* r : rows)
        for (int x = 0; x < w; ++x)
            px.push_back(r[x] == '#' ? 1 : 0);
    return RleMask::fromBitmap(px.data(), w, h);
}

} // namespace

class TestRle : public QObject
{
    Q_OBJECT
private slots:
    void rowAndColumnMajorRuns()
    {
        // Worked by hand: column-major reads col0 = 000, col1 = 110, col2 = 010.
        const RleMask m = maskFromRows({".#.", ".##", "..."});
        QCOMPARE(m.runs(), (std::vector<uint32_t>{1, 1, 2, 2, 3}));
        QCOMPARE(m.toCocoCounts(), (std::vector<uint32_t>{3, 2, 2, 1, 1}));
        QCOMPARE(m.area(), qint64(3));
        QCOMPARE(m.boundingBox(), QRect(1, 0, 2, 2));
        QVERIFY(m.contains(2, 1));
        QVERIFY(!m.contains(0, 0));
        QVERIFY(!m.contains(3, 0));
    }
    void cocoStringMatchesPycocotoolsCodec()
    {
        // Hand-computed with pycocotools' rleToString rules: 5 bits per char + 48, continuation bit
        // 0x20, and from the 4th run on the delta against the run two back.
        const RleMask m = maskFromRows({".#.", ".##", "..."});
        QCOMPARE(m.toCocoString(), QByteArray("322OO")); // deltas -1, -1 -> 'O'
        QCOMPARE(encodeRunString({0, 100}), QByteArray("0T3"));
        QCOMPARE(encodeRunString({0, 100, 1, 2}), QByteArray("0T31nL")); // 2 - 100 = -98 -> "nL"
        QCOMPARE(*decodeRunString("0T31nL", nullptr), (std::vector<uint32_t>{0, 100, 1, 2}));
        const auto back = RleMask::fromCocoString(3, 3, "322OO", nullptr);
        QVERIFY(back.has_value());
        QCOMPARE(*back, m);
    }
    void leadingForegroundStartsWithZeroRun()
    {
        const RleMask m = maskFromRows({"##", "#."});
        QCOMPARE(m.runs(), (std::vector<uint32_t>{0, 3, 1}));
        QCOMPARE(m.toCocoCounts(), (std::vector<uint32_t>{0, 3, 1}));
        const RleMask full = maskFromRows({"##", "##"});
        QCOMPARE(full.runs(), (std::vector<uint32_t>{0, 4}));
        const RleMask empty(4, 2);
        QVERIFY(empty.isEmpty());
        QVERIFY(empty.boundingBox().isNull());
    }
    void wrappingRunBoundingBox()
    {
        const RleMask m = maskFromRows({"...#", "#...", "...."});
        QCOMPARE(m.boundingBox(), QRect(0, 0, 4, 2));
    }
    void randomRoundTrips()
    {
        std::mt19937 rng(7);
        for (int iter = 0; iter < 200; ++iter) {
            const int w = 1 + int(rng() % 17), h = 1 + int(rng() % 13);
            std::vector<uint8_t> px(size_t(w) * h);
            const unsigned density = rng() % 4;
            for (auto& p : px)
                p = (rng() % 4) < density ? 1 : 0;
            const RleMask m = RleMask::fromBitmap(px.data(), w, h);
            QCOMPARE(m.toBitmap(), px);
            const auto viaCounts = RleMask::fromCocoCounts(w, h, m.toCocoCounts(), nullptr);
            QVERIFY(viaCounts && *viaCounts == m);
            const auto viaString = RleMask::fromCocoString(w, h, m.toCocoString(), nullptr);
            QVERIFY(viaString && *viaString == m);
        }
    }
    void malformedRunsRejected()
    {
        QString err;
        QVERIFY(!RleMask::fromCocoCounts(3, 3, {3, 2}, &err));
        QVERIFY(err.contains(QLatin1String("9")));
        QVERIFY(!RleMask::fromCocoString(3, 3, "3\x7f", &err));
        QVERIFY(!RleMask::fromCocoString(3, 3, "T", &err)); // continuation without an end
        QVERIFY(!decodeRunString("0O", &err).has_value() || decodeRunString("0O", &err)->size() == 2);
        QVERIFY(!RleMask::fromRuns(2, 2, {1, 1, 1}, &err));
        // Zero-length runs in the middle are merged, so equal masks compare equal.
        const auto m = RleMask::fromRuns(2, 2, {1, 0, 1, 2}, &err);
        QVERIFY(m.has_value());
        QCOMPARE(m->runs(), (std::vector<uint32_t>{2, 2}));
    }
};

QTEST_GUILESS_MAIN(TestRle)
#include "tst_rle.moc"
