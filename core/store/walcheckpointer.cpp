// SPDX-License-Identifier: MIT
#include "core/store/walcheckpointer.h"

#include "core/store/database.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcWal, "loupe.store.wal")

namespace loupe::core {

// Lives on the checkpointer's thread and owns the connection checkpoints run on.
class WalCheckpointWorker : public QObject
{
public:
    explicit WalCheckpointWorker(WalCheckpointer* owner) : m_owner(owner) {}

    void start()
    {
        const WalCheckpointer::Options& o = m_owner->m_options;
        if (!m_db.open(m_owner->m_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) {
            qCWarning(lcWal).noquote() << m_owner->m_path << ": no checkpoints:" << m_db.lastError();
            m_db.close();
            return;
        }
        // Replaces the minutes-long wait for another process (busywait.h): a checkpoint that cannot get
        // past a reader is simply tried again later.
        sqlite3_busy_timeout(m_db.handle(), o.busyMs);
        // A first read opens the WAL, without which a checkpoint call does nothing.
        Statement first = m_db.prepare(QStringLiteral("SELECT count(*) FROM sqlite_master"));
        first.step();
        first = Statement();
        m_version = dataVersion();
        // Commits made before this connection was open left no data_version change to notice.
        m_dirty = QFileInfo(m_owner->m_path + QStringLiteral("-wal")).size() > 0;
        m_quiet.start();
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &WalCheckpointWorker::poll);
        m_timer->start(o.pollMs);
    }

    // The attached connection's WAL passed the threshold.
    void walGrew()
    {
        m_owner->m_poked = false;
        m_dirty = true;
        m_quiet.restart();
        if (m_owner->m_walPages.load() >= m_owner->m_options.walPages) run(WalCheckpointer::Mode::Passive);
    }

    bool run(WalCheckpointer::Mode mode, QString* error = nullptr)
    {
        if (!m_db.isOpen()) {
            if (error) *error = QStringLiteral("%1: no connection to checkpoint with").arg(m_owner->m_path);
            return false;
        }
        int walFrames = -1, moved = -1;
        const int rc = sqlite3_wal_checkpoint_v2(
            m_db.handle(), nullptr,
            mode == WalCheckpointer::Mode::Passive ? SQLITE_CHECKPOINT_PASSIVE : SQLITE_CHECKPOINT_TRUNCATE,
            &walFrames, &moved);
        if (rc != SQLITE_OK) {
            // SQLITE_BUSY: another checkpoint (an import's own) or, for TRUNCATE, a reader or writer
            // outlasted busyMs. The WAL stays as it is and the next idle period tries again.
            m_quiet.restart();
            const QString why =
                QStringLiteral("%1: checkpoint not done (%2)").arg(m_owner->m_path, m_db.lastError());
            qCDebug(lcWal).noquote() << why;
            if (error) *error = why;
            return false;
        }
        emit m_owner->checkpointed(mode, walFrames, moved);
        if (walFrames >= 0 && moved < walFrames) {
            // A reader still uses an older snapshot: the rest goes at the next idle period.
            m_quiet.restart();
            if (error)
                *error = QStringLiteral("%1: %2 of %3 WAL frames moved; a reader holds the rest")
                             .arg(m_owner->m_path)
                             .arg(moved)
                             .arg(walFrames);
            return false;
        }
        m_dirty = false;
        ++m_owner->m_completed;
        return true;
    }

    void finish()
    {
        if (m_timer) m_timer->stop();
        if (m_db.isOpen()) {
            QString error;
            if (!run(WalCheckpointer::Mode::Truncate, &error)) qCInfo(lcWal).noquote() << error;
        }
        m_db.close();
    }

private:
    void poll()
    {
        // data_version changes when any other connection (the GUI's, an import's) commits.
        const qint64 v = dataVersion();
        if (v != m_version) {
            m_version = v;
            m_dirty = true;
            m_quiet.restart();
        }
        if (m_dirty && m_quiet.elapsed() >= m_owner->m_options.idleMs) run(WalCheckpointer::Mode::Passive);
    }

    qint64 dataVersion()
    {
        Statement s = m_db.prepare(QStringLiteral("PRAGMA data_version"));
        return s.step() ? s.columnInt64(0) : -1;
    }

    WalCheckpointer* m_owner;
    Database m_db;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_quiet; // since the last commit seen
    qint64 m_version = -1;
    bool m_dirty = false;
};

WalCheckpointer::WalCheckpointer(const QString& projectPath, QObject* parent)
    : WalCheckpointer(projectPath, Options(), parent)
{
}

WalCheckpointer::WalCheckpointer(const QString& projectPath, const Options& options, QObject* parent)
    : QObject(parent), m_path(projectPath), m_options(options)
{
    qRegisterMetaType<loupe::core::WalCheckpointer::Mode>();
    m_worker = new WalCheckpointWorker(this);
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("loupe-wal-checkpoint"));
    m_thread.start(QThread::LowPriority);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->start(); }, Qt::QueuedConnection);
}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

void WalCheckpointer::attach(Database& db)
{
    if (m_stopped || !db.handle()) return;
    m_attached = db.handle();
    // One callback slot serves both: setting the hook removes SQLite's automatic checkpoint, and
    // PRAGMA wal_autocheckpoint then reads 0.
    sqlite3_wal_autocheckpoint(m_attached, 0);
    sqlite3_wal_hook(m_attached, &WalCheckpointer::onCommit, this);
}

int WalCheckpointer::onCommit(void* self, sqlite3*, const char*, int walPages)
{
    // Runs inside the attached connection's COMMIT, on its thread: only a note to the worker.
    auto* c = static_cast<WalCheckpointer*>(self);
    c->m_walPages = walPages;
    if (walPages >= c->m_options.walPages && !c->m_poked.exchange(true))
        QMetaObject::invokeMethod(
            c->m_worker, [w = c->m_worker] { w->walGrew(); }, Qt::QueuedConnection);
    return SQLITE_OK;
}

void WalCheckpointer::checkpoint(Mode mode, QObject* context,
                                 std::function<void(bool ok, const QString& error)> done)
{
    const QPointer<QObject> target(context);
    auto deliver = [self = this, target, done](bool ok, const QString& error) {
        // Through the checkpointer, which outlives its worker (stop() waits for the thread), and checked
        // on the checkpointer's thread, where `context` lives.
        QMetaObject::invokeMethod(
            self,
            [target, done, ok, error] {
                if (target && done) done(ok, error);
            },
            Qt::QueuedConnection);
    };
    if (m_stopped) {
        deliver(false, QStringLiteral("%1: the checkpointer has stopped").arg(m_path));
        return;
    }
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, mode, deliver] {
            QString error;
            const bool ok = w->run(mode, &error);
            deliver(ok, error);
        },
        Qt::QueuedConnection);
}

void WalCheckpointer::stop()
{
    if (m_stopped) return;
    m_stopped = true;
    if (m_attached) {
        // Whatever the connection commits after this checkpoints itself again.
        sqlite3_wal_hook(m_attached, nullptr, nullptr);
        sqlite3_wal_autocheckpoint(m_attached, 1000 /* SQLite's default */);
        m_attached = nullptr;
    }
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->finish(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker; // its thread has ended
    m_worker = nullptr;
}

} // namespace loupe::core
