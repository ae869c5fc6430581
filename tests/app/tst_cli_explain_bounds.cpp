// SPDX-License-Identifier: MIT
// `loupe explain` / `explain-quality` / `inspect` with options that are wrong but not hostile: every one ends
// quickly with a reason naming the option, never a crash, a bare bad_alloc or a run of hours.
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <limits>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliExplainBounds : public QObject
{
    Q_OBJECT
    QString dir_;

    LoupeRun explain(const QStringList& extra, const QString& out)
    {
        return runLoupe(QStringList{QStringLiteral("explain"), QStringLiteral("--model"), dir_} + extra +
                            QStringList{dir_ + "/input.png", QStringLiteral("-o"), out},
                        60000);
    }

private slots:
    void initTestCase() { dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify")); }

    // A stride near INT_MAX once overflowed the window origins (signed overflow, then a write far outside
    // the image). Now it is one window per axis plus the clamped edge window.
    void occlusionWithAHugeStrideWorks()
    {
        QTemporaryDir tmp;
        const LoupeRun r = explain({QStringLiteral("--method"), QStringLiteral("occlusion"),
                                    QStringLiteral("--stride"), QStringLiteral("2147483647")},
                                   tmp.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("input.occlusion.npy"))));
    }

    void outOfRangeNumbersAreRefusedWithTheirRange_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("rise masks") << QStringList{QStringLiteral("--method"), QStringLiteral("rise"),
                                                   QStringLiteral("--masks"), QStringLiteral("10000000")}
                                    << QStringLiteral("--masks takes a whole number from 1 to 100000");
        QTest::newRow("rise cells") << QStringList{QStringLiteral("--method"), QStringLiteral("rise"),
                                                   QStringLiteral("--cells"), QStringLiteral("1000000")}
                                    << QStringLiteral("--cells takes a whole number from 1 to 65536");
        QTest::newRow("stride not a number")
            << QStringList{QStringLiteral("--method"), QStringLiteral("occlusion"),
                           QStringLiteral("--stride"), QStringLiteral("wide")}
            << QStringLiteral("--stride takes a whole number");
        QTest::newRow("threads") << QStringList{QStringLiteral("--threads"), QStringLiteral("100000")}
                                 << QStringLiteral(
                                        "--threads takes a whole number from 1 to 1024, got '100000'");
        QTest::newRow("p") << QStringList{QStringLiteral("--method"), QStringLiteral("rise"),
                                          QStringLiteral("--p"), QStringLiteral("2")}
                           << QStringLiteral("--p takes a probability in (0, 1]");
    }

    void outOfRangeNumbersAreRefusedWithTheirRange()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QTemporaryDir tmp;
        const LoupeRun r = explain(args, tmp.path());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }

    // More cells than the model's input has pixels (the golden model takes 64×64): refused per image with the
    // input size, before the s² grid is allocated.
    void riseCellsFinerThanPixelsAreRefused()
    {
        QTemporaryDir tmp;
        const LoupeRun r =
            explain({QStringLiteral("--method"), QStringLiteral("rise"), QStringLiteral("--cells"),
                     QStringLiteral("65"), QStringLiteral("--masks"), QStringLiteral("4")},
                    tmp.path());
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("65 cells per side on the model's 64×64 input")),
                 qPrintable(r.err));
    }

    void methodDefaultsToCheferAndHelpListsEveryMethod()
    {
        QTemporaryDir tmp;
        const LoupeRun r = explain({}, tmp.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("input.chefer.npy"))));
        const LoupeRun help = runLoupe({QStringLiteral("explain"), QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        for (const char* m : {"attention", "rollout", "occlusion", "rise", "head-importance", "chefer",
                              "input-x-grad", "integrated-gradients", "gradcam"})
            QVERIFY2(help.out.contains(QLatin1String(m)), m);
        QVERIFY(help.out.contains(QLatin1String("--interpolate-pos-encoding")));
        for (const QString& command : {QStringLiteral("explain"), QStringLiteral("explain-quality"),
                                       QStringLiteral("inspect"), QStringLiteral("bench")}) {
            const LoupeRun h = runLoupe({command, QStringLiteral("--help")});
            // bench takes the benchmark's name first (vit, generate, caption, ...).
            const QString usage =
                QStringLiteral("loupe ") + command +
                (command == QLatin1String("bench") ? QStringLiteral(" BENCHMARK") : QString()) +
                QStringLiteral(" [options]");
            QVERIFY2(h.out.contains(usage), qPrintable(command + ": " + h.out.left(200)));
        }
    }

    // The per-image line carries the headline scores and the file name; the curves stay in the file.
    void metricsGoToTheOutputFolder()
    {
        QTemporaryDir tmp;
        const LoupeRun r = explain(
            {QStringLiteral("--method"), QStringLiteral("rollout"), QStringLiteral("--metrics")}, tmp.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString file = tmp.filePath(QStringLiteral("input.rollout.metrics.json"));
        QVERIFY(QFile::exists(file));
        const QString line = r.out.trimmed();
        QVERIFY2(line.size() < 1500, qPrintable(QString::number(line.size())));
        const QJsonObject metrics =
            QJsonDocument::fromJson(line.toUtf8()).object().value(QLatin1String("metrics")).toObject();
        QCOMPARE(metrics.value(QLatin1String("file")).toString(), file);
        QVERIFY(metrics.value(QLatin1String("deletion_auc")).isDouble());
        QVERIFY(!metrics.contains(QLatin1String("curves")));
    }

    void qualityStepsAndMasksAreBounded()
    {
        const LoupeRun steps =
            runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--count"), QStringLiteral("1"),
                      QStringLiteral("--steps"), QStringLiteral("1000000000")});
        QCOMPARE(steps.code, 2);
        QVERIFY2(steps.err.contains(QStringLiteral("--steps takes a whole number from 1 to 1000")),
                 qPrintable(steps.err));
        const LoupeRun masks =
            runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--count"), QStringLiteral("1"),
                      QStringLiteral("--rise-masks"), QStringLiteral("10000000")});
        QCOMPARE(masks.code, 2);
        QVERIFY2(masks.err.contains(QStringLiteral("--rise-masks takes a whole number from 1 to 100000")),
                 qPrintable(masks.err));
    }

    // Relative --images/--masks folders once doubled the folder in every path ("ex/ex/grey.png") and found no
    // mask beside an image that had one.
    void qualityOnRelativeFolders()
    {
        QTemporaryDir tmp;
        QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("ex")));
        QImage grey(64, 64, QImage::Format_RGB888);
        grey.fill(Qt::gray);
        QVERIFY(grey.save(tmp.filePath(QStringLiteral("ex/grey.jpg"))));
        QImage mask(64, 64, QImage::Format_Grayscale8);
        mask.fill(0);
        for (int y = 16; y < 48; ++y)
            for (int x = 16; x < 48; ++x)
                mask.setPixel(x, y, qRgb(255, 255, 255));
        QVERIFY(mask.save(tmp.filePath(QStringLiteral("ex/grey.png"))));
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(tmp.path()));
        const LoupeRun r =
            runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--model"), dir_,
                      QStringLiteral("--images"), QStringLiteral("ex"), QStringLiteral("--masks"),
                      QStringLiteral("ex"), QStringLiteral("--methods"), QStringLiteral("rollout"),
                      QStringLiteral("--steps"), QStringLiteral("4")});
        QDir::setCurrent(cwd);
        QVERIFY2(!r.err.contains(QStringLiteral("ex/ex/")), qPrintable(r.err));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("rollout")), qPrintable(r.out));
    }

    // 36 megapixels decode to 144 MB as ARGB32, above Qt's default 128 MB allocation limit: import accepted
    // such images while explain failed with "Unable to read image data". Both now use one reader.
    void imagesAboveQtsDefaultDecodeLimitAreExplained()
    {
        QTemporaryDir tmp;
        QImage big(6000, 6000, QImage::Format_RGB888);
        big.fill(QColor(90, 140, 200));
        const QString path = tmp.filePath(QStringLiteral("big.png"));
        QVERIFY(big.save(path));
        big = QImage();
        const LoupeRun r = explain({QStringLiteral("--method"), QStringLiteral("rollout")}, tmp.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const LoupeRun b = runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_,
                                     QStringLiteral("--method"), QStringLiteral("rollout"), path,
                                     QStringLiteral("-o"), tmp.filePath(QStringLiteral("maps"))});
        QVERIFY2(b.code == 0, qPrintable(b.err));
        QCOMPARE(QImageReader(tmp.filePath(QStringLiteral("maps/big.rollout.png"))).size(),
                 QSize(6000, 6000));
    }

    // NaN weights once printed NaN maps with exit 0: explain now says the outputs are not finite.
    void nonFiniteOutputsAreAnError()
    {
        QTemporaryDir tmp;
        const QString model = tmp.filePath(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(model));
        for (const char* f : {"config.json", "preprocessor_config.json"})
            QVERIFY(QFile::copy(dir_ + "/" + f, model + "/" + f));
        QFile in(dir_ + "/model.safetensors");
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        quint64 headerSize = 0;
        memcpy(&headerSize, bytes.constData(), 8);
        const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, int(headerSize))).object();
        const QJsonArray offsets = header.value(QLatin1String("classifier.bias"))
                                       .toObject()
                                       .value(QLatin1String("data_offsets"))
                                       .toArray();
        QCOMPARE(offsets.size(), 2);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        for (qint64 o = offsets[0].toInteger(); o < offsets[1].toInteger(); o += 4)
            memcpy(bytes.data() + 8 + headerSize + o, &nan, 4);
        QFile out(model + "/model.safetensors");
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), model, QStringLiteral("--method"),
                      QStringLiteral("rollout"), dir_ + "/input.png", QStringLiteral("-o"),
                      tmp.filePath(QStringLiteral("maps"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("non-finite outputs")), qPrintable(r.err));
    }

    // A model whose processor resizes to a size other than config.json's image_size: refused with the
    // option that accepts it, and accepted with that option.
    void interpolatePosEncodingIsAnOption()
    {
        QTemporaryDir tmp;
        const QString model = tmp.filePath(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(model));
        for (const char* f : {"config.json", "model.safetensors"})
            QVERIFY(QFile::copy(dir_ + "/" + f, model + "/" + f));
        QFile pf(dir_ + "/preprocessor_config.json");
        QVERIFY(pf.open(QIODevice::ReadOnly));
        QJsonObject pre = QJsonDocument::fromJson(pf.readAll()).object();
        pre[QStringLiteral("size")] =
            QJsonObject{{QStringLiteral("height"), 96}, {QStringLiteral("width"), 96}};
        QFile out(model + "/preprocessor_config.json");
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(pre).toJson());
        out.close();
        const QString maps = tmp.filePath(QStringLiteral("maps"));
        const QStringList base{QStringLiteral("explain"),
                               QStringLiteral("--model"),
                               model,
                               QStringLiteral("--method"),
                               QStringLiteral("rollout"),
                               dir_ + "/input.png",
                               QStringLiteral("-o"),
                               maps};
        const LoupeRun refused = runLoupe(base);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("--interpolate-pos-encoding")), qPrintable(refused.err));
        const LoupeRun accepted = runLoupe(base + QStringList{QStringLiteral("--interpolate-pos-encoding")});
        QVERIFY2(accepted.code == 0, qPrintable(accepted.err));
        QVERIFY(QFile::exists(maps + "/input.rollout.npy"));
    }
};

QTEST_GUILESS_MAIN(TestCliExplainBounds)
#include "tst_cli_explain_bounds.moc"
