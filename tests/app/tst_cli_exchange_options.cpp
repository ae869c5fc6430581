// SPDX-License-Identifier: MIT
// `loupe import-annotations` and `loupe export` options through the real binary: re-imports skip
// duplicates, relative paths, --force, --yolo-task, and exports that open in the tools they are for
// (checked with our readers always, and with pycocotools / labelme when Python has them).
#include "common/runloupe.h"
#include "core/store/project.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

QJsonObject lastJsonLine(const QString& text)
{
    const QList<QByteArray> lines = text.toUtf8().trimmed().split('\n');
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.back()).object();
}

int annotationCount(const QString& project)
{
    return lastJsonLine(runLoupe({QStringLiteral("project"), QStringLiteral("info"), project,
                                  QStringLiteral("--json")})
                            .out)
        .value(QStringLiteral("annotations"))
        .toInt();
}

LoupeRun runLoupeIn(const QString& dir, const QStringList& args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral(LOUPE_EXE), args);
    const bool finished = p.waitForFinished(120000);
    return {finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// Runs a Python check; skips (returns false with *why) when Python or the module is missing.
bool python(const QString& module, const QString& script, QString* out, QString* why)
{
    QProcess probe;
    probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import ") + module});
    if (!probe.waitForFinished(60000) || probe.exitCode() != 0) {
        *why = QStringLiteral("python3 with %1 is not installed (pip install %1)").arg(module);
        return false;
    }
    QProcess p;
    p.start(QStringLiteral("python3"), {QStringLiteral("-c"), script});
    p.waitForFinished(120000);
    *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    *why = QString::number(p.exitCode());
    return true;
}

QStringList filesUnder(const QString& dir, const QStringList& patterns)
{
    QStringList files;
    QDirIterator it(dir, patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

} // namespace

class TestCliExchangeOptions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_sample, m_project, m_coco;
    int m_sampleAnnotations = 0;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sample = m_dir.filePath(QStringLiteral("sample"));
        m_project = m_dir.filePath(QStringLiteral("p.loupe"));
        m_coco = QDir(m_sample).filePath(QStringLiteral("annotations.json"));
        QCOMPARE(runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), m_sample,
                           QStringLiteral("--count"), QStringLiteral("4")})
                     .code,
                 0);
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), m_project}).code, 0);
        QCOMPARE(
            runLoupe({QStringLiteral("import"), m_project, QDir(m_sample).filePath(QStringLiteral("images"))})
                .code,
            0);
        const LoupeRun r = runLoupe({QStringLiteral("import-annotations"), m_project,
                                     QStringLiteral("--format"), QStringLiteral("coco"), m_coco});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_sampleAnnotations = annotationCount(m_project);
        QVERIFY(m_sampleAnnotations > 0);
    }

    void reimportSkipsDuplicates()
    {
        // The same file again, by a path relative to the current directory: nothing doubles.
        const LoupeRun r =
            runLoupeIn(m_sample, {QStringLiteral("import-annotations"), m_project, QStringLiteral("--format"),
                                  QStringLiteral("coco"), QStringLiteral("annotations.json")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("%1 duplicates skipped").arg(m_sampleAnnotations)),
                 qPrintable(r.out));
        QCOMPARE(annotationCount(m_project), m_sampleAnnotations);
        // --keep-duplicates imports them anyway (and that import is undone again below).
        const LoupeRun k =
            runLoupe({QStringLiteral("import-annotations"), m_project, QStringLiteral("--format"),
                      QStringLiteral("coco"), m_coco, QStringLiteral("--keep-duplicates")});
        QVERIFY2(k.code == 0, qPrintable(k.err));
        QCOMPARE(annotationCount(m_project), 2 * m_sampleAnnotations);
        QString error;
        auto p = loupe::core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        QVERIFY(p->undo(&error));
        QCOMPARE(p->info().annotations, qint64(m_sampleAnnotations));
    }

    void relativeYoloFolder()
    {
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                           QStringLiteral("yolo"), m_dir.filePath(QStringLiteral("rel/yolo"))})
                     .code,
                 0);
        const QString project = m_dir.filePath(QStringLiteral("rel.loupe"));
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), project}).code, 0);
        QCOMPARE(
            runLoupe({QStringLiteral("import"), project, QDir(m_sample).filePath(QStringLiteral("images"))})
                .code,
            0);
        const LoupeRun r =
            runLoupeIn(m_dir.filePath(QStringLiteral("rel")),
                       {QStringLiteral("import-annotations"), project, QStringLiteral("--format"),
                        QStringLiteral("yolo"), QStringLiteral("yolo")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QCOMPARE(annotationCount(project), m_sampleAnnotations);
    }

    void exportRefusesNonEmptyFolderWithoutForce()
    {
        const QString out = m_dir.filePath(QStringLiteral("busy"));
        QDir().mkpath(out);
        QFile old(QDir(out).filePath(QStringLiteral("old.txt")));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.close();
        const LoupeRun r = runLoupe(
            {QStringLiteral("export"), m_project, QStringLiteral("--format"), QStringLiteral("coco"), out});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("not empty")) && r.err.contains(QStringLiteral("--force")),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(QDir(out).filePath(QStringLiteral("annotations"))));
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                           QStringLiteral("coco"), out, QStringLiteral("--force")})
                     .code,
                 0);
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("annotations/instances_default.json"))));
    }

    void yoloTaskOption()
    {
        const QString out = m_dir.filePath(QStringLiteral("yolo_seg"));
        const LoupeRun r =
            runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"), QStringLiteral("yolo"),
                      out, QStringLiteral("--yolo-task"), QStringLiteral("segment")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile yaml(QDir(out).filePath(QStringLiteral("data.yaml")));
        QVERIFY(yaml.open(QIODevice::ReadOnly));
        QVERIFY(yaml.readAll().contains("task: segment"));
        const LoupeRun bad = runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                                       QStringLiteral("yolo"), m_dir.filePath(QStringLiteral("yolo_bad")),
                                       QStringLiteral("--yolo-task"), QStringLiteral("ellipse")});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains(QStringLiteral("detect, segment, pose, obb")), qPrintable(bad.err));
    }

    void exportsCarryTheirImages_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("imageGlob"); // where the copies must be, relative to OUT
        QTest::newRow("coco") << QStringLiteral("coco") << QStringLiteral("images");
        QTest::newRow("voc") << QStringLiteral("voc") << QStringLiteral("JPEGImages");
        QTest::newRow("cvat") << QStringLiteral("cvat") << QStringLiteral("images");
        QTest::newRow("labelme") << QStringLiteral("labelme") << QString();
        QTest::newRow("yolo") << QStringLiteral("yolo") << QStringLiteral("images");
    }
    void exportsCarryTheirImages()
    {
        QFETCH(QString, format);
        QFETCH(QString, imageGlob);
        const QString out = m_dir.filePath(QStringLiteral("carry_") + format);
        const LoupeRun r =
            runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"), format, out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(filesUnder(QDir(out).filePath(imageGlob), {QStringLiteral("*.png"), QStringLiteral("*.jpg")})
                     .size(),
                 qsizetype(4));
        // Our own reader takes the export back with every annotation.
        const QString project = m_dir.filePath(QStringLiteral("back_") + format + QStringLiteral(".loupe"));
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), project}).code, 0);
        QCOMPARE(
            runLoupe({QStringLiteral("import"), project, QDir(m_sample).filePath(QStringLiteral("images"))})
                .code,
            0);
        const LoupeRun back = runLoupe(
            {QStringLiteral("import-annotations"), project, QStringLiteral("--format"), format,
             format == QLatin1String("cvat") ? QDir(out).filePath(QStringLiteral("annotations.xml")) : out});
        QVERIFY2(back.code == 0, qPrintable(back.err + back.out));
        QVERIFY(annotationCount(project) > 0);
        if (format == QLatin1String("labelme")) {
            // imagePath names a file beside the JSON: what labelme opens.
            for (const QString& json : filesUnder(out, {QStringLiteral("*.json")})) {
                QFile f(json);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString imagePath = QJsonDocument::fromJson(f.readAll())
                                              .object()
                                              .value(QStringLiteral("imagePath"))
                                              .toString();
                QVERIFY2(QFileInfo::exists(QFileInfo(json).dir().filePath(imagePath)), qPrintable(json));
            }
        }
    }

    void explainQualityRefusesAbsurdCocoSizes_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<QString>("message");
        QTest::newRow("10^6 x 10^6")
            << 1000000 << 1000000
            << QStringLiteral("/images/0/width image size 1000000 x 1000000 is beyond the limit");
        // Within the limits, but not the size of the image really there: refused before rasterising.
        QTest::newRow("bigger than the image")
            << 20000 << 10000 << QStringLiteral("it belongs to is 10 x 10");
    }
    void explainQualityRefusesAbsurdCocoSizes()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(QString, message);
        const QString images = m_dir.filePath(QStringLiteral("eq"));
        QDir().mkpath(images);
        QImage img(10, 10, QImage::Format_RGB32);
        img.fill(Qt::gray);
        QVERIFY(img.save(QDir(images).filePath(QStringLiteral("a.png"))));
        const QString coco = m_dir.filePath(QStringLiteral("eq.json"));
        QFile f(coco);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"images": [{"id": 1, "file_name": "a.png", "width": %1, "height": %2}],
 "categories": [{"id": 1, "name": "c"}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [%2, %1], "counts": [%3]}}]})")
                    .arg(width)
                    .arg(height)
                    .arg(qint64(width) * height)
                    .toUtf8());
        f.close();
        const LoupeRun r = runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--images"), images,
                                     QStringLiteral("--coco"), coco});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("eq.json")) && r.err.contains(message), qPrintable(r.err));
    }

    void pycocotoolsOpensCocoExport()
    {
        const QString out = m_dir.filePath(QStringLiteral("carry_coco"));
        if (!QFileInfo::exists(out)) QSKIP("runs after exportsCarryTheirImages(coco)");
        const QString script = QStringLiteral(R"(
import os
from pycocotools.coco import COCO
root = %1
c = COCO(os.path.join(root, 'annotations', 'instances_default.json'))
n = 0
for a in c.loadAnns(c.getAnnIds()):
    img = c.loadImgs(a['image_id'])[0]
    assert os.path.exists(os.path.join(root, 'images', img['file_name'])), img['file_name']
    if a.get('segmentation'):
        m = c.annToMask(a)
        assert m.shape == (img['height'], img['width'])
    n += 1
print('annotations', n)
)")
                                   .arg(QStringLiteral("'") + out + QStringLiteral("'"));
        QString output, why;
        if (!python(QStringLiteral("pycocotools"), script, &output, &why)) QSKIP(qPrintable(why));
        QVERIFY2(why == QLatin1String("0"), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("annotations %1").arg(m_sampleAnnotations)),
                 qPrintable(output));
    }

    void labelmeOpensLabelmeExport()
    {
        const QString out = m_dir.filePath(QStringLiteral("carry_labelme"));
        if (!QFileInfo::exists(out)) QSKIP("runs after exportsCarryTheirImages(labelme)");
        const QString script = QStringLiteral(R"(
import glob, os
try:
    from labelme.label_file import LabelFile  # labelme 5
except ImportError:
    from labelme import LabelFile  # labelme 6
files = glob.glob(os.path.join(%1, '**', '*.json'), recursive=True)
for f in files:
    lf = LabelFile(f)
    assert lf.imageData, f
print('opened', len(files))
)")
                                   .arg(QStringLiteral("'") + out + QStringLiteral("'"));
        QString output, why;
        if (!python(QStringLiteral("labelme"), script, &output, &why)) QSKIP(qPrintable(why));
        QVERIFY2(why == QLatin1String("0"), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("opened 4")), qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestCliExchangeOptions)
#include "tst_cli_exchange_options.moc"
