// SPDX-License-Identifier: MIT
// SAM's automatic mask generator: each filter on a hand-made case (stability score of a known logit map,
// mask -> box, NMS keeping the better box, small holes and islands), the point grid and the upscaling
// against the post-processing the click tool uses, then whole runs on the golden SAM checkpoint.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/sam_automask.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/sam_prompts.h"

#include <QImage>
#include <QTest>
#include <random>

using namespace loupe::compute;
using namespace loupe::compute::sam;

namespace {

std::vector<uint8_t> fromRows(const std::vector<std::string>& rows)
{
    std::vector<uint8_t> m;
    for (const std::string& r : rows)
        for (char c : r)
            m.push_back(c == '#' ? 1 : 0);
    return m;
}

} // namespace

class TestSamAutomask : public QObject
{
    Q_OBJECT

private slots:
    void stabilityScoreOfAKnownMap()
    {
        // Above 1: 3 pixels; above -1: 7 pixels (the -1 itself is not above).
        const std::vector<float> logits{-5.f, -1.f, -0.5f, 0.2f, 0.9f, 1.f, 1.5f, 2.f, 7.f, -3.f};
        QCOMPARE(stabilityScore(logits.data(), int64_t(logits.size()), 0.0, 1.0), 3.0 / 7.0);
        // The offset decides what counts: with 0 both sets are the pixels above 0.
        QCOMPARE(stabilityScore(logits.data(), int64_t(logits.size()), 0.0, 0.0), 1.0);
        // A mask threshold moves both cut-offs: above 2.5 one pixel, above 0.5 five.
        QCOMPARE(stabilityScore(logits.data(), int64_t(logits.size()), 1.5, 1.0), 1.0 / 5.0);
        const std::vector<float> empty(4, -9.f);
        QCOMPARE(stabilityScore(empty.data(), 4, 0.0, 1.0), 0.0);
    }

    void maskToBox()
    {
        const std::vector<uint8_t> m = fromRows({"......", "..#...", "..##..", "....#.", "......"});
        QCOMPARE(maskBox(m.data(), 6, 5), (std::array<int64_t, 4>{2, 1, 4, 3}));
        const std::vector<uint8_t> none(30, 0);
        QCOMPARE(maskBox(none.data(), 6, 5), (std::array<int64_t, 4>{0, 0, 0, 0}));
        const std::vector<uint8_t> corner = fromRows({"#..", "...", "..#"});
        QCOMPARE(maskBox(corner.data(), 3, 3), (std::array<int64_t, 4>{0, 0, 2, 2}));
    }

    void nmsKeepsTheHigherScore()
    {
        // Boxes 0 and 1 overlap with IoU 80/100 = 0.8 > 0.7; box 1 scores higher, so box 0 goes. Box 2 is
        // apart. Box 3 overlaps box 1 with IoU 0.6, under the threshold, so it stays.
        const std::vector<std::array<int64_t, 4>> boxes{
            {0, 0, 10, 10}, {0, 0, 10, 8}, {50, 50, 60, 60}, {0, 0, 6, 8}};
        QCOMPARE(boxIou(boxes[0], boxes[1]), 0.8);
        QCOMPARE(boxIou(boxes[1], boxes[3]), 0.6);
        const std::vector<size_t> kept = boxNms(boxes, {0.90, 0.95, 0.5, 0.7}, 0.7);
        QCOMPARE(kept, (std::vector<size_t>{1, 3, 2}));
        // The other way round the first box wins.
        QCOMPARE(boxNms(boxes, {0.95, 0.90, 0.5, 0.7}, 0.7), (std::vector<size_t>{0, 3, 2}));
        // A stricter threshold drops box 3 as well.
        QCOMPARE(boxNms(boxes, {0.90, 0.95, 0.5, 0.7}, 0.5), (std::vector<size_t>{1, 2}));
        QVERIFY_THROWS_EXCEPTION(Error, boxNms(boxes, {1.0}, 0.7));
    }

