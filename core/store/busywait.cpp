// SPDX-License-Identifier: MIT
#include "core/store/busywait.h"

#include <QLoggingCategory>
#include <QMutex>
#include <sqlite3.h>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace loupe::core {

namespace {

QMutex g_noticeMutex;
BusyNotice g_notice;

void announce(const QString& message)
{
    BusyNotice notice;
    {
        QMutexLocker lock(&g_noticeMutex);
        notice = g_notice;
    }
    if (notice)
        notice(message);
    else
        qCWarning(lcStore).noquote() << message;
}

} // namespace

int busyTimeoutMs()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("LOUPE_BUSY_TIMEOUT_MS", &ok);
    return ok && ms >= 0 ? ms : kBusyTimeoutMs;
}

void setBusyNotice(BusyNotice notice)
{
    QMutexLocker lock(&g_noticeMutex);
    g_notice = std::move(notice);
}

int BusyWait::onBusy(void* self, int attempts)
{
    auto* w = static_cast<BusyWait*>(self);
    if (attempts == 0) { // a new wait for the lock
        w->waited.start();
        w->announced = false;
    }
    const qint64 elapsed = w->waited.elapsed();
    if (elapsed >= busyTimeoutMs()) return 0; // the caller gets SQLITE_BUSY and says the file is busy
    if (!w->announced && elapsed >= kBusyNoticeMs) {
        w->announced = true;
        announce(QStringLiteral("busy, waiting for %1 (another process is writing)...").arg(w->file));
    }
    // Short sleeps: another writer's batches leave gaps of a few milliseconds, and a long sleep would
    // miss them all (SQLite's own busy_timeout backs off to 100 ms).
    sqlite3_sleep(attempts < 20 ? 1 + attempts / 4 : 10);
    return 1;
}

bool isBusyCode(int sqliteCode)
{
    const int primary = sqliteCode & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

} // namespace loupe::core
