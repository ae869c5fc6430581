// SPDX-License-Identifier: MIT
// `loupe import PROJECT VIDEO [--every N]` through the real binary, including a SIGKILL midway.
#include "common/runloupe.h"
#include "core/import/videoimport.h"
#include "core/import/videotestclip.h"
#include "core/store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
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

QString createProject(const QTemporaryDir& d)
{
    const QString path = QDir(d.path()).filePath(QStringLiteral("p.loupe"));
    QString error;
    auto p = Project::create(path, &error);
    return p ? path : QString();
}

QList<qint64> frameNumbers(const QString& project, const QString& sequence)
{
    QString error;
    auto p = Project::open(project, &error);
    QList<qint64> out;
    if (!p) return out;
    for (const SequenceFrame& f : p->sequenceFrames(SequenceKey{sequence, {}}))
        out << (f.frame ? *f.frame : -1);
    return out;
}

QList<qint64> range(qint64 from, qint64 to, qint64 step = 1)
{
    QList<qint64> out;
    for (qint64 i = from; i < to; i += step)
        out << i;
    return out;
}

} // namespace

class TestCliImportVideo : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!hasVideoSupport()) QSKIP("this build has no video support (OpenCV videoio)");
    }

    void everyNthFrameAsJson()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString clip = QDir(d.path()).filePath(QStringLiteral("walk.avi"));
        QString error;
        QVERIFY2(writeTestVideo(clip, 10, QSize(32, 24), 25, &error), qPrintable(error));
        const LoupeRun r = runLoupe({QStringLiteral("import"), project, clip, QStringLiteral("--every"),
                                     QStringLiteral("3"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("added")].toInt(), 4);
        QCOMPARE(frameNumbers(project, QStringLiteral("walk")), (QList<qint64>{0, 3, 6, 9}));
        QVERIFY(QFile::exists(QDir(d.path()).filePath(QStringLiteral("frames/walk/frame_000009.png"))));
    }

    void usageAndBadVideos()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString junk = QDir(d.path()).filePath(QStringLiteral("junk.mov"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(1000, '\x01'));
        f.close();
        for (const char* bad : {"0", "-2", "x"}) {
            const LoupeRun r = runLoupe(
                {QStringLiteral("import"), project, junk, QStringLiteral("--every"), QLatin1String(bad)});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(QLatin1String("--every")), qPrintable(r.err));
        }
        const LoupeRun r = runLoupe({QStringLiteral("import"), project, junk});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(junk + QStringLiteral(": not a video")), qPrintable(r.err));
        const LoupeRun help = runLoupe({QStringLiteral("import"), QStringLiteral("--help")});
        QVERIFY(help.out.contains(QLatin1String("--every")));
    }

    // Killed with SIGKILL after its first committed batch, the import leaves whole batches of frames;
    // run again it adds exactly the missing frames.
    void sigkillThenResume()
    {
        QTemporaryDir d;
        const QString project = createProject(d);
        QVERIFY(!project.isEmpty());
        const QString clip = QDir(d.path()).filePath(QStringLiteral("long.avi"));
        const int total = 300;
        QString error;
        QVERIFY2(writeTestVideo(clip, total, QSize(96, 64), 25, &error), qPrintable(error));

        QProcess p;
        p.start(QStringLiteral(LOUPE_EXE), {QStringLiteral("import"), project, clip});
        QVERIFY(p.waitForStarted());
        static const QRegularExpression line(QStringLiteral("imported (\\d+)/(\\d+)"));
        QByteArray err;
        int committed = 0;
        QElapsedTimer timer;
        timer.start();
        while (committed == 0 && p.state() == QProcess::Running && timer.elapsed() < 30000) {
            p.waitForReadyRead(50);
            err += p.readAllStandardError();
            auto it = line.globalMatch(QString::fromUtf8(err));
            while (it.hasNext())
                committed = std::max(committed, it.next().captured(1).toInt());
        }
        const bool killedMidway = p.state() == QProcess::Running;
        if (killedMidway) p.kill();
        p.waitForFinished(10000);
        QVERIFY2(committed > 0, err.constData());

        const QList<qint64> kept = frameNumbers(project, QStringLiteral("long"));
        const int n = int(kept.size());
        QCOMPARE(kept, range(0, n));
        QVERIFY2(n % kVideoBatchSize == 0 || n == total, qPrintable(QString::number(n)));
        if (killedMidway)
            qInfo() << "killed after" << committed << "reported; project holds" << n << "of" << total;

        const LoupeRun rest = runLoupe({QStringLiteral("import"), project, clip, QStringLiteral("--json")});
        QCOMPARE(rest.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(rest.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("added")].toInt(), total - n);
        QCOMPARE(o[QStringLiteral("duplicates")].toInt(), n);
        QCOMPARE(frameNumbers(project, QStringLiteral("long")), range(0, total));
        QString openError;
        auto opened = Project::open(project, &openError);
        QVERIFY2(opened, qPrintable(openError));
        QCOMPARE(opened->info().integrity, QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestCliImportVideo)
#include "tst_cli_import_video.moc"
