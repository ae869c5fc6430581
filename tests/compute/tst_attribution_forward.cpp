// SPDX-License-Identifier: MIT
// Forward-only attribution (occlusion, RISE, head ablation) and the .npy writer, checked against toy score
// functions whose answers are known by hand.
#include "compute/attribution/head_importance.h"
#include "compute/attribution/npy.h"
#include "compute/attribution/occlusion.h"
#include "compute/attribution/rise.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>

using namespace loupe::compute;
using namespace loupe::compute::attribution;

namespace {

constexpr int kSize = 16;

PlanarImage ones(int channels = 2)
{
    PlanarImage im{channels, kSize, kSize, std::vector<float>(size_t(channels) * kSize * kSize, 1.0f)};
    return im;
}

bool inRegion(int y, int x)
{
    return y >= 4 && y < 10 && x >= 6 && x < 12;
} // 6×6 = 36 pixels

// score = mean of channel 0 over the region: occluding a window removes |window ∩ region| / 36.
ScoreFn regionMean(int* calls = nullptr, size_t* largestBatch = nullptr)
{
    return [=](const std::vector<const PlanarImage*>& batch) {
        if (calls) ++*calls;
        if (largestBatch) *largestBatch = std::max(*largestBatch, batch.size());
        std::vector<float> out;
        for (const PlanarImage* im : batch) {
            double s = 0;
            for (int y = 0; y < kSize; ++y)
                for (int x = 0; x < kSize; ++x)
                    if (inRegion(y, x)) s += im->data[size_t(y) * kSize + x];
            out.push_back(float(s / 36.0));
        }
        return out;
    };
}

} // namespace

class TestAttributionForward : public QObject
{
    Q_OBJECT

private slots:
    void occlusionPixelWindowsGiveTheScaledIndicator()
    {
        int calls = 0;
        size_t largest = 0;
        const PlanarImage im = ones();
        OcclusionOptions o;
        o.window = 1;
        o.stride = 1;
        o.batchSize = 32;
        const std::vector<float> map = occlusionMap(im, regionMean(&calls, &largest), o);
        QCOMPARE(int(map.size()), kSize * kSize);
        for (int y = 0; y < kSize; ++y)
            for (int x = 0; x < kSize; ++x)
                QVERIFY2(
                    std::abs(map[size_t(y) * kSize + x] - (inRegion(y, x) ? 1.0f / 36 : 0.0f)) < 1e-6f,
                    qPrintable(QStringLiteral("pixel %1,%2 = %3").arg(y).arg(x).arg(map[y * kSize + x])));
        QCOMPARE(largest, size_t(32));
        QCOMPARE(calls, 1 + 256 / 32); // the unoccluded image, then batches of 32 windows
    }

    void occlusionAveragesOverlappingWindows()
    {
        // 4×4 windows, stride 2: pixel (0,0) is covered by one window (0,0) holding 0 region pixels;
        // pixel (5,7) by windows at y∈{2,4}, x∈{4,6}: overlaps with the region 4·... computed here by hand.
        OcclusionOptions o;
        o.window = 4;
        o.stride = 2;
        const std::vector<float> map = occlusionMap(ones(), regionMean(), o);
        QCOMPARE(map[0], 0.0f);
        // Windows covering (5,7): y0∈{2,4}, x0∈{4,6}. Region rows 4..9, cols 6..11.
        // (2,4): rows 4..5 × cols 6..7 = 4 px; (2,6): rows 4..5 × cols 6..9 = 8; (4,4): 4×2 = 8; (4,6): 16.
        const float expected = (4 + 8 + 8 + 16) / 4.0f / 36.0f;
        QVERIFY(std::abs(map[5 * kSize + 7] - expected) < 1e-6f);
        // The far edge is covered even when the stride does not land on it (16 = 4 + 2·6).
        QVERIFY(map[size_t(kSize - 1) * kSize + kSize - 1] == 0.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, occlusionMap(ones(), regionMean(), {0, 1, 0, 1}));
    }

    // A stride near INT_MAX once wrapped the origin to a negative offset (a write before the image). Now the
    // axis gets the window at 0 and the clamped edge window; a window larger than the image is the image.
    void occlusionHugeStrideAndWindowStayInside()
    {
        int calls = 0;
        OcclusionOptions o;
        o.window = 6;
        o.stride = std::numeric_limits<int>::max();
        o.batchSize = 8;
        const std::vector<float> map = occlusionMap(ones(), regionMean(&calls), o);
        QCOMPARE(int(map.size()), kSize * kSize);
        QCOMPARE(calls, 2); // the unoccluded image, then the 2×2 windows in one batch
        o.window = std::numeric_limits<int>::max();
        const std::vector<float> whole = occlusionMap(ones(), regionMean(), o);
        QVERIFY(std::abs(whole[0] - 1.0f) < 1e-6f); // the only window covers everything: the region is gone
    }

