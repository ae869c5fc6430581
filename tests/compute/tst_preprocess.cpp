// SPDX-License-Identifier: MIT
// Image processor pieces: Pillow's resize for every filter (references from make_pil_resize.py), RGB
// conversion, the processor flags, size rules, center crop with padding, and config validation.
#include "compute/error.h"
#include "compute/preprocess/image_processor.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace loupe::compute;

namespace {

RgbImage loadRgb(const QString& path)
{
    const QImage img = QImage(path).convertToFormat(QImage::Format_RGB888);
    RgbImage out{img.width(), img.height(), {}};
    for (int y = 0; y < img.height(); ++y)
        out.rgb.insert(out.rgb.end(), img.constScanLine(y), img.constScanLine(y) + img.width() * 3);
    return out;
}

ImageProcessorConfig config(const char* json)
{
    return ImageProcessorConfig::fromJson(nlohmann::json::parse(json), "test/preprocessor_config.json");
}

QString configError(const char* json)
{
    try {
        config(json);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestPreprocess : public QObject
{
    Q_OBJECT
private slots:
    void pillowResize_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("resample");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QFile f(QString(LOUPE_TEST_DATA) + "/pil_resize/cases.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray();
        QCOMPARE(cases.size(), 54);
        for (const auto& v : cases) {
            const QJsonObject c = v.toObject();
            QTest::newRow(qPrintable(c["file"].toString()))
                << c["file"].toString() << c["resample"].toInt() << c["width"].toInt() << c["height"].toInt();
        }
    }
    void pillowResize()
    {
        QFETCH(QString, file);
        QFETCH(int, resample);
        QFETCH(int, width);
        QFETCH(int, height);
        const QString dir = QString(LOUPE_TEST_DATA) + "/pil_resize/";
        const RgbImage src = loadRgb(dir + "source.png");
        QCOMPARE(src.width, 37);
        const RgbImage want = loadRgb(dir + file);
        const RgbImage got = resizePil(src, width, height, Resample(resample));
        QCOMPARE(got.width, want.width);
        QCOMPARE(got.height, want.height);
        int differ = 0;
        for (size_t i = 0; i < want.rgb.size(); ++i)
            differ += got.rgb[i] != want.rgb[i];
        QCOMPARE(differ, 0);
    }

    void rgbConversion()
    {
        const uint8_t grey[] = {10, 20, 30, 0 /*stride pad*/, 40, 50, 60, 0};
        const RgbImage g = toRgb({3, 2, 1, 4, grey});
        QCOMPARE(g.rgb, (std::vector<uint8_t>{10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40, 50, 50, 50, 60,
                                              60, 60}));
        const uint8_t rgba[] = {1, 2, 3, 0, 4, 5, 6, 255};
        const RgbImage a = toRgb({2, 1, 4, 8, rgba});
        QCOMPARE(a.rgb, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6})); // alpha dropped, not composited
        QVERIFY_THROWS_EXCEPTION(Error, toRgb({2, 1, 2, 4, rgba}));
        QVERIFY_THROWS_EXCEPTION(Error, toRgb({0, 1, 3, 0, rgba}));
        QVERIFY_THROWS_EXCEPTION(Error, toRgb({2, 1, 3, 2, rgba})); // stride shorter than a row
    }

    void flags()
    {
        const uint8_t px[] = {0, 128, 255, 51, 102, 153};
        const ImageU8 img{2, 1, 3, 6, px};
        // No resize, rescale or normalise: raw values, planar.
        auto raw = preprocess(img, config(R"({"do_resize":false,"do_rescale":false,"do_normalize":false})"));
        QCOMPARE(raw.shape(), (std::vector<int64_t>{1, 3, 1, 2}));
        QCOMPARE(raw.pixels, (std::vector<float>{0, 51, 128, 102, 255, 153}));
        // Rescale only: float(double(u8) * factor).
        auto res =
            preprocess(img, config(R"({"do_resize":false,"do_normalize":false,"rescale_factor":0.5})"));
        QCOMPARE(res.pixels, (std::vector<float>{0, 25.5f, 64, 51, 127.5f, 76.5f}));
        // Normalise without rescale, per-channel mean/std.
        auto norm = preprocess(img, config(R"({"do_resize":false,"do_rescale":false,
            "image_mean":[0,100,200],"image_std":[1,2,0.5]})"));
        QCOMPARE(norm.pixels, (std::vector<float>{0, 51, 14, 1, 110, -94}));
        // Pad (SAM) after normalisation: zeros bottom/right.
        auto pad = preprocess(img, config(R"({"do_resize":false,"do_rescale":false,"do_normalize":false,
            "do_pad":true,"pad_size":{"height":2,"width":3}})"));
        QCOMPARE(pad.shape(), (std::vector<int64_t>{1, 3, 2, 3}));
        QCOMPARE(pad.pixels[0], 0.0f);
        QCOMPARE(pad.pixels[1], 51.0f);
        QCOMPARE(pad.pixels[2], 0.0f); // padded column
        QCOMPARE(pad.pixels[3 * 2 * 2 + 1], 153.0f);
        QCOMPARE(pad.pixels[3 * 2 * 2 + 4], 0.0f); // padded row
    }

    void sizes()
    {
        const auto clip =
            config(R"({"image_processor_type":"CLIPImageProcessor","size":{"shortest_edge":64}})");
        QCOMPARE(clip.resample, Resample::Bicubic);
        QCOMPARE(resizedSize(213, 320, clip), (std::array<int, 2>{64, 96})); // int(64*320/213) = 96
        QCOMPARE(resizedSize(320, 279, clip), (std::array<int, 2>{73, 64})); // int(64*320/279) = 73
        const auto sam =
            config(R"({"image_processor_type":"SamImageProcessor","size":{"longest_edge":128}})");
        QCOMPARE(resizedSize(213, 320, sam), (std::array<int, 2>{85, 128})); // 213*0.4 = 85.2
        QCOMPARE(resizedSize(75, 320, sam), (std::array<int, 2>{30, 128}));  // 30.0
        QCOMPARE(resizedSize(27, 41, sam), (std::array<int, 2>{84, 128}));   // 84.29 -> 84
        const auto legacyClip =
            config(R"({"feature_extractor_type":"CLIPFeatureExtractor","size":224,"crop_size":224})");
        QCOMPARE(legacyClip.resizeMode, ImageProcessorConfig::ResizeMode::ShortestEdge);
        QCOMPARE(legacyClip.cropHeight, 224);
        const auto legacyVit = config(R"({"size":384})");
        QCOMPARE(legacyVit.resizeMode, ImageProcessorConfig::ResizeMode::Exact);
        QCOMPARE(legacyVit.sizeWidth, 384);
    }

    void centerCropPadsSmallImages()
    {
        // A 2x1 image cropped to 4x3: transformers pads (ceil halves) and crops; pixels land at (1, 1..2).
        const uint8_t px[] = {10, 10, 10, 20, 20, 20};
        const auto c = config(R"({"do_resize":false,"do_rescale":false,"do_normalize":false,
            "do_center_crop":true,"crop_size":{"height":3,"width":4}})");
        const auto out = preprocess({2, 1, 3, 6, px}, c);
        QCOMPARE(out.shape(), (std::vector<int64_t>{1, 3, 3, 4}));
        const std::vector<float> plane(out.pixels.begin(), out.pixels.begin() + 12);
        QCOMPARE(plane, (std::vector<float>{0, 0, 0, 0, 0, 10, 20, 0, 0, 0, 0, 0}));
        // Larger image: top = (H - ch) // 2, left = (W - cw) // 2.
        const uint8_t big[5 * 3] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5};
        const auto c2 = config(R"({"do_resize":false,"do_rescale":false,"do_normalize":false,
            "do_center_crop":true,"crop_size":{"height":1,"width":2}})");
        const auto out2 = preprocess({5, 1, 3, 15, big}, c2);
        QCOMPARE(std::vector<float>(out2.pixels.begin(), out2.pixels.begin() + 2),
                 (std::vector<float>{2, 3}));
    }

    void configErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expect");
        QTest::newRow("zero size") << R"({"size":{"height":0,"width":4}})"
                                   << "\"size.height\" must be a positive";
        QTest::newRow("bad size dict") << R"({"size":{"edge":4}})"
                                       << "\"size\" must be";
        QTest::newRow("resample") << R"({"resample":9})"
                                  << "\"resample\" must be a PIL";
        QTest::newRow("std zero") << R"({"image_std":[0.5,0,0.5]})"
                                  << "\"image_std\" has a zero";
        QTest::newRow("mean length") << R"({"image_mean":[0.5,0.5]})"
                                     << "\"image_mean\" must be a list of 3";
        QTest::newRow("flag type") << R"({"do_resize":"yes"})"
                                   << "\"do_resize\" must be true or false";
        QTest::newRow("crop") << R"({"crop_size":{"height":3}})"
                              << "\"crop_size\" must be";
        QTest::newRow("rescale") << R"({"rescale_factor":"x"})"
                                 << "\"rescale_factor\" must be";
    }
    void configErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, expect);
        const QString err = configError(json.toUtf8().constData());
        QVERIFY2(err.startsWith("test/preprocessor_config.json: field "), qPrintable(err));
        QVERIFY2(err.contains(expect), qPrintable(err));
    }

    void badResizeTargets()
    {
        RgbImage src{2, 2, std::vector<uint8_t>(12, 7)};
        QVERIFY_THROWS_EXCEPTION(Error, resizePil(src, 0, 4, Resample::Bilinear));
        QVERIFY_THROWS_EXCEPTION(Error, resizePil(RgbImage{}, 4, 4, Resample::Bilinear));
        // Constant images stay constant under every filter (weights are normalised).
        for (int f = 0; f <= 5; ++f) {
            const RgbImage r = resizePil(src, 5, 3, Resample(f));
            QVERIFY(std::all_of(r.rgb.begin(), r.rgb.end(), [](uint8_t v) { return v == 7; }));
        }
    }
};

QTEST_GUILESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
