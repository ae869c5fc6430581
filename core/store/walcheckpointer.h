// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <functional>

struct sqlite3;

namespace loupe::core {

class Database;
class WalCheckpointWorker;

// Moves a project's WAL into the main file on a worker thread, so a commit on the GUI thread never pays
// for it. SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1000 pages,
// and on a big WAL (an import, a batch of runs) that is seconds of copying on whichever thread
// committed. attach() turns that off for the GUI's connection and instead counts its WAL pages; the
// worker, with a connection of its own, runs a PASSIVE checkpoint (it never waits for, nor blocks,
// readers and writers) when the WAL passes `walPages` or the project has been idle for `idleMs` after a
// commit, and a TRUNCATE checkpoint (the WAL file back to zero bytes) when it stops.
class WalCheckpointer : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Passive, Truncate };
    Q_ENUM(Mode)
    struct Options
    {
        int walPages = 1000; // SQLite's own automatic checkpoint threshold
        int idleMs = 3000;   // quiet this long after a commit: checkpoint what is there
        int pollMs = 250;    // how often the worker looks for commits other connections made
        int busyMs = 5000;   // a TRUNCATE waits this long for readers to finish
    };

    // Opens its own connection to `projectPath` on the worker thread.
    explicit WalCheckpointer(const QString& projectPath, QObject* parent = nullptr);
    WalCheckpointer(const QString& projectPath, const Options& options, QObject* parent = nullptr);
    ~WalCheckpointer() override; // stop()

    // Takes over checkpointing from `db`'s connection (the thread that owns `db` must call it): no more
    // automatic checkpoint on its commits; their WAL size wakes the worker instead. Once per
    // checkpointer; `db` must stay open until stop().
    void attach(Database& db);
    // Runs a checkpoint on the worker, then `done` on `context`'s thread (dropped if context is gone).
    // ok is false, with a reason naming the file, when the checkpoint did not run or could not move
    // every frame (a reader kept an older snapshot).
    void checkpoint(Mode mode, QObject* context, std::function<void(bool ok, const QString& error)> done);
    // Gives the attached connection back its automatic checkpoint, runs a TRUNCATE checkpoint, closes the
    // worker's connection and ends its thread. Blocks until then; idempotent.
    void stop();

    QString projectPath() const { return m_path; }
    // Checkpoints that ran to completion (every WAL frame in the main file), any mode.
    int completedCheckpoints() const { return m_completed.load(); }

signals:
    // From the worker thread: a checkpoint ran; walFrames were in the WAL, movedFrames of them are now
    // in the main file.
    void checkpointed(loupe::core::WalCheckpointer::Mode mode, int walFrames, int movedFrames);

private:
    friend class WalCheckpointWorker;
    static int onCommit(void* self, sqlite3* db, const char* schema, int walPages);

    QString m_path;
    Options m_options;
    QThread m_thread;
    WalCheckpointWorker* m_worker = nullptr;
    sqlite3* m_attached = nullptr;
    std::atomic<int> m_walPages{0}; // the attached connection's WAL after its last commit
    std::atomic<int> m_completed{0};
    std::atomic<bool> m_poked{false}; // a wake-up is on its way to the worker
    bool m_stopped = false;
};

} // namespace loupe::core
