// SPDX-License-Identifier: MIT
// `loupe export --format kitti` and `loupe import-annotations --format kitti` through the real binary,
// the KITTI plugin loaded from the build tree: a project whose images sit in folders (two of them with
// the same file name) goes out as KITTI's flat label_2/ and image_2/ and comes back onto the same
// images. --help lists the formats the plugins add, and an unknown one is refused naming the choices.
#include "common/runloupe.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

const QStringList kImages{QStringLiteral("day1/000001.png"), QStringLiteral("day2/000001.png"),
                          QStringLiteral("night/cam0/7.png")};

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing " + path.toUtf8() + ">");
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// COCO annotations for kImages: image i has i + 1 boxes, two labels in all.
QByteArray cocoFor(const QStringList& images)
{
    QJsonArray imgs, anns;
    int annId = 1;
    for (int i = 0; i < images.size(); ++i) {
        imgs.append(QJsonObject{{QStringLiteral("id"), i + 1},
                                {QStringLiteral("file_name"), images[i]},
                                {QStringLiteral("width"), 80},
                                {QStringLiteral("height"), 60}});
        for (int k = 0; k <= i; ++k)
            anns.append(QJsonObject{{QStringLiteral("id"), annId++},
                                    {QStringLiteral("image_id"), i + 1},
                                    {QStringLiteral("category_id"), 1 + (k % 2)},
                                    {QStringLiteral("bbox"), QJsonArray{2 + 10 * k, 3 + i, 12, 20}},
                                    {QStringLiteral("area"), 240},
                                    {QStringLiteral("iscrowd"), 0}});
    }
    const QJsonArray cats{
        QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("name"), QStringLiteral("Car")}},
        QJsonObject{{QStringLiteral("id"), 2}, {QStringLiteral("name"), QStringLiteral("Van")}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("images"), imgs},
                                     {QStringLiteral("annotations"), anns},
                                     {QStringLiteral("categories"), cats}})
        .toJson();
}

int annotationCount(const QString& project)
{
    const LoupeRun r =
        runLoupe({QStringLiteral("project"), QStringLiteral("info"), project, QStringLiteral("--json")});
    const QList<QByteArray> lines = r.out.toUtf8().trimmed().split('\n');
    return QJsonDocument::fromJson(lines.back()).object().value(QStringLiteral("annotations")).toInt(-1);
}

} // namespace

class TestExchangeCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir, m_home;

    QString path(const QString& rel) const { return m_dir.filePath(rel); }

    // A project beside the images, holding them all; their paths in it are kImages.
    void makeProject(const QString& name)
    {
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), path(name)}).code, 0);
        QStringList args{QStringLiteral("import"), path(name)};
        for (const QString& image : kImages)
            args << path(image);
        const LoupeRun r = runLoupe(args);
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

