// SPDX-License-Identifier: MIT
// The heat-map colour tables: matplotlib's 8-bit values at known indices, the index rule, names, and
// the properties a reader relies on (viridis/inferno/gray get lighter monotonically; jet runs blue → red).
#include "views/explain/colormap.h"

#include <QTest>

using namespace loupe::views;

namespace {
int lightness(QRgb c)
{
    return qRed(c) * 299 + qGreen(c) * 587 + qBlue(c) * 114; // ITU-R 601 luma × 1000
}
} // namespace

class TestExplainColormap : public QObject
{
    Q_OBJECT
private slots:
    void knownEntries()
    {
        // matplotlib 3.6: cmap(i, bytes=True) for these i.
        QCOMPARE(colormapTable(Colormap::Viridis)[0], qRgb(68, 1, 84));
        QCOMPARE(colormapTable(Colormap::Viridis)[128], qRgb(32, 144, 140));
        QCOMPARE(colormapTable(Colormap::Viridis)[255], qRgb(253, 231, 36));
        QCOMPARE(colormapTable(Colormap::Inferno)[0], qRgb(0, 0, 3));
        QCOMPARE(colormapTable(Colormap::Inferno)[128], qRgb(187, 55, 84));
        QCOMPARE(colormapTable(Colormap::Inferno)[255], qRgb(252, 254, 164));
        QCOMPARE(colormapTable(Colormap::Jet)[0], qRgb(0, 0, 127));
        QCOMPARE(colormapTable(Colormap::Jet)[128], qRgb(124, 255, 121));
        QCOMPARE(colormapTable(Colormap::Jet)[255], qRgb(127, 0, 0));
        for (int i = 0; i < 256; ++i)
            QCOMPARE(colormapTable(Colormap::Gray)[size_t(i)], qRgb(i, i, i));
    }

    void indexRule()
    {
        QCOMPARE(colormapIndex(0.0f), 0);
        QCOMPARE(colormapIndex(-3.0f), 0);
        QCOMPARE(colormapIndex(std::numeric_limits<float>::quiet_NaN()), 0);
        QCOMPARE(colormapIndex(0.5f), 128);
        QCOMPARE(colormapIndex(255.5f / 256.0f), 255);
        QCOMPARE(colormapIndex(1.0f), 255);
        QCOMPARE(colormapIndex(7.0f), 255);
        QCOMPARE(colormapIndex(1.0f / 256.0f), 1);
        QCOMPARE(colormapColor(Colormap::Viridis, 1.0f), qRgb(253, 231, 36));
        QCOMPARE(colormapColor(Colormap::Gray, 0.25f), qRgb(64, 64, 64));
    }

    void orderingProperties()
    {
        // Perceptually ordered maps get lighter from low to high (luma, over steps of 16 entries: the
        // tables are uniform in CIELAB lightness, so adjacent entries may dip by a rounding step in luma).
        for (Colormap map : {Colormap::Viridis, Colormap::Inferno, Colormap::Gray}) {
            const auto& t = colormapTable(map);
            for (size_t i = 16; i < t.size(); i += 16)
                QVERIFY2(lightness(t[i]) > lightness(t[i - 16]),
                         qPrintable(QStringLiteral("%1 darker at %2").arg(colormapName(map)).arg(i)));
            QVERIFY(lightness(t[255]) > lightness(t[240]));
        }
        const auto& jet = colormapTable(Colormap::Jet);
        QVERIFY(qBlue(jet[0]) > qRed(jet[0]));
        QVERIFY(qRed(jet[255]) > qBlue(jet[255]));
        for (QRgb c : jet)
            QCOMPARE(qAlpha(c), 255);
    }

    void names()
    {
        QCOMPARE(colormapNames(), (QStringList{QStringLiteral("viridis"), QStringLiteral("inferno"),
                                               QStringLiteral("jet"), QStringLiteral("gray")}));
        QCOMPARE(colormapFromName(QStringLiteral("Inferno")), std::optional<Colormap>(Colormap::Inferno));
        QVERIFY(!colormapFromName(QStringLiteral("rainbow")));
        for (const QString& n : colormapNames())
            QCOMPARE(colormapName(*colormapFromName(n)), n);
    }
};

QTEST_GUILESS_MAIN(TestExplainColormap)
#include "tst_explain_colormap.moc"
