// SPDX-License-Identifier: MIT
// `loupe import-annotations` and `loupe export` through the real binary on a shapes-world sample.
#include "common/runloupe.h"
#include "core/store/project.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

QJsonObject projectInfo(const QString& project)
{
    return lastJsonLine(
        runLoupe({QStringLiteral("project"), QStringLiteral("info"), project, QStringLiteral("--json")}).out);
}

int cocoAnnotationCount(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    return int(
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("annotations")).toArray().size());
}

} // namespace

class TestCliExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_sample, m_project;
    int m_sampleAnnotations = 0;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sample = m_dir.filePath(QStringLiteral("sample"));
        m_project = m_dir.filePath(QStringLiteral("p.loupe"));
        QCOMPARE(runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), m_sample,
                           QStringLiteral("--count"), QStringLiteral("5")})
                     .code,
                 0);
        m_sampleAnnotations =
            cocoAnnotationCount(QDir(m_sample).filePath(QStringLiteral("annotations.json")));
        QVERIFY(m_sampleAnnotations > 0);
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), m_project}).code, 0);
        QCOMPARE(
            runLoupe({QStringLiteral("import"), m_project, QDir(m_sample).filePath(QStringLiteral("images"))})
                .code,
            0);
        QCOMPARE(projectInfo(m_project).value(QStringLiteral("assets")).toInt(), 5);
    }

    void malformedJsonChangesNothing()
    {
        const QString bad = m_dir.filePath(QStringLiteral("broken.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"images\": [{\"id\": 1, \"file_name\": ");
        f.close();
        const LoupeRun r = runLoupe({QStringLiteral("import-annotations"), m_project,
                                     QStringLiteral("--format"), QStringLiteral("coco"), bad});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("broken.json"), qPrintable(r.err));
        const QJsonObject info = projectInfo(m_project);
        QCOMPARE(info.value(QStringLiteral("annotations")).toInt(), 0);
        QCOMPARE(info.value(QStringLiteral("labels")).toInt(), 0);
    }

    void usageErrors()
    {
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                           QStringLiteral("bmp"), m_dir.filePath(QStringLiteral("x"))})
                     .code,
                 2);
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project}).code, 2);
        QCOMPARE(runLoupe({QStringLiteral("import-annotations"), m_project, QStringLiteral("x.json")}).code,
                 2);
        QCOMPARE(runLoupe({QStringLiteral("import-annotations"), m_project, QStringLiteral("--bogus")}).code,
                 2);
    }

    void importCoco()
    {
        const LoupeRun r =
            runLoupe({QStringLiteral("import-annotations"), m_project, QStringLiteral("--format"),
                      QStringLiteral("coco"), QDir(m_sample).filePath(QStringLiteral("annotations.json")),
                      QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = lastJsonLine(r.out);
        QCOMPARE(report.value(QStringLiteral("images")).toInt(), 5);
        qsizetype counted = 0;
        const QJsonObject counts = report.value(QStringLiteral("counts")).toObject();
        for (auto it = counts.begin(); it != counts.end(); ++it)
            counted += it.value().toInt();
        QCOMPARE(counted, qsizetype(m_sampleAnnotations));

        const QJsonObject info = projectInfo(m_project);
        QCOMPARE(info.value(QStringLiteral("annotations")).toInt(), m_sampleAnnotations);
        QVERIFY(info.value(QStringLiteral("labels")).toInt() > 0);
        QVERIFY(info.value(QStringLiteral("can_undo")).toBool());

        // One import is one undo step: undoing it removes every shape and the labels it created.
        QString error;
        auto p = loupe::core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        QVERIFY(p->undoText().contains(QStringLiteral("Import")));
        QVERIFY(p->undo(&error));
        QCOMPARE(p->info().annotations, 0);
        QCOMPARE(p->info().labels, 0);
        QVERIFY(p->redo(&error));
        QCOMPARE(p->info().annotations, qint64(m_sampleAnnotations));
    }

    void exportYolo()
    {
        const QString out = m_dir.filePath(QStringLiteral("yolo"));
        const LoupeRun r = runLoupe(
            {QStringLiteral("export"), m_project, QStringLiteral("--format"), QStringLiteral("yolo"), out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("data.yaml"))));
        QDirIterator it(out, {QStringLiteral("*.txt")}, QDir::Files, QDirIterator::Subdirectories);
        int txt = 0, lines = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            lines += int(f.readAll().trimmed().split('\n').size());
            ++txt;
        }
        QCOMPARE(txt, 5);
        QCOMPARE(lines, m_sampleAnnotations);
    }

    void unmatchedImagesAreReported()
    {
        // A copy of the sample's COCO file with one image renamed to a file the project does not have.
        QFile in(QDir(m_sample).filePath(QStringLiteral("annotations.json")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QJsonObject coco = QJsonDocument::fromJson(in.readAll()).object();
        QJsonArray images = coco.value(QStringLiteral("images")).toArray();
        QJsonObject first = images[0].toObject();
        first[QStringLiteral("file_name")] = QStringLiteral("images/not_in_project.png");
        images[0] = first;
        coco[QStringLiteral("images")] = images;
        const QString edited = m_dir.filePath(QStringLiteral("unmatched.json"));
        QFile out(edited);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(coco).toJson());
        out.close();

        const QString project = m_dir.filePath(QStringLiteral("unmatched.loupe"));
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), project}).code, 0);
        QCOMPARE(
            runLoupe({QStringLiteral("import"), project, QDir(m_sample).filePath(QStringLiteral("images"))})
                .code,
            0);
        const LoupeRun r =
            runLoupe({QStringLiteral("import-annotations"), project, QStringLiteral("--format"),
                      QStringLiteral("coco"), edited, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = lastJsonLine(r.out);
        bool named = false;
        for (const QJsonValue& w : report.value(QStringLiteral("warnings")).toArray())
            named = named || w.toObject()
                                 .value(QStringLiteral("place"))
                                 .toString()
                                 .contains(QStringLiteral("not_in_project.png"));
        QVERIFY2(named, qPrintable(r.out));
        const int imported = projectInfo(project).value(QStringLiteral("annotations")).toInt();
        QVERIFY(imported > 0);
        QVERIFY(imported < m_sampleAnnotations);
    }

    void exportCocoWithLabelFilter()
    {
        QString error;
        QString first;
        {
            auto p = loupe::core::Project::open(m_project, &error);
            QVERIFY2(p, qPrintable(error));
            QVERIFY(!p->labels().isEmpty());
            first = p->labels().front().name;
        }
        const QString all = m_dir.filePath(QStringLiteral("coco_all"));
        const QString some = m_dir.filePath(QStringLiteral("coco_some"));
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                           QStringLiteral("coco"), all})
                     .code,
                 0);
        QCOMPARE(runLoupe({QStringLiteral("export"), m_project, QStringLiteral("--format"),
                           QStringLiteral("coco"), some, QStringLiteral("--labels"), first})
                     .code,
                 0);
        auto findJson = [](const QString& dir) {
            QDirIterator it(dir, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
            return it.hasNext() ? it.next() : QString();
        };
        const int allCount = cocoAnnotationCount(findJson(all));
        const int someCount = cocoAnnotationCount(findJson(some));
        QCOMPARE(allCount, m_sampleAnnotations);
        QVERIFY(someCount > 0);
        QVERIFY(someCount < allCount);
    }
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "tst_cli_export.moc"
