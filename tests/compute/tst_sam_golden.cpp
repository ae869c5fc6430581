// SPDX-License-Identifier: MIT
// SAM parity with Hugging Face transformers on the golden sam_segment case: preprocessing, sizes, image
// embedding, rescaled prompts, low-resolution masks, IoU scores and the post-processed masks, each within
// its case.json tolerance group, on the default path and with every kill switch.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/sam.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/sam_prompts.h"
#include "compute/threadpool.h"
#include "sam_golden_prompt.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenTolerance;

namespace {

// The prompt coordinates are float64 in the fixture.
std::vector<double> toF64(const TensorView& v)
{
    if (v.dtype != DType::F64) throw Error("expected.safetensors", "prompt coordinates are not float64");
    const auto* p = static_cast<const double*>(v.data);
    return std::vector<double>(p, p + shapeNumel(v.shape));
}

} // namespace

class TestSamGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonArray prompts_;

    Tensor pixels(const SafetensorsFile& expected, std::array<int64_t, 2>& original,
                  std::array<int64_t, 2>& resized)
    {
        QImage img = QImage(dir_ + "/input.png").convertToFormat(QImage::Format_RGB888);
        const ImageU8 view{img.width(), img.height(), 3, size_t(img.bytesPerLine()), img.constBits()};
        const auto config =
            ImageProcessorConfig::fromFile((dir_ + "/preprocessor_config.json").toStdString());
        const PreprocessedImage pre = preprocess(view, config);
        const QString err = compareClose("pixel_values", pre.pixels, expected.tensor("pixel_values"),
                                         goldenTolerance(dir_, "pixel_values"));
        if (!err.isEmpty()) QTest::qFail(qPrintable(err), __FILE__, __LINE__);
        original = pre.originalSize;
        resized = pre.reshapedInputSize;
        return Tensor::fromF32(pre.shape(), pre.pixels);
    }

    void checkAll()
    {
        const SamModel model = SamModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        std::array<int64_t, 2> original{}, resized{};
        const Tensor px = pixels(expected, original, resized);
        QCOMPARE(std::vector<int64_t>(original.begin(), original.end()),
                 loupe::test::goldenIds(expected, "original_sizes"));
        QCOMPARE(std::vector<int64_t>(resized.begin(), resized.end()),
                 loupe::test::goldenIds(expected, "reshaped_input_sizes"));

        const Tensor embedding = model.embed(px);
        QString err =
            compareClose("image_embeddings", SamModel::channelsFirst(embedding).toF32Vector(),
                         expected.tensor("image_embeddings"), goldenTolerance(dir_, "image_embeddings"));
        QVERIFY2(err.isEmpty(), qPrintable(err));

        const int64_t pad = model.config().vision.imageSize;
        for (int i = 0; i < prompts_.size(); ++i) {
            const QJsonObject p = prompts_[i].toObject();
            const std::string k = std::to_string(i);
            const sam::Prompt prompt = loupe::test::goldenSamPrompt(p, original, resized);
            if (p.contains("input_boxes")) {
                const auto expectedBox = toF64(expected.tensor("input_boxes." + k));
                for (int c = 0; c < 4; ++c)
                    QVERIFY(std::fabs((*prompt.box)[size_t(c)] - expectedBox[size_t(c)]) <= 1e-9);
            }
            if (!prompt.points.empty()) {
                const auto expectedPoints = toF64(expected.tensor("input_points." + k));
                QCOMPARE(expectedPoints.size(), prompt.points.size() * 2);
                for (size_t j = 0; j < prompt.points.size(); ++j)
                    for (size_t c = 0; c < 2; ++c)
                        QVERIFY(std::fabs(prompt.points[j][c] - expectedPoints[j * 2 + c]) <= 1e-9);
                QCOMPARE(std::vector<int64_t>(prompt.labels.begin(), prompt.labels.end()),
                         loupe::test::goldenIds(expected, "input_labels." + k));
            }
            const sam::MaskPrediction out = model.decode(embedding, prompt, true);
            QCOMPARE(out.masks.shape(),
                     (Shape{3, 4 * model.config().vision.grid(), 4 * model.config().vision.grid()}));
            err = compareClose(QString::fromStdString("pred_masks." + k), out.masks.toF32Vector(),
                               expected.tensor("pred_masks." + k), goldenTolerance(dir_, "pred_masks.0"));
            QVERIFY2(err.isEmpty(), qPrintable(err));
            err = compareClose(QString::fromStdString("iou_scores." + k), out.iou,
                               expected.tensor("iou_scores." + k), goldenTolerance(dir_, "iou_scores.0"));
            QVERIFY2(err.isEmpty(), qPrintable(err));

            // Post-processed masks: at most 0.1% of the pixels may differ (logits within rounding of 0).
            const TensorView& em = expected.tensor("masks." + k);
            const uint8_t* e = static_cast<const uint8_t*>(em.data);
            const int64_t plane = original[0] * original[1];
            for (int64_t m = 0; m < 3; ++m) {
                const std::vector<uint8_t> mask =
                    samPostprocessMask(out.masks.select(0, m), pad, resized, original);
                QCOMPARE(int64_t(mask.size()), plane);
                int64_t differ = 0;
                for (int64_t j = 0; j < plane; ++j)
                    differ += (mask[size_t(j)] != 0) != (e[m * plane + j] != 0);
                QVERIFY2(double(differ) <= 0.001 * double(plane),
                         qPrintable(QString("masks.%1[%2]: %3 pixels differ").arg(i).arg(m).arg(differ)));
            }
        }
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        prompts_ = QJsonDocument::fromJson(f.readAll())
                       .object()
                       .value("inputs")
                       .toObject()
                       .value("prompts")
                       .toArray();
        QCOMPARE(prompts_.size(), 3);
    }

    void defaultPath() { checkAll(); }

    void everyKillSwitch_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("blocked gemm") << 0;
        QTest::newRow("naive gemm") << 1;
        QTest::newRow("no fusion") << 2;
        QTest::newRow("scalar math") << 3;
        QTest::newRow("one thread") << 4;
    }
    void everyKillSwitch()
    {
        QFETCH(int, variant);
        const CpuOptions saved = cpuOptions();
        CpuOptions& o = cpuOptions();
        if (variant == 0) o.useOneDnn = false;
        if (variant == 1) o.naiveGemm = true;
        if (variant == 2) o.fusion = false;
        if (variant == 3) o.fastMath = false;
        if (variant == 4) setThreadCount(1);
        checkAll();
        cpuOptions() = saved;
        setThreadCount(0);
    }

    void singleMaskAndMaskInput()
    {
        const SamModel model = SamModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        const int64_t S = model.config().vision.imageSize, g = model.config().vision.grid();
        const Tensor embedding = model.embed(Tensor::zeros(DType::F32, {1, 3, S, S}));
        sam::Prompt p;
        p.points = {{20.0, 30.0}};
        p.labels = {1};
        const sam::MaskPrediction one = model.decode(embedding, p, false);
        QCOMPARE(one.masks.shape(), (Shape{1, 4 * g, 4 * g}));
        QCOMPARE(one.iou.size(), size_t(1));
        // The previous low-resolution mask as a dense prompt changes the prediction.
        p.maskInput = one.masks.select(0, 0);
        const sam::MaskPrediction refined = model.decode(embedding, p, false);
        QVERIFY(refined.masks.toF32Vector() != one.masks.toF32Vector());
        p.maskInput = Tensor::zeros(DType::F32, {7, 7});
        QVERIFY_THROWS_EXCEPTION(Error, model.decode(embedding, p, false));
    }

    void refusesBadInput()
    {
        const SamModel model = SamModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        QVERIFY_THROWS_EXCEPTION(Error, model.embed(Tensor::zeros(DType::F32, {1, 3, 64, 64})));
        const int64_t S = model.config().vision.imageSize;
        const Tensor embedding = model.embed(Tensor::zeros(DType::F32, {1, 3, S, S}));
        sam::Prompt none;
        QVERIFY_THROWS_EXCEPTION(Error, model.decode(embedding, none, true));
        sam::Prompt unlabeled;
        unlabeled.points = {{1.0, 2.0}};
        QVERIFY_THROWS_EXCEPTION(Error, model.decode(embedding, unlabeled, true));
        sam::Prompt badLabel;
        badLabel.points = {{1.0, 2.0}};
        badLabel.labels = {3};
        QVERIFY_THROWS_EXCEPTION(Error, model.decode(embedding, badLabel, true));
    }
};

QTEST_GUILESS_MAIN(TestSamGolden)
#include "tst_sam_golden.moc"