private slots:
    void initTestCase()
    {
        // The plugins of this build, and no user's.
        qputenv("LOUPE_PLUGIN_PATH", LOUPE_PLUGIN_BUILD_DIR);
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());
        for (int i = 0; i < kImages.size(); ++i) {
            QImage pixels(80, 60, QImage::Format_RGB888);
            pixels.fill(QColor(40 * i, 90, 200 - 40 * i)); // different content: the project keeps each once
            QVERIFY(QDir().mkpath(QFileInfo(path(kImages[i])).absolutePath()));
            QVERIFY(pixels.save(path(kImages[i])));
        }
        makeProject(QStringLiteral("from.loupe"));
        QVERIFY(writeFile(path(QStringLiteral("boxes.json")), cocoFor(kImages)));
        const LoupeRun r = runLoupe({QStringLiteral("import-annotations"), path(QStringLiteral("from.loupe")),
                                     QStringLiteral("--format"), QStringLiteral("coco"),
                                     path(QStringLiteral("boxes.json"))});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QCOMPARE(annotationCount(path(QStringLiteral("from.loupe"))), 6);
    }

    void helpListsThePluginFormats()
    {
        for (const QString& command : {QStringLiteral("export"), QStringLiteral("import-annotations")}) {
            const LoupeRun r = runLoupe({command, QStringLiteral("--help")});
            QCOMPARE(r.code, 0);
            QVERIFY2(r.out.contains(QStringLiteral("coco")), qPrintable(r.out));
            QVERIFY2(
                r.out.contains(QRegularExpression(QStringLiteral("kitti +KITTI object labels \\(plugin .*"
                                                                 "libloupe_kitti\\.so\\)"))),
                qPrintable(r.out));
        }
    }

    void anUnknownFormatIsRefusedWithTheChoices()
    {
        const LoupeRun r =
            runLoupe({QStringLiteral("export"), path(QStringLiteral("from.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kiti"), path(QStringLiteral("never"))});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("unknown format 'kiti'")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("coco, yolo, voc, labelme, cvat")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("kitti")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("never"))));
    }

    void kittiRoundTripsNestedImages()
    {
        const QString out = path(QStringLiteral("kitti"));
        LoupeRun r =
            runLoupe({QStringLiteral("export"), path(QStringLiteral("from.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kitti"), out, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        // KITTI's flat layout, one frame per image, folders kept in the frame name.
        const QStringList frames{QStringLiteral("day1%2F000001"), QStringLiteral("day2%2F000001"),
                                 QStringLiteral("night%2Fcam0%2F7")};
        QCOMPARE(QDir(out + QStringLiteral("/label_2"))
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList{frames[0] + QStringLiteral(".txt"), frames[1] + QStringLiteral(".txt"),
                              frames[2] + QStringLiteral(".txt")}));
        QCOMPARE(QDir(out + QStringLiteral("/image_2"))
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList{frames[0] + QStringLiteral(".png"), frames[1] + QStringLiteral(".png"),
                              frames[2] + QStringLiteral(".png")}));
        QCOMPARE(readFile(out + QStringLiteral("/label_2/night%2Fcam0%2F7.txt")).count('\n'), 3);

        // A second project on the same images takes the boxes back, each onto its own image.
        makeProject(QStringLiteral("to.loupe"));
        r = runLoupe({QStringLiteral("import-annotations"), path(QStringLiteral("to.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kitti"), out, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QCOMPARE(annotationCount(path(QStringLiteral("to.loupe"))), 6);
        const QString again = path(QStringLiteral("kitti-again"));
        r = runLoupe({QStringLiteral("export"), path(QStringLiteral("to.loupe")), QStringLiteral("--format"),
                      QStringLiteral("kitti"), again, QStringLiteral("--no-copy-images")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        for (const QString& frame : frames) {
            const QString label = QStringLiteral("/label_2/") + frame + QStringLiteral(".txt");
            QCOMPARE(readFile(again + label), readFile(out + label));
        }

        // Importing the same labels again adds nothing: the checks of the built-in formats hold.
        r = runLoupe({QStringLiteral("import-annotations"), path(QStringLiteral("to.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kitti"), out});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("6 duplicates skipped")), qPrintable(r.out));
        QCOMPARE(annotationCount(path(QStringLiteral("to.loupe"))), 6);
    }

    void labelsWithoutImagesTakeTheProjectsSizes()
    {
        // An export without its images (--no-copy-images) has no image_2/ to size them by.
        const QString labels = path(QStringLiteral("labels-only"));
        const LoupeRun out = runLoupe({QStringLiteral("export"), path(QStringLiteral("from.loupe")),
                                       QStringLiteral("--format"), QStringLiteral("kitti"), labels,
                                       QStringLiteral("--no-copy-images")});
        QVERIFY2(out.code == 0, qPrintable(out.err + out.out));
        QVERIFY(!QFileInfo::exists(labels + QStringLiteral("/image_2")));
        makeProject(QStringLiteral("labels.loupe"));
        const LoupeRun r =
            runLoupe({QStringLiteral("import-annotations"), path(QStringLiteral("labels.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kitti"), labels});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QCOMPARE(annotationCount(path(QStringLiteral("labels.loupe"))), 6);
    }

    void aBadLabelFileChangesNothingAndIsNamed()
    {
        const QString bad = path(QStringLiteral("bad/label_2"));
        QVERIFY(QDir().mkpath(bad));
        QVERIFY(writeFile(bad + QStringLiteral("/day1%2F000001.txt"), "Car 0 0 0 1 2 x 4 1 1 1 0 0 0 0\n"));
        makeProject(QStringLiteral("bad.loupe"));
        const LoupeRun r =
            runLoupe({QStringLiteral("import-annotations"), path(QStringLiteral("bad.loupe")),
                      QStringLiteral("--format"), QStringLiteral("kitti"), path(QStringLiteral("bad"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(bad + QStringLiteral("/day1%2F000001.txt")), qPrintable(r.err));
        QCOMPARE(annotationCount(path(QStringLiteral("bad.loupe"))), 0);
    }
};

QTEST_GUILESS_MAIN(TestExchangeCli)
#include "tst_exchange_cli.moc"
