// SPDX-License-Identifier: MIT
// Another process holding the project's lock: opening and writing wait for it (saying so after a
// moment), and a lock that outlasts the wait is reported as busy, never as a damaged file.
#include "core/store/busywait.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <sqlite3.h>
#include <thread>

using namespace loupe::core;

namespace {

// Another process's lock. Exclusive: as with locking_mode=EXCLUSIVE, every other connection, readers
// included, gets SQLITE_BUSY until it is released. Writer: a transaction in progress; other writers wait.
class LockHolder
{
public:
    enum Kind { Exclusive, Writer };
    explicit LockHolder(const QString& file, Kind kind = Exclusive)
    {
        if (sqlite3_open_v2(file.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            return;
        const char* sql = kind == Exclusive ? "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                                              "UPDATE undo_state SET recording = 0;"
                                            : "BEGIN IMMEDIATE; UPDATE undo_state SET recording = 0;";
        m_locked = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    ~LockHolder() { release(); }
    bool locked() const { return m_locked; }
    void release()
    {
        if (m_db) sqlite3_close_v2(m_db); // rolls back and drops the lock
        m_db = nullptr;
    }

private:
    sqlite3* m_db = nullptr;
    bool m_locked = false;
};

QString makeProject(const QString& file)
{
    QString error;
    return Project::create(file, &error) ? QString() : error;
}

} // namespace

class TestStoreBusy : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QStringList m_notices;

    QString path(const QString& name) const { return m_tmp.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        setBusyNotice([this](const QString& message) { m_notices << message; });
    }
    void init() { m_notices.clear(); }
    void cleanup() { qunsetenv("LOUPE_BUSY_TIMEOUT_MS"); }
    void cleanupTestCase() { setBusyNotice({}); }

    void lockedProjectIsBusyNotDamaged()
    {
        const QString file = path(QStringLiteral("locked.loupe"));
        QCOMPARE(makeProject(file), QString());
        LockHolder holder(file);
        QVERIFY(holder.locked());
        qputenv("LOUPE_BUSY_TIMEOUT_MS", "1500");
        QString error;
        QElapsedTimer t;
        t.start();
        QVERIFY(!Project::open(file, &error));
        QVERIFY2(t.elapsed() >= 1400, "gave up without waiting");
        QVERIFY2(error.startsWith(file) && error.contains(QStringLiteral("busy")), qPrintable(error));
        for (const char* word : {"damaged", "integrity", "truncated", "locked)"})
            QVERIFY2(!error.contains(QLatin1String(word)), qPrintable(error));
        QCOMPARE(m_notices.size(), 1);
        QCOMPARE(m_notices.first(), QStringLiteral("busy, waiting for %1 (another process is writing)...")
                                        .arg(QFileInfo(file).absoluteFilePath()));
    }

    void openWaitsForTheWriter()
    {
        const QString file = path(QStringLiteral("waits.loupe"));
        QCOMPARE(makeProject(file), QString());
        auto holder = std::make_unique<LockHolder>(file);
        QVERIFY(holder->locked());
        std::thread release([&holder] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            holder->release();
        });
        QString error;
        auto p = Project::open(file, &error);
        release.join();
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().integrity, QStringLiteral("ok"));
        QCOMPARE(m_notices.size(), 1); // said why it paused, once
    }

    // A second writer used to give up after 5 s; a writer with long batches must not make it fail.
    void writerWaitsLongerThanFiveSeconds()
    {
        const QString file = path(QStringLiteral("writers.loupe"));
        QCOMPARE(makeProject(file), QString());
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        auto holder = std::make_unique<LockHolder>(file, LockHolder::Writer);
        QVERIFY(holder->locked());
        std::thread release([&holder] {
            std::this_thread::sleep_for(std::chrono::milliseconds(6000));
            holder->release();
        });
        AssetRecord r;
        r.absolutePath = path(QStringLiteral("a.png"));
        r.sha256Hex = QStringLiteral("ab");
        const auto added = p->addAssets({r}, &error);
        release.join();
        QVERIFY2(added, qPrintable(error));
        QCOMPARE(added->added, 1);
        QCOMPARE(m_notices.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestStoreBusy)
#include "tst_store_busy.moc"
