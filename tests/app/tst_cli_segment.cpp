// SPDX-License-Identifier: MIT
// `loupe segment` end to end on the golden sam_segment case: the masks it writes match transformers'
// post-processed masks (within the case's 0.1% pixel rule) and its IoU scores match; --multimask writes
// every mask, --polygon an outline, --json the summary; bad input fails clearly.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliSegment : public QObject
{
    Q_OBJECT
    QString dir_;
    QTemporaryDir tmp_;

    // Pixels where the PNG at `path` and expected masks.<prompt>[index] disagree.
    int64_t differingPixels(const QString& path, int prompt, int index) const
    {
        const QImage img(path);
        if (img.isNull() || img.width() != 320 || img.height() != 320) return -1;
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const auto* e = static_cast<const uint8_t*>(expected.tensor("masks." + std::to_string(prompt)).data);
        const QImage grey = img.convertToFormat(QImage::Format_Grayscale8);
        int64_t differ = 0;
        for (int y = 0; y < 320; ++y)
            for (int x = 0; x < 320; ++x)
                differ += (grey.pixelColor(x, y).value() > 127) != (e[index * 320 * 320 + y * 320 + x] != 0);
        return differ;
    }

    QJsonObject runJson(const QStringList& args)
    {
        const LoupeRun r = runLoupe(QStringList{QStringLiteral("segment"), QStringLiteral("--model"), dir_,
                                                dir_ + "/input.png", QStringLiteral("--json")} +
                                    args);
        if (r.code != 0) QTest::qFail(qPrintable(r.err), __FILE__, __LINE__);
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        QVERIFY(tmp_.isValid());
    }

    void multimaskMatchesTransformers()
    {
        const QString mask = tmp_.filePath(QStringLiteral("point.png"));
        const QJsonObject j = runJson({QStringLiteral("--point"), QStringLiteral("95,190"),
                                       QStringLiteral("--multimask"), QStringLiteral("-o"), mask});
        QCOMPARE(j.value("image").toString(), dir_ + "/input.png");
        const QJsonArray iou = j.value("iou_scores").toArray(), masks = j.value("masks").toArray();
        QCOMPARE(iou.size(), 3);
        QCOMPARE(masks.size(), 3);
        const double expected[3] = {0.57048, -0.518544, 0.283107}; // case.json outputs.prompts[0]
        for (int i = 0; i < 3; ++i) {
            QVERIFY(std::fabs(iou[i].toDouble() - expected[i]) < 1e-4);
            QCOMPARE(masks[i].toString(), tmp_.filePath(QStringLiteral("point_%1.png").arg(i)));
            const int64_t d = differingPixels(masks[i].toString(), 0, i);
            QVERIFY2(d >= 0 && d <= 102, qPrintable(QString("mask %1: %2 pixels differ").arg(i).arg(d)));
        }
    }

    void bestMaskNegativePointAndBox()
    {
        // Without --multimask: the best-rated mask (index 0 here) at the given path.
        const QString mask = tmp_.filePath(QStringLiteral("best.png"));
        QJsonObject j =
            runJson({QStringLiteral("--point"), QStringLiteral("95,190,1"), QStringLiteral("--point"),
                     QStringLiteral("200,280,0"), QStringLiteral("-o"), mask});
        QCOMPARE(j.value("masks").toArray().size(), 1);
        QVERIFY(std::fabs(j.value("iou_scores").toArray()[0].toDouble() - 0.298129) < 1e-4);
        QVERIFY(differingPixels(mask, 1, 0) <= 102);

        const QString boxMask = tmp_.filePath(QStringLiteral("box.png"));
        const QString polygon = tmp_.filePath(QStringLiteral("box.json"));
        j = runJson({QStringLiteral("--box"), QStringLiteral("10,100,230,260"), QStringLiteral("-o"), boxMask,
                     QStringLiteral("--polygon"), polygon});
        QVERIFY(std::fabs(j.value("iou_scores").toArray()[0].toDouble() - 0.699582) < 1e-4);
        QVERIFY(differingPixels(boxMask, 2, 0) <= 102);
        QFile f(polygon);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject poly = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(poly.value("width").toInt(), 320);
        const QJsonArray pts = poly.value("points").toArray();
        QVERIFY(pts.size() >= 3);
        for (const QJsonValue& p : pts) {
            const double x = p.toArray()[0].toDouble(), y = p.toArray()[1].toDouble();
            QVERIFY(x >= 0 && x <= 320 && y >= 0 && y <= 320);
        }
    }

    void nonSquareImageGivesMaskAtItsSize()
    {
        // A wide image: resized to 128 x 77 (longest edge), padded, and the mask brought back to 200 x 120.
        QImage img(200, 120, QImage::Format_RGB888);
        for (int y = 0; y < 120; ++y)
            for (int x = 0; x < 200; ++x)
                img.setPixelColor(x, y, QColor(x, y * 2, (x + y) % 256));
        const QString input = tmp_.filePath(QStringLiteral("wide.png"));
        QVERIFY(img.save(input));
        const QString mask = tmp_.filePath(QStringLiteral("wide_mask.png"));
        const LoupeRun r =
            runLoupe({QStringLiteral("segment"), QStringLiteral("--model"), dir_, input,
                      QStringLiteral("--point"), QStringLiteral("199,119"), QStringLiteral("-o"), mask});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QImage out(mask);
        QCOMPARE(out.size(), QSize(200, 120));
        QCOMPARE(out.format() == QImage::Format_Grayscale8 || out.isGrayscale(), true);
    }

    void badInputFailsClearly_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("code");
        const QString g = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        const QString out = QStringLiteral("/nonexistent-dir-for-loupe/x.png");
        QTest::newRow("point outside")
            << QStringList{"--model", g, g + "/input.png", "--point", "400,10", "-o", out}
            << "lies outside the 320x320 image" << 1;
        QTest::newRow("bad label") << QStringList{"--model", g,  g + "/input.png", "--point", "4,10,2",
                                                  "-o",      out}
                                   << "label must be 1" << 1;
        QTest::newRow("inverted box")
            << QStringList{"--model", g, g + "/input.png", "--box", "50,50,10,10", "-o", out}
            << "is not a box inside" << 1;
        QTest::newRow("missing image")
            << QStringList{"--model", g, g + "/nope.png", "--point", "4,4", "-o", out} << "nope.png" << 1;
        QTest::newRow("wrong architecture")
            << QStringList{"--model",
                           loupe::test::goldenDir(QStringLiteral("vit_classify")),
                           g + "/input.png",
                           "--point",
                           "4,4",
                           "-o",
                           out}
            << "is not a Segment Anything model" << 1;
        QTest::newRow("unwritable output")
            << QStringList{"--model", g, g + "/input.png", "--point", "4,4", "-o", out}
            << "cannot write the mask" << 1;
        QTest::newRow("no prompt") << QStringList{"--model", g, g + "/input.png", "-o", out}
                                   << "give at least one --point or --box" << 2;
    }
    void badInputFailsClearly()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QFETCH(int, code);
        const LoupeRun r = runLoupe(QStringList{QStringLiteral("segment")} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliSegment)
#include "tst_cli_segment.moc"
