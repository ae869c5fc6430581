// SPDX-License-Identifier: MIT
// `loupe classify` and `loupe model info` on damaged copies of the golden vit_classify checkpoint: NaN
// weights, preprocessor_config.json values that would run for minutes or turn pixels into inf, a
// num_labels of 2^40, a processor size the model cannot take, a FIFO as the weights file; and images
// that import refuses (truncated) or used to fail only in inference (48 megapixels).
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>
#include <sys/stat.h>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

// A copy of the golden checkpoint in `dir`/model that the test may damage.
QString copyModel(const QTemporaryDir& dir)
{
    const QString src = loupe::test::goldenDir(QStringLiteral("vit_classify"));
    const QString dst = QDir(dir.path()).filePath(QStringLiteral("model"));
    QDir().mkpath(dst);
    for (const char* f : {"config.json", "preprocessor_config.json", "model.safetensors"})
        if (!QFile::copy(QDir(src).filePath(QLatin1String(f)), QDir(dst).filePath(QLatin1String(f))))
            return {};
    return dst;
}

bool editJson(const QString& path, const std::function<void(QJsonObject&)>& edit)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    edit(o);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return f.write(QJsonDocument(o).toJson()) > 0;
}

QString image()
{
    return loupe::test::goldenDir(QStringLiteral("vit_classify")) + QStringLiteral("/input.png");
}

LoupeRun classify(const QString& model, const QStringList& more = {})
{
    return runLoupe(QStringList{QStringLiteral("classify"), QStringLiteral("--model"), model} + more, 30000);
}

LoupeRun modelInfo(const QString& model)
{
    return runLoupe({QStringLiteral("model"), QStringLiteral("info"), model}, 30000);
}

} // namespace

class TestCliModelHostile : public QObject
{
    Q_OBJECT
private slots:
    void nanWeightsAreReportedNotPrinted()
    {
        QTemporaryDir d;
        const QString model = copyModel(d);
        QVERIFY(!model.isEmpty());
        const QString weights = model + QStringLiteral("/model.safetensors");
        QFile f(weights);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        const auto h = loupe::compute::parseSafetensors(reinterpret_cast<const uint8_t*>(bytes.constData()),
                                                        size_t(bytes.size()), "w");
        qint64 offset = -1;
        for (const auto& t : h.tensors)
            if (t.name == "classifier.bias") offset = static_cast<const char*>(t.data) - bytes.constData();
        QVERIFY(offset > 0);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(f.seek(offset));
        QCOMPARE(f.write(reinterpret_cast<const char*>(&nan), sizeof nan), qint64(sizeof nan));
        f.close();

        const LoupeRun r = classify(model, {image()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("the model produced non-finite outputs (NaN/inf) for ") +
                                image() + QStringLiteral(": check the weights")),
                 qPrintable(r.err));
        QVERIFY2(!r.out.contains(QLatin1String("nan")), qPrintable(r.out));
        const LoupeRun info = modelInfo(model);
        QCOMPARE(info.code, 1);
        QVERIFY2(info.err.contains(QStringLiteral("tensor 'classifier.bias' has 1 NaN/inf values")),
                 qPrintable(info.err));
    }

