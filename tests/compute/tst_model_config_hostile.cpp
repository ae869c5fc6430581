// SPDX-License-Identifier: MIT
// Checkpoint folders that ask for the impossible: processor sizes and factors that would take minutes
// and gigabytes or turn every pixel into inf, num_labels of 2^40, processor sizes the model cannot take,
// a FIFO or folder where a weights file should be, and non-finite outputs. Each is refused up front
// with the file and the field named.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/config.h"
#include "compute/io/mapped_file.h"
#include "compute/models/finite_outputs.h"
#include "compute/models/vit.h"
#include "compute/preprocess/processor_config.h"
#include "compute/preprocess/processor_fit.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>
#include <sys/stat.h>

using namespace loupe::compute;
using json = nlohmann::json;

namespace {

// The message of the Error `f` throws, or "" when it throws nothing.
template <typename F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

ImageProcessorConfig processor(const char* text)
{
    return ImageProcessorConfig::fromJson(json::parse(text), "/m/preprocessor_config.json");
}

ViTConfig model(int imageSize = 224)
{
    ViTConfig c;
    c.imageSize = imageSize;
    return c;
}

} // namespace

class TestModelConfigHostile : public QObject
{
    Q_OBJECT
private slots:
    void processorFieldsOutsideTheirLimits_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("size 65536")
            << R"({"size": {"height": 65536, "width": 65536}})"
            << R"(/m/preprocessor_config.json: field "size.height" (65536) is above the limit of 4096)";
        QTest::newRow("crop 5000") << R"({"crop_size": 5000})"
                                   << R"(field "crop_size" (5000) is above the limit)";
        QTest::newRow("rescale 1e308") << R"({"rescale_factor": 1e308})"
                                       << R"(field "rescale_factor" must be in (0, 1], got 1e+308)";
        QTest::newRow("rescale 0") << R"({"rescale_factor": 0})"
                                   << R"(field "rescale_factor" must be in (0, 1])";
        QTest::newRow("rescale negative") << R"({"rescale_factor": -0.5})"
                                          << R"("rescale_factor" must be in)";
        QTest::newRow("mean scalar 1e308") << R"({"image_mean": 1e308})"
                                           << R"(field "image_mean" must be finite)";
        QTest::newRow("std scalar 1e300") << R"({"image_std": 1e300})"
                                          << R"(field "image_std" must be finite)";
        QTest::newRow("std tiny") << R"({"image_std": [1e-30, 0.5, 0.5]})"
                                  << R"(field "image_std" (0.000000 with)";
        QTest::newRow("std zero") << R"({"image_std": [0.5, 0, 0.5]})"
                                  << R"(field "image_std" has a zero entry)";
    }
    void processorFieldsOutsideTheirLimits()
    {
        QFETCH(QString, config);
        QFETCH(QString, expected);
        const QString msg = errorOf([&] { processor(config.toUtf8().constData()); });
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.startsWith(QStringLiteral("/m/preprocessor_config.json: field")), qPrintable(msg));
    }

    void saneProcessorsStillLoad()
    {
        const ImageProcessorConfig p = processor(
            R"({"size": {"height": 384, "width": 384}, "rescale_factor": 0.00392156862745098,
                "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]})");
        QCOMPARE(p.sizeHeight, 384);
        // Unnormalised, std is not used: a zero there is not an error.
        QCOMPARE(processor(R"({"do_normalize": false, "image_std": 0})").doNormalize, false);
        QCOMPARE(processor(R"({"rescale_factor": 1})").rescaleFactor, 1.0);
    }

    void numLabelsIsCappedBeforeNamesAreMade()
    {
        QElapsedTimer t;
        t.start();
        const QString msg = errorOf(
            [] { ViTConfig::fromJson(json::parse(R"({"num_labels": 1099511627776})"), "/m/config.json"); });
        QCOMPARE(msg,
                 QStringLiteral("/m/config.json: field \"num_labels\" (1099511627776) is above the limit "
                                "of 1048576 classes"));
        QVERIFY2(t.elapsed() < 1000, "refused before building 2^40 label names");
        QCOMPARE(ViTConfig::fromJson(json::parse(R"({"num_labels": 3})"), "c").numLabels(), int64_t(3));
    }

    void processorMustFitTheModel()
    {
        const std::string src = "/m/preprocessor_config.json";
        const ImageProcessorConfig p96 = processor(R"({"size": {"height": 96, "width": 96}})");
        QString msg = errorOf([&] { checkProcessorFitsModel(p96, model(224), src, false); });
        QCOMPARE(msg, QStringLiteral("/m/preprocessor_config.json: field \"size\" gives 96x96 images but the "
                                     "model's config.json image_size is 224x224; pass "
                                     "--interpolate-pos-encoding to run the model at 96x96"));
        QCOMPARE(errorOf([&] { checkProcessorFitsModel(p96, model(224), src, true); }), QString());
        QCOMPARE(errorOf([&] { checkProcessorFitsModel(p96, model(96), src, false); }), QString());
        // Center crop decides the size when it is on.
        const ImageProcessorConfig crop =
            processor(R"({"size": 256, "do_center_crop": true, "crop_size": {"height": 224, "width": 224}})");
        QCOMPARE(errorOf([&] { checkProcessorFitsModel(crop, model(224), src, false); }), QString());
        msg = errorOf([&] { checkProcessorFitsModel(crop, model(384), src, false); });
        QVERIFY2(msg.contains(QStringLiteral("field \"crop_size\" gives 224x224")), qPrintable(msg));
        // Interpolation has its own limit: 4x the model's side.
        const ImageProcessorConfig huge = processor(R"({"size": {"height": 4096, "width": 4096}})");
        msg = errorOf([&] { checkProcessorFitsModel(huge, model(224), src, true); });
        QVERIFY2(msg.contains(QStringLiteral("above 4x the model's image_size 224x224 (limit 896 per side)")),
                 qPrintable(msg));
        ViTConfig grey = model(224);
        grey.numChannels = 1;
        msg = errorOf([&] { checkProcessorFitsModel(processor("{}"), grey, src, false); });
        QVERIFY2(msg.contains(QStringLiteral("num_channels 1")), qPrintable(msg));
    }

    void nonFiniteOutputsAreNamed()
    {
        const float ok[] = {0.5f, -2.f, 1e30f};
        QVERIFY(allFinite(ok, 3));
        QCOMPARE(errorOf([&] { requireFiniteOutputs(ok, 3, "cat.png"); }), QString());
        const float nan[] = {0.5f, std::numeric_limits<float>::quiet_NaN()};
        const float inf[] = {-std::numeric_limits<float>::infinity()};
        QCOMPARE(
            errorOf([&] { requireFiniteOutputs(nan, 2, "cat.png"); }),
            QStringLiteral("the model produced non-finite outputs (NaN/inf) for cat.png: check the weights"));
        QVERIFY(!errorOf([&] { requireFiniteOutputs(Tensor::fromF32({1, 1}, {inf[0]}), "x"); }).isEmpty());
    }

    void weightsThatAreNotRegularFilesAreRefusedWithoutBlocking()
    {
        QTemporaryDir d;
        const QString fifo = QDir(d.path()).filePath(QStringLiteral("model.safetensors"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QString msg = errorOf([&] { MappedFile::open(fifo.toStdString()); }); // used to wait for a writer
        QCOMPARE(msg, fifo + QStringLiteral(": not a regular file (a FIFO)"));
        // The same through a whole checkpoint folder.
        QFile cfg(QDir(d.path()).filePath(QStringLiteral("config.json")));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(R"({"architectures": ["ViTForImageClassification"]})");
        cfg.close();
        msg = errorOf([&] { Checkpoint::open(d.path().toStdString()); });
        QCOMPARE(msg, fifo + QStringLiteral(": not a regular file (a FIFO)"));
        QVERIFY(QDir(d.path()).mkdir(QStringLiteral("dir.safetensors")));
        msg = errorOf([&] { MappedFile::open(QDir(d.path()).filePath("dir.safetensors").toStdString()); });
        QVERIFY2(msg.endsWith(QStringLiteral("dir.safetensors: not a regular file (a folder)")),
                 qPrintable(msg));
    }

    void sizeMismatchNamesTheCommandLineOption()
    {
        const Checkpoint ckpt =
            Checkpoint::open(loupe::test::goldenDir(QStringLiteral("vit_classify")).toStdString());
        const VitModel m = VitModel::fromCheckpoint(ckpt);
        const Tensor px = Tensor::fromF32({1, 3, 96, 96}, std::vector<float>(3 * 96 * 96, 0.1f));
        const QString msg = errorOf([&] { m.forward(px); });
        QVERIFY2(msg.contains(QStringLiteral("pass --interpolate-pos-encoding")), qPrintable(msg));
        QVERIFY2(!msg.contains(QStringLiteral("interpolatePosEncoding")), qPrintable(msg));
        VitRunOptions o;
        o.interpolatePosEncoding = true;
        QCOMPARE(m.forward(px, o).logits.shape(), (Shape{1, 10}));
    }
};

QTEST_GUILESS_MAIN(TestModelConfigHostile)
#include "tst_model_config_hostile.moc"