    void smallHolesAndIslands()
    {
        std::vector<uint8_t> m = fromRows({"#####...", "#..##...", "#####..#", "........"});
        // Holes: the 2-pixel hole is under 3 and filled; the background (connected to the edge) stays.
        QVERIFY(removeSmallRegions(m, 8, 4, 3, RegionKind::Holes));
        QCOMPARE(m, fromRows({"#####...", "#####...", "#####..#", "........"}));
        QVERIFY(!removeSmallRegions(m, 8, 4, 3, RegionKind::Holes));
        // Islands: the lone pixel goes, the big shape stays.
        QVERIFY(removeSmallRegions(m, 8, 4, 3, RegionKind::Islands));
        QCOMPARE(m, fromRows({"#####...", "#####...", "#####...", "........"}));
        // Every island small: the largest is kept. Diagonal neighbours are connected (8-connectivity).
        std::vector<uint8_t> specks = fromRows({"#.....", ".#..##", "......"});
        QVERIFY(removeSmallRegions(specks, 6, 3, 10, RegionKind::Islands));
        QCOMPARE(specks, fromRows({"#.....", ".#....", "......"}));
        QVERIFY_THROWS_EXCEPTION(Error, removeSmallRegions(specks, 5, 3, 2, RegionKind::Holes));
    }

    void grid()
    {
        const auto g = pointGrid(2);
        QCOMPARE(g.size(), size_t(4));
        QCOMPARE(g[0], (std::array<double, 2>{0.25, 0.25}));
        QCOMPARE(g[1], (std::array<double, 2>{0.75, 0.25}));
        QCOMPARE(g[2], (std::array<double, 2>{0.25, 0.75}));
        QCOMPARE(pointGrid(1), (std::vector<std::array<double, 2>>{{0.5, 0.5}}));
        QCOMPARE(pointGrid(32).size(), size_t(1024));
        QCOMPARE(pointGrid(32).back()[0], 1.0 - 1.0 / 64);
    }

    void upscalingMatchesThePostProcessing()
    {
        std::mt19937 rng(5);
        std::normal_distribution<float> n01;
        std::vector<float> low(32 * 32);
        for (float& v : low)
            v = n01(rng);
        const Tensor lowRes = Tensor::fromF32({32, 32}, low);
        for (const auto& [resized, original] :
             std::vector<std::pair<std::array<int64_t, 2>, std::array<int64_t, 2>>>{
                 {{128, 96}, {320, 240}}, {{128, 128}, {77, 77}}, {{60, 128}, {90, 192}}}) {
            const std::vector<float> logits = samUpscaleLogits(lowRes, 128, resized, original);
            const std::vector<uint8_t> mask = samPostprocessMask(lowRes, 128, resized, original);
            QCOMPARE(logits.size(), mask.size());
            for (size_t i = 0; i < mask.size(); ++i)
                QCOMPARE(uint8_t(logits[i] > 0.f), mask[i]);
            // The same as resizing the whole padded input and cropping it afterwards.
            const std::vector<float> padded = bilinearResize(low.data(), 32, 32, 32, 128, 128);
            std::vector<float> crop;
            for (int64_t y = 0; y < resized[0]; ++y)
                crop.insert(crop.end(), padded.begin() + y * 128, padded.begin() + y * 128 + resized[1]);
            QCOMPARE(logits, bilinearResize(crop.data(), resized[0], resized[1], resized[1], original[0],
                                            original[1]));
        }
        QVERIFY_THROWS_EXCEPTION(Error, samUpscaleLogits(lowRes, 64, {128, 96}, {320, 240}));
    }

    void goldenCheckpointGivesConsistentMasks()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        const SamModel model = SamModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const QImage img = QImage(dir + "/input.png").convertToFormat(QImage::Format_RGB888);
        const ImageU8 view{img.width(), img.height(), 3, size_t(img.bytesPerLine()), img.constBits()};
        const PreprocessedImage pre = preprocess(
            view, ImageProcessorConfig::fromFile((dir + "/preprocessor_config.json").toStdString()));
        const Tensor embedding = model.embed(Tensor::fromF32(pre.shape(), pre.pixels));
        const int64_t H = pre.originalSize[0], W = pre.originalSize[1];

