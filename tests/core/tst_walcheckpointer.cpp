// SPDX-License-Identifier: MIT
// The WAL checkpointer: an attached connection stops checkpointing on commit, the worker moves the WAL
// into the main file (past a page threshold, after idle time, on request) and empties it when it
// stops, and nothing committed is lost across closing and reopening.
#include "core/store/database.h"
#include "core/store/project.h"
#include "core/store/walcheckpointer.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>
#include <sqlite3.h>

using namespace loupe::core;

namespace {

// `count` assets with a padded metadata blob, so each batch fills many WAL pages.
bool addAssets(Project& project, int first, int count)
{
    QVector<AssetRecord> batch;
    for (int i = first; i < first + count; ++i) {
        AssetRecord r;
        r.absolutePath = QStringLiteral("/images/a%1.png").arg(i);
        r.sha256Hex = QString::number(i).rightJustified(64, QLatin1Char('0'));
        r.width = r.height = 8;
        r.format = QStringLiteral("png");
        r.metadata.insert(QStringLiteral("pad"), QString(1500, QLatin1Char('x')));
        batch << r;
    }
    QString error;
    const auto added = project.addAssets(batch, &error);
    return added && added->added == count;
}

int pragma(Database& db, const char* name)
{
    Statement s = db.prepare(QStringLiteral("PRAGMA %1").arg(QLatin1String(name)));
    return s.step() ? int(s.columnInt64(0)) : -1;
}

// The assets the main file alone holds: immutable=1 reads no WAL.
qint64 assetsInMainFile(const QString& path)
{
    Database db;
    if (!db.open(QUrl::fromLocalFile(path).toString() + QStringLiteral("?mode=ro&immutable=1"),
                 SQLITE_OPEN_READONLY))
        return -1;
    Statement s = db.prepare(QStringLiteral("SELECT COUNT(*) FROM assets"));
    return s.step() ? s.columnInt64(0) : -1;
}

qint64 walSize(const QString& path)
{
    return QFileInfo(path + QStringLiteral("-wal")).size();
}

} // namespace

class TestWalCheckpointer : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    std::unique_ptr<Project> create(const QString& name)
    {
        QString error;
        auto p = Project::create(m_tmp.filePath(name), &error);
        if (!p) qWarning() << error;
        return p;
    }