    void brokenProcessorIsRefusedByClassifyAndModelInfo_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("size 65536")
            << "size" << QJsonValue(QJsonObject{{"height", 65536}, {"width", 65536}})
            << R"(field "size.height" (65536) is above the limit of 4096 pixels per side)";
        QTest::newRow("rescale 1e308")
            << "rescale_factor" << QJsonValue(1e308) << R"(field "rescale_factor" must be in (0, 1])";
        QTest::newRow("std tiny") << "image_std" << QJsonValue(QJsonArray{1e-30, 0.5, 0.5})
                                  << R"(field "image_std")";
        QTest::newRow("size 96")
            << "size" << QJsonValue(QJsonObject{{"height", 96}, {"width", 96}})
            << R"(field "size" gives 96x96 images but the model's config.json image_size is )"
               R"(64x64; pass --interpolate-pos-encoding)";
    }
    void brokenProcessorIsRefusedByClassifyAndModelInfo()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QTemporaryDir d;
        const QString model = copyModel(d);
        QVERIFY(!model.isEmpty());
        const QString pp = model + QStringLiteral("/preprocessor_config.json");
        QVERIFY(editJson(pp, [&](QJsonObject& o) { o.insert(field, value); }));
        QElapsedTimer t;
        t.start();
        const LoupeRun r = classify(model, {image()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(pp + QStringLiteral(": ") + expected), qPrintable(r.err));
        QVERIFY2(t.elapsed() < 20000, "refused before preprocessing");
        const LoupeRun info = modelInfo(model);
        QCOMPARE(info.code, 1);
        QVERIFY2(info.out.contains(QStringLiteral("not runnable: ") + pp), qPrintable(info.out));
        QVERIFY2(info.err.contains(expected), qPrintable(info.err));
    }

    void interpolatePosEncodingRunsOtherSizes()
    {
        QTemporaryDir d;
        const QString model = copyModel(d);
        QVERIFY(!model.isEmpty());
        QVERIFY(editJson(model + QStringLiteral("/preprocessor_config.json"), [](QJsonObject& o) {
            o.insert(QStringLiteral("size"), QJsonObject{{"height", 96}, {"width", 96}});
        }));
        const LoupeRun r = classify(
            model, {QStringLiteral("--interpolate-pos-encoding"), QStringLiteral("--json"), image()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject row = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(row.value(QLatin1String("top")).toArray().size(), 5);
        const LoupeRun help = runLoupe({QStringLiteral("classify"), QStringLiteral("--help")});
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: loupe classify [options] IMAGE...")),
                 qPrintable(help.out));
        QVERIFY(help.out.contains(QStringLiteral("--interpolate-pos-encoding")));
    }

    void hugeNumLabelsIsRefusedQuickly()
    {
        QTemporaryDir d;
        const QString model = copyModel(d);
        QVERIFY(!model.isEmpty());
        QVERIFY(editJson(model + QStringLiteral("/config.json"), [](QJsonObject& o) {
            o.remove(QStringLiteral("id2label"));
            o.remove(QStringLiteral("label2id"));
            o.insert(QStringLiteral("num_labels"), double(qint64(1) << 40));
        }));
        const LoupeRun r = classify(model, {image()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(
                     QStringLiteral("config.json: field \"num_labels\" (1099511627776) is above the limit")),
                 qPrintable(r.err));
        // Within the limit but not what the classifier weight holds.
        QVERIFY(editJson(model + QStringLiteral("/config.json"),
                         [](QJsonObject& o) { o.insert(QStringLiteral("num_labels"), 1000); }));
        const LoupeRun info = modelInfo(model);
        QCOMPARE(info.code, 1);
        QVERIFY2(info.err.contains(
                     QStringLiteral("'classifier.weight' has 10 classes but config.json (num_labels / "
                                    "id2label) declares 1000")),
                 qPrintable(info.err));
    }

    void fifoAsWeightsFileIsRefused()
    {
        QTemporaryDir d;
        const QString model = copyModel(d);
        QVERIFY(!model.isEmpty());
        const QString weights = model + QStringLiteral("/model.safetensors");
        QVERIFY(QFile::remove(weights));
        QCOMPARE(::mkfifo(QFile::encodeName(weights).constData(), 0600), 0);
        const LoupeRun r = classify(model, {image()}); // used to hang in open()
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(weights + QStringLiteral(": not a regular file (a FIFO)")),
                 qPrintable(r.err));
        const LoupeRun info = modelInfo(model);
        QCOMPARE(info.code, 1);
        QVERIFY2(info.err.contains(QStringLiteral("not a regular file")), qPrintable(info.err));
    }

    void imagesAreJudgedAsImportJudgesThem()
    {
        QTemporaryDir d;
        // 48 megapixels: over Qt's default 128 MB decode limit, which import now accepts too.
        QImage big(8000, 6000, QImage::Format_RGB32);
        big.fill(qRgb(200, 120, 40));
        const QString bigPath = QDir(d.path()).filePath(QStringLiteral("48mp.jpg"));
        QVERIFY(big.save(bigPath, "JPG", 80));
        big = QImage();
        // Half a JPEG: Qt decodes it into grey without an error; import refuses it, so does classify.
        QByteArray jpeg;
        {
            QImage small(64, 64, QImage::Format_RGB32);
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x)
                    small.setPixel(x, y, qRgb(x * 4, y * 4, (x * y) & 255));
            QBuffer b(&jpeg);
            b.open(QIODevice::WriteOnly);
            small.save(&b, "JPG", 95);
        }
        const QString half = QDir(d.path()).filePath(QStringLiteral("half.jpg"));
        QFile f(half);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(jpeg.left(jpeg.size() / 2));
        f.close();
        const LoupeRun r = classify(loupe::test::goldenDir(QStringLiteral("vit_classify")), {bigPath, half});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(bigPath + QStringLiteral("\n")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("48mp.jpg")), qPrintable(r.err));
        QVERIFY2(r.err.contains(
                     half + QStringLiteral(": truncated: the JPEG data ends before its end-of-image marker")),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliModelHostile)
#include "tst_cli_model_hostile.moc"