        // The golden weights are random: its IoU head never claims 0.88 and its masks are all large and
        // alike, so the first run turns every filter off (NMS too) and the others set thresholds from what
        // it found, each checked to keep exactly the masks it promises.
        AutomaskOptions all = AutomaskOptions::forModel(model.config());
        QCOMPARE(all.pointsPerSide, 16); // twice the 8x8 embedding grid
        all.predIouThresh = 0;
        all.stabilityScoreThresh = 0;
        all.boxNmsThresh = 1.0;  // an IoU is never above 1
        all.pointsPerSide = 8;   // 64 prompts keep the test short
        all.pointsPerBatch = 24; // not a divisor of 64: the last batch is short
        auto run = [&](const AutomaskOptions& o) {
            return AutomaskGenerator(model, o).generate(embedding, pre.originalSize, pre.reshapedInputSize);
        };
        const std::vector<AutoMask> masks = run(all);
        QCOMPARE(masks.size(), size_t(8 * 8 * 3));
        std::vector<double> ious, stabilities;
        for (size_t i = 0; i < masks.size(); ++i) {
            const AutoMask& a = masks[i];
            QCOMPARE(int64_t(a.mask.size()), H * W);
            QCOMPARE(a.area, int64_t(std::count(a.mask.begin(), a.mask.end(), uint8_t(1))));
            QCOMPARE(a.box, maskBox(a.mask.data(), W, H));
            QVERIFY(a.point[0] > 0 && a.point[0] < double(W) && a.point[1] > 0 && a.point[1] < double(H));
            if (i) QVERIFY(masks[i - 1].predictedIou >= a.predictedIou);
            ious.push_back(a.predictedIou);
            stabilities.push_back(a.stabilityScore);
        }
        // The mask of a prompt is the mask decode() gives for that click, post-processed.
        const AutoMask& best = masks.front();
        Prompt p;
        p.points = {samRescalePoint(best.point, pre.originalSize, pre.reshapedInputSize)};
        p.labels = {1};
        const MaskPrediction one = model.decode(embedding, p, true);
        bool matched = false;
        for (int64_t m = 0; m < 3; ++m)
            matched = matched || samPostprocessMask(one.masks.select(0, m), model.config().vision.imageSize,
                                                    pre.reshapedInputSize, pre.originalSize) == best.mask;
        QVERIFY(matched);

        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        auto countIf = [](const std::vector<double>& v, auto pred) {
            return size_t(std::count_if(v.begin(), v.end(), pred));
        };
        AutomaskOptions byIou = all;
        byIou.predIouThresh = median(ious);
        const std::vector<AutoMask> confident = run(byIou);
        QCOMPARE(confident.size(), countIf(ious, [&](double v) { return v > byIou.predIouThresh; }));
        QVERIFY(confident.size() < masks.size());
        AutomaskOptions byStability = all;
        byStability.stabilityScoreThresh = median(stabilities);
        const std::vector<AutoMask> stable = run(byStability);
        QCOMPARE(stable.size(),
                 countIf(stabilities, [&](double v) { return v >= byStability.stabilityScoreThresh; }));
        for (const AutoMask& a : stable)
            QVERIFY(a.stabilityScore >= byStability.stabilityScoreThresh);

        // NMS: no two kept boxes overlap more than the threshold, and every dropped mask overlaps a kept
        // one with a predicted IoU at least as high.
        AutomaskOptions nms = all;
        nms.boxNmsThresh = 0.7;
        const std::vector<AutoMask> kept = run(nms);
        QVERIFY(!kept.empty() && kept.size() < masks.size());
        for (size_t i = 0; i < kept.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                QVERIFY(boxIou(kept[j].box, kept[i].box) <= 0.7);
        for (const AutoMask& a : masks) {
            bool covered = false;
            for (const AutoMask& k : kept)
                covered = covered || (k.predictedIou >= a.predictedIou && boxIou(k.box, a.box) > 0.7) ||
                          (k.point == a.point && k.predictedIou == a.predictedIou);
            QVERIFY(covered);
        }

        // Removing small regions leaves none under the area in any mask.
        AutomaskOptions clean = nms;
        clean.minMaskRegionArea = 200;
        for (const AutoMask& a : run(clean)) {
            std::vector<uint8_t> again = a.mask;
            QVERIFY(!removeSmallRegions(again, W, H, 200, RegionKind::Islands));
            QVERIFY(!removeSmallRegions(again, W, H, 200, RegionKind::Holes));
        }
        // Cancelled before the first batch: nothing.
        QVERIFY(AutomaskGenerator(model, all)
                    .generate(embedding, pre.originalSize, pre.reshapedInputSize, [] { return true; })
                    .empty());
        AutomaskOptions bad;
        bad.pointsPerSide = 0;
        QVERIFY_THROWS_EXCEPTION(Error, AutomaskGenerator(model, bad));
    }
};

QTEST_GUILESS_MAIN(TestSamAutomask)
#include "tst_sam_automask.moc"