private slots:
    void attachedConnectionNoLongerCheckpointsOnCommit()
    {
        auto project = create(QStringLiteral("attach.loupe"));
        QVERIFY(project);
        QCOMPARE(pragma(project->db(), "wal_autocheckpoint"), 1000);
        QVERIFY(project->db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"))); // the schema
        QCOMPARE(assetsInMainFile(project->path()), qint64(0));
        WalCheckpointer::Options o;
        o.walPages = 1000000; // never by size,
        o.idleMs = 1000000;   // never by idle time: only what the test asks for
        WalCheckpointer checkpointer(project->path(), o);
        checkpointer.attach(project->db());
        QCOMPARE(pragma(project->db(), "wal_autocheckpoint"), 0);
        // Far past SQLite's own 1000-page threshold, and the WAL still holds every page.
        for (int i = 0; i < 12; ++i)
            QVERIFY(addAssets(*project, i * 300, 300));
        QVERIFY2(walSize(project->path()) > 1000 * 4096,
                 qPrintable(QString::number(walSize(project->path()))));
        QCOMPARE(assetsInMainFile(project->path()), qint64(0));
        QCOMPARE(checkpointer.completedCheckpoints(), 0);
        checkpointer.stop();
        QCOMPARE(pragma(project->db(), "wal_autocheckpoint"), 1000);
        QCOMPARE(assetsInMainFile(project->path()), qint64(3600));
    }

    void walPastTheThresholdIsCheckpointedByTheWorker()
    {
        auto project = create(QStringLiteral("threshold.loupe"));
        QVERIFY(project);
        WalCheckpointer::Options o;
        o.walPages = 200;
        o.idleMs = 1000000;
        WalCheckpointer checkpointer(project->path(), o);
        QSignalSpy spy(&checkpointer, &WalCheckpointer::checkpointed);
        checkpointer.attach(project->db());
        QThread* worker = nullptr;
        connect(
            &checkpointer, &WalCheckpointer::checkpointed, this, [&] { worker = QThread::currentThread(); },
            Qt::DirectConnection);
        for (int i = 0; i < 10; ++i)
            QVERIFY(addAssets(*project, i * 100, 100));
        QTRY_VERIFY_WITH_TIMEOUT(checkpointer.completedCheckpoints() > 0, 10000);
        QVERIFY(worker && worker != QThread::currentThread());
        QVERIFY(!spy.isEmpty());
        QCOMPARE(spy.last().at(0).value<WalCheckpointer::Mode>(), WalCheckpointer::Mode::Passive);
        QVERIFY(spy.last().at(1).toInt() > 0);
        QCOMPARE(spy.last().at(2).toInt(), spy.last().at(1).toInt());
        // What the worker moved is in the main file without the WAL (read again should a later
        // checkpoint be writing the file at that moment).
        // One good read is the proof; QTRY would re-evaluate after a success and could catch the
        // worker's next checkpoint mid-write.
        QDeadlineTimer deadline(30000);
        bool seen = false;
        while (!seen && !deadline.hasExpired()) {
            seen = assetsInMainFile(project->path()) > 0;
            if (!seen) QTest::qWait(50);
        }
        QVERIFY(seen);
    }

    void idleProjectIsCheckpointed()
    {
        auto project = create(QStringLiteral("idle.loupe"));
        QVERIFY(project);
        WalCheckpointer::Options o;
        o.walPages = 1000000;
        o.idleMs = 200;
        o.pollMs = 20;
        WalCheckpointer checkpointer(project->path(), o);
        checkpointer.attach(project->db());
        QTest::qWait(100); // the worker has its connection before the edit
        QVERIFY(addAssets(*project, 0, 3));
        QTRY_VERIFY_WITH_TIMEOUT(checkpointer.completedCheckpoints() > 0, 10000);
        QCOMPARE(assetsInMainFile(project->path()), qint64(3));
    }

    void requestedCheckpointAnswersOnTheCallersThread()
    {
        auto project = create(QStringLiteral("request.loupe"));
        QVERIFY(project);
        WalCheckpointer::Options o;
        o.walPages = o.idleMs = 1000000;
        WalCheckpointer checkpointer(project->path(), o);
        checkpointer.attach(project->db());
        QVERIFY(addAssets(*project, 0, 50));
        QVERIFY(walSize(project->path()) > 0);
        bool called = false, ok = false;
        QThread* thread = nullptr;
        checkpointer.checkpoint(WalCheckpointer::Mode::Truncate, this,
                                [&](bool success, const QString& error) {
                                    called = true;
                                    ok = success;
                                    thread = QThread::currentThread();
                                    QVERIFY2(success, qPrintable(error));
                                });
        QVERIFY(!called); // never synchronous: the caller's thread goes on meanwhile
        QTRY_VERIFY(called);
        QVERIFY(ok);
        QCOMPARE(thread, QThread::currentThread());
        QCOMPARE(walSize(project->path()), qint64(0));
        QCOMPARE(assetsInMainFile(project->path()), qint64(50));
    }

    void aReaderKeepsTheRestForLater()
    {
        auto project = create(QStringLiteral("reader.loupe"));
        QVERIFY(project);
        WalCheckpointer::Options o;
        o.walPages = o.idleMs = 1000000;
        o.busyMs = 50;
        WalCheckpointer checkpointer(project->path(), o);
        checkpointer.attach(project->db());
        QVERIFY(addAssets(*project, 0, 10));
        // A reader in the middle of a transaction pins the snapshot it started with.
        Database reader;
        QVERIFY(reader.open(project->path(), SQLITE_OPEN_READONLY));
        QVERIFY(reader.exec(QStringLiteral("BEGIN")));
        Statement s = reader.prepare(QStringLiteral("SELECT COUNT(*) FROM assets"));
        QVERIFY(s.step());
        QCOMPARE(s.columnInt64(0), qint64(10));
        QVERIFY(addAssets(*project, 10, 10));
        bool called = false;
        QString why;
        checkpointer.checkpoint(WalCheckpointer::Mode::Passive, this, [&](bool ok, const QString& error) {
            called = true;
            QVERIFY(!ok);
            why = error;
        });
        QTRY_VERIFY(called);
        QVERIFY2(why.contains(project->path()) && why.contains(QStringLiteral("reader")), qPrintable(why));
        s = Statement();
        QVERIFY(reader.exec(QStringLiteral("COMMIT")));
        reader.close();
        checkpointer.stop(); // TRUNCATE once the reader has gone
        QCOMPARE(walSize(project->path()), qint64(0));
        QCOMPARE(assetsInMainFile(project->path()), qint64(20));
    }

    void nothingCommittedIsLostAcrossReopen()
    {
        const QString path = m_tmp.filePath(QStringLiteral("reopen.loupe"));
        {
            auto project = create(QStringLiteral("reopen.loupe"));
            QVERIFY(project);
            WalCheckpointer::Options o;
            o.walPages = 100;
            WalCheckpointer checkpointer(project->path(), o);
            checkpointer.attach(project->db());
            for (int i = 0; i < 20; ++i)
                QVERIFY(addAssets(*project, i * 50, 50));
            QVERIFY(project->setSplit({1, 2, 3}, QStringLiteral("val")));
            checkpointer.stop();
            QCOMPARE(walSize(path), qint64(0));
        }
        QString error;
        auto again = Project::open(path, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->info().assets, qint64(1000));
        QCOMPARE(again->asset(2)->split, QStringLiteral("val"));
        QCOMPARE(again->info().integrity, QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestWalCheckpointer)
#include "tst_walcheckpointer.moc"