    void riseRefusesCellsFinerThanPixelsAndRunawayMaskCounts()
    {
        RiseOptions o;
        o.cells = kSize + 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, riseMap(ones(), regionMean(), o));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, riseMask(kSize, kSize, 0, o));
        o.cells = 1000000; // once allocated a 10^12-cell grid before failing
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, riseMask(kSize, kSize, 0, o));
        o.cells = 4;
        o.masks = kRiseMaxMasks + 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, riseMap(ones(), regionMean(), o));
    }

    void riseApproachesTheRegionAndIsSeeded()
    {
        RiseOptions o;
        o.masks = 4000;
        o.cells = 4;
        o.p = 0.5f;
        o.seed = 7;
        o.batchSize = 64;
        int reports = 0;
        o.progress = [&](int done, int total, const std::vector<float>&) {
            ++reports;
            return done <= total;
        };
        const std::vector<float> map = riseMap(ones(), regionMean(), o);
        QCOMPARE(reports, 4000 / 64 + 1);
        // E[S(x)] = E[f·M(x)]/p: pixels in the region carry more than pixels far from it.
        double in = 0, out = 0;
        int nIn = 0, nOut = 0;
        for (int y = 0; y < kSize; ++y)
            for (int x = 0; x < kSize; ++x) {
                const float v = map[size_t(y) * kSize + x];
                if (inRegion(y, x))
                    in += v, ++nIn;
                else if (y < 2 || y > 12 || x < 3)
                    out += v, ++nOut;
            }
        QVERIFY2(in / nIn > out / nOut + 0.05,
                 qPrintable(QStringLiteral("in %1 out %2").arg(in / nIn).arg(out / nOut)));
        // Spatially-averaged, S ≈ E[f] / p·p = E[f] ≈ p for an unbiased mask sum: a sanity bound.
        QVERIFY(std::abs(in / nIn - 0.5) < 0.15);
        // The 36 highest pixels are mostly the region's 36 (the masks' 4-pixel cells blur its edge).
        const std::vector<int> order = rankPixels(map);
        int hits = 0;
        for (int i = 0; i < 36; ++i)
            hits += inRegion(order[size_t(i)] / kSize, order[size_t(i)] % kSize) ? 1 : 0;
        QVERIFY2(hits >= 27, qPrintable(QString::number(hits)));

        o.progress = nullptr;
        o.masks = 50;
        QCOMPARE(riseMap(ones(), regionMean(), o), riseMap(ones(), regionMean(), o));
        RiseOptions other = o;
        other.seed = 8;
        QVERIFY(riseMap(ones(), regionMean(), o) != riseMap(ones(), regionMean(), other));
    }

    void riseMasksHaveTheRequestedDensity()
    {
        RiseOptions o;
        o.cells = 8;
        o.p = 0.25f;
        o.seed = 3;
        double mean = 0;
        for (int i = 0; i < 400; ++i) {
            const std::vector<float> m = riseMask(kSize * 2, kSize * 2, i, o);
            for (float v : m) {
                QVERIFY(v >= 0.0f && v <= 1.0f);
                mean += v;
            }
        }
        mean /= 400.0 * 4 * kSize * kSize;
        QVERIFY2(std::abs(mean - 0.25) < 0.03, qPrintable(QString::number(mean)));
    }

    void riseStopsWhenTheCallbackSaysSo()
    {
        RiseOptions o;
        o.masks = 100;
        o.batchSize = 10;
        int calls = 0;
        o.progress = [&](int done, int, const std::vector<float>&) { return done < 30; };
        riseMap(ones(), regionMean(&calls), o);
        QCOMPARE(calls, 3);
    }

    void headAblationRecoversLinearWeights()
    {
        // Target = 10 + Σ w_lh · m_lh: removing head (l, h) drops it by exactly w_lh; a layer by Σ_h w_lh.
        const int L = 3, H = 4;
        std::vector<float> w(L * H);
        for (int i = 0; i < L * H; ++i)
            w[size_t(i)] = float(i % 5) - 1.5f;
        int calls = 0;
        const HeadImportance r = headImportance(
            L, H,
            [&](const std::vector<float>& masks, int batch) {
                ++calls;
                std::vector<float> out;
                for (int b = 0; b < batch; ++b) {
                    float s = 10;
                    for (int k = 0; k < L * H; ++k)
                        s += w[size_t(k)] * masks[size_t(b * L * H + k)];
                    out.push_back(s);
                }
                return out;
            },
            5);
        QCOMPARE(calls, (1 + L * H + L + 4) / 5);
        for (int k = 0; k < L * H; ++k)
            QVERIFY(std::abs(r.delta[size_t(k)] - w[size_t(k)]) < 1e-5f);
        for (int l = 0; l < L; ++l)
            QVERIFY(std::abs(r.layerDelta[size_t(l)] -
                             (w[l * H] + w[l * H + 1] + w[l * H + 2] + w[l * H + 3])) < 1e-5f);
    }

    void npyRoundTripsAndHasNumpysHeader()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath(QStringLiteral("a.npy")).toStdString();
        const std::vector<float> data{1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 1e-8f};
        writeNpyF32(path, {2, 3}, data);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("\x93NUMPY\x01\x00"));
        const int headerLen = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
        QCOMPARE((10 + headerLen) % 64, 0);
        QVERIFY(bytes.mid(10, headerLen).contains("'shape': (2, 3)"));
        QCOMPARE(bytes.size(), 10 + headerLen + 24);
        const NpyArray a = readNpyF32(path);
        QCOMPARE(a.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(a.data, data);
        writeNpyF32(path, {3}, {1, 2, 3});
        QCOMPARE(readNpyF32(path).shape, std::vector<int64_t>{3});
        QVERIFY_THROWS_EXCEPTION(std::exception, writeNpyF32(path, {4}, {1, 2, 3}));
    }
};

QTEST_APPLESS_MAIN(TestAttributionForward)
#include "tst_attribution_forward.moc"
