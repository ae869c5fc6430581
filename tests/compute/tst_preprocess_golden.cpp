// SPDX-License-Identifier: MIT
// Parity of the image processors with transformers + Pillow on tests/data/golden/preprocess: every
// processor (vit, clip, blip, sam) on every image, pixel_values within atol 1e-5, SAM sizes exact; and
// Qt's JPEG decode against Pillow's (jpeg_rgb.5).
#include "common/testsupport.h"
#include "compute/io/safetensors.h"
#include "compute/preprocess/image_processor.h"

#include <QDir>
#include <QImage>
#include <QTest>
#include <cmath>
#include <cstring>

using namespace loupe::compute;

namespace {

// The decoded image as the processors see it: grey stays 1 channel, alpha keeps 4 (they convert).
struct Decoded
{
    QImage image;
    ImageU8 view;
};

Decoded decode(const QString& path)
{
    Decoded d;
    QImage img(path);
    if (img.isNull()) return d;
    int channels = 3;
    if (img.format() == QImage::Format_Grayscale8 ||
        (img.format() == QImage::Format_Indexed8 && img.isGrayscale())) {
        img = img.convertToFormat(QImage::Format_Grayscale8);
        channels = 1;
    } else if (img.hasAlphaChannel()) {
        img = img.convertToFormat(QImage::Format_RGBA8888); // not premultiplied: raw RGB survives
        channels = 4;
    } else {
        img = img.convertToFormat(QImage::Format_RGB888);
    }
    d.image = img;
    d.view = {img.width(), img.height(), channels, size_t(img.bytesPerLine()), img.constBits()};
    return d;
}

int64_t i64At(const TensorView& t, int i)
{
    int64_t v;
    std::memcpy(&v, static_cast<const uint8_t*>(t.data) + 8 * i, 8);
    return v;
}

} // namespace

class TestPreprocessGolden : public QObject
{
    Q_OBJECT
    QString dir_;
    SafetensorsFile expected_;

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir("preprocess");
        expected_ = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
    }

    void processors_data()
    {
        QTest::addColumn<QString>("processor");
        for (const char* p : {"vit", "clip", "blip", "sam"})
            QTest::newRow(p) << QString(p);
    }
    void processors()
    {
        QFETCH(QString, processor);
        const auto config = ImageProcessorConfig::fromFile(
            (dir_ + "/" + processor + "/preprocessor_config.json").toStdString());
        double worst = 0;
        for (int k = 0; k <= 5; ++k) {
            const QString file = dir_ + (k == 5 ? "/image_5.jpg" : QString("/image_%1.png").arg(k));
            const Decoded d = decode(file);
            QVERIFY2(!d.image.isNull(), qPrintable(file));
            ImageU8 input = d.view;
            // The JPEG is fed as Pillow decoded it, so this checks the processor alone; the decoder
            // has its own test below.
            const TensorView& jpeg = expected_.tensor("jpeg_rgb.5");
            if (k == 5)
                input = {int(jpeg.shape[1]), int(jpeg.shape[0]), 3, size_t(jpeg.shape[1]) * 3,
                         static_cast<const uint8_t*>(jpeg.data)};
            const PreprocessedImage out = preprocess(input, config);
            const std::string name = "pixel_values." + processor.toStdString() + "." + std::to_string(k);
            const TensorView& ref = expected_.tensor(name);
            QCOMPARE(out.shape(), ref.shape);
            const std::vector<float> want = toF32(ref);
            QCOMPARE(out.pixels.size(), want.size());
            double maxErr = 0;
            size_t inexact = 0;
            for (size_t i = 0; i < want.size(); ++i) {
                const double e = std::fabs(double(out.pixels[i]) - double(want[i]));
                maxErr = std::max(maxErr, e);
                inexact += e != 0;
            }
            qInfo("%s: max |error| %.3g, %zu of %zu values not bit-identical", name.c_str(), maxErr, inexact,
                  want.size());
            QVERIFY2(maxErr <= 1e-5, qPrintable(QString("%1 max error %2").arg(name.c_str()).arg(maxErr)));
            worst = std::max(worst, maxErr);
            if (processor == "sam") {
                const TensorView& orig = expected_.tensor("original_sizes.sam." + std::to_string(k));
                const TensorView& resh = expected_.tensor("reshaped_input_sizes.sam." + std::to_string(k));
                QCOMPARE(out.originalSize[0], i64At(orig, 0));
                QCOMPARE(out.originalSize[1], i64At(orig, 1));
                QCOMPARE(out.reshapedInputSize[0], i64At(resh, 0));
                QCOMPARE(out.reshapedInputSize[1], i64At(resh, 1));
            }
        }
        qInfo("%s: worst max |error| over all images %.3g", qPrintable(processor), worst);
    }

    // Every model case copied into tests/data/golden that carries its processor config and input image:
    // the pixel_values it expects come from the same processors (at least vit_classify is always there).
    void modelCases()
    {
        QDir root(loupe::test::goldenDir(""));
        int checked = 0;
        for (const QString& name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QDir d(root.filePath(name));
            if (!d.exists("preprocessor_config.json") || !d.exists("input.png") ||
                !d.exists("expected.safetensors"))
                continue;
            const SafetensorsFile expected =
                SafetensorsFile::open(d.filePath("expected.safetensors").toStdString());
            const TensorView* ref = expected.find("pixel_values");
            if (!ref) continue;
            const auto config =
                ImageProcessorConfig::fromFile(d.filePath("preprocessor_config.json").toStdString());
            const Decoded img = decode(d.filePath("input.png"));
            QVERIFY(!img.image.isNull());
            const PreprocessedImage out = preprocess(img.view, config);
            QCOMPARE(out.shape(), ref->shape);
            const std::vector<float> want = toF32(*ref);
            double maxErr = 0;
            for (size_t i = 0; i < want.size(); ++i)
                maxErr = std::max(maxErr, std::fabs(double(out.pixels[i]) - double(want[i])));
            qInfo("%s pixel_values: max |error| %.3g", qPrintable(name), maxErr);
            QVERIFY2(maxErr <= 1e-5, qPrintable(name));
            ++checked;
        }
        QVERIFY(checked >= 1);
    }

    void jpegDecodeMatchesPillow()
    {
        const Decoded d = decode(dir_ + "/image_5.jpg");
        QVERIFY(!d.image.isNull());
        const TensorView& ref = expected_.tensor("jpeg_rgb.5");
        QCOMPARE(int64_t(d.view.height), ref.shape[0]);
        QCOMPARE(int64_t(d.view.width), ref.shape[1]);
        const auto* want = static_cast<const uint8_t*>(ref.data);
        size_t differ = 0;
        int maxDiff = 0;
        for (int y = 0; y < d.view.height; ++y)
            for (int x = 0; x < d.view.width * 3; ++x) {
                const int a = d.view.data[size_t(y) * d.view.stride + size_t(x)];
                const int b = want[(size_t(y) * size_t(d.view.width)) * 3 + size_t(x)];
                differ += a != b;
                maxDiff = std::max(maxDiff, std::abs(a - b));
            }
        qInfo("jpeg_rgb.5: %zu of %zu bytes differ from Pillow's decode (max difference %d)", differ,
              size_t(ref.nbytes), maxDiff);
        QCOMPARE(differ, size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPreprocessGolden)
#include "tst_preprocess_golden.moc"
