// SPDX-License-Identifier: MIT
// `loupe import` through the real binary, including a SIGKILL in the middle of a large import.
#include "common/runloupe.h"
#include "core/import/importjob.h"
#include "core/store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

// Tiny distinct PNGs: pixel values spell the index, so every file has its own hash.
void writeImages(const QString& dir, int count)
{
    QDir().mkpath(dir);
    QImage img(4, 4, QImage::Format_RGB32);
    for (int i = 0; i < count; ++i) {
        img.fill(qRgb(i & 255, (i >> 8) & 255, 17));
        img.setPixel(0, 0, qRgb(i % 7, i % 11, i % 13));
        img.save(QDir(dir).filePath(QStringLiteral("img_%1.png").arg(i, 5, 10, QLatin1Char('0'))));
    }
}

QString createProject(const QTemporaryDir& d)
{
    const QString path = QDir(d.path()).filePath(QStringLiteral("p.loupe"));
    QString error;
    auto p = Project::create(path, &error);
    return p ? path : QString();
}

} // namespace

class TestCliImport : public QObject
{
    Q_OBJECT
private slots:
    void importsAndReportsJson()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString in = QDir(d.path()).filePath(QStringLiteral("in dir"));
        writeImages(in, 5);
        QFile::copy(QDir(in).filePath(QStringLiteral("img_00000.png")),
                    QDir(in).filePath(QStringLiteral("copy.png")));
        QFile bad(QDir(in).filePath(QStringLiteral("bad.jpg")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("definitely not a jpeg");
        bad.close();

        const LoupeRun r = runLoupe({QStringLiteral("import"), project, in, QStringLiteral("--json")});
        QCOMPARE(r.code, 1); // one file failed, the others were imported
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("total")].toInt(), 7);
        QCOMPARE(o[QStringLiteral("added")].toInt(), 5);
        QCOMPARE(o[QStringLiteral("duplicates")].toInt(), 1);
        const QJsonArray failed = o[QStringLiteral("failed")].toArray();
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed[0].toObject()[QStringLiteral("path")].toString().endsWith(QStringLiteral("bad.jpg")));
        QVERIFY(
            failed[0].toObject()[QStringLiteral("reason")].toString().contains(QStringLiteral("bad.jpg: ")));

        // Again, without the bad file: everything is a duplicate and the exit code is 0.
        QVERIFY(bad.remove());
        const LoupeRun again = runLoupe({QStringLiteral("import"), project, in});
        QCOMPARE(again.code, 0);
        QVERIFY2(again.out.contains("added 0, duplicates 6, failed 0"), qPrintable(again.out));
        QString error;
        auto p = Project::open(project, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->countAssets({}), qint64(5));
    }

    void usageAndErrors()
    {
        QTemporaryDir d;
        QCOMPARE(runLoupe({QStringLiteral("import")}).code, 2);
        QCOMPARE(runLoupe({QStringLiteral("import"), QStringLiteral("only-project.loupe")}).code, 2);
        const LoupeRun help = runLoupe({QStringLiteral("import"), QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains("PROJECT"));
        // The usage line names the command (QCommandLineParser alone printed "loupe [options]").
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: loupe import [options] PROJECT PATH...\n")),
                 qPrintable(help.out.section(QLatin1Char('\n'), 0, 0)));
        const QString missing = QDir(d.path()).filePath(QStringLiteral("missing.loupe"));
        const LoupeRun r = runLoupe({QStringLiteral("import"), missing, d.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("missing.loupe"), qPrintable(r.err));
        QVERIFY(!QFile::exists(missing));
    }

    // A 40 GB file named .tif among good images used to abort the whole import (every file was read
    // whole into memory): now it is one failed file with a reason and the others are imported.
    void hugeFileAmongImagesIsOneFailure()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString in = QDir(d.path()).filePath(QStringLiteral("in"));
        writeImages(in, 3);
        QFile huge(QDir(in).filePath(QStringLiteral("scan.tif")));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(qint64(8) << 30)); // sparse: no disk used
        huge.close();
        const LoupeRun r = runLoupe({QStringLiteral("import"), QStringLiteral("--json"), project, in});
        QCOMPARE(r.code, 1); // some files failed, the others were imported
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("added")).toInt(), 3);
        const QJsonArray failed = o.value(QLatin1String("failed")).toArray();
        QCOMPARE(failed.size(), 1);
        const QString reason = failed[0].toObject().value(QLatin1String("reason")).toString();
        QVERIFY2(reason.startsWith(huge.fileName() + QStringLiteral(": not a supported image")),
                 qPrintable(reason));
    }

    // A child killed with SIGKILL mid-import leaves a project that opens, passes quick_check, and holds
    // every batch either fully or not at all.
    void sigkillLeavesWholeBatches()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString in = QDir(d.path()).filePath(QStringLiteral("many"));
        const int total = 3000;
        writeImages(in, total);

        QProcess p;
        p.start(QStringLiteral(LOUPE_EXE), {QStringLiteral("import"), project, in});
        QVERIFY(p.waitForStarted());
        // Not a terminal, so the CLI prints "imported DONE/TOTAL" after each committed batch.
        static const QRegularExpression line(QStringLiteral("imported (\\d+)/(\\d+)"));
        QByteArray err;
        int committed = 0;
        QElapsedTimer timer;
        timer.start();
        while (committed == 0 && p.state() == QProcess::Running && timer.elapsed() < 30000) {
            p.waitForReadyRead(100);
            err += p.readAllStandardError();
            auto it = line.globalMatch(QString::fromUtf8(err));
            while (it.hasNext())
                committed = std::max(committed, it.next().captured(1).toInt());
        }
        const bool killedMidway = p.state() == QProcess::Running;
        if (killedMidway) p.kill(); // SIGKILL on Unix
        p.waitForFinished(10000);
        QVERIFY2(committed > 0, err.constData());

        QString error;
        auto opened = Project::open(project, &error);
        QVERIFY2(opened, qPrintable(error));
        QCOMPARE(opened->info().integrity, QStringLiteral("ok"));
        const qint64 n = opened->countAssets({});
        QVERIFY(n >= committed - (committed % kImportBatchSize) || n == total);
        QVERIFY2(n % kImportBatchSize == 0 || n == total, qPrintable(QString::number(n)));
        if (killedMidway)
            qInfo() << "killed after" << committed << "reported; project holds" << n << "of" << total;
        // The interrupted import can be finished: the rest arrive, nothing is duplicated.
        opened.reset();
        const LoupeRun rest = runLoupe({QStringLiteral("import"), project, in, QStringLiteral("--json")});
        QCOMPARE(rest.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(rest.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("added")].toInt(), total - int(n));
        QCOMPARE(o[QStringLiteral("duplicates")].toInt(), int(n));
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "tst_cli_import.moc"
