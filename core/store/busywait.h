// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <functional>

namespace loupe::core {

// Another process writing the project (a second `loupe import`, the app) holds SQLite's write lock for
// one transaction at a time. A connection that meets the lock waits this long before it gives up;
// minutes, because a writer committing in batches lets a waiter in between them. LOUPE_BUSY_TIMEOUT_MS
// overrides it (tests shorten it).
inline constexpr int kBusyTimeoutMs = 5 * 60 * 1000;
// A wait longer than this is announced once, so a command that seems stuck says why.
inline constexpr int kBusyNoticeMs = 1000;

int busyTimeoutMs();

// Receives "busy, waiting for FILE (another process is writing)..." once per wait longer than
// kBusyNoticeMs. The default writes a warning to the loupe.store category (stderr in the CLI). Called
// on the thread that waits.
using BusyNotice = std::function<void(const QString& message)>;
void setBusyNotice(BusyNotice notice);

// One connection's busy handler state; handed to sqlite3_busy_handler.
struct BusyWait
{
    QString file;
    QElapsedTimer waited;
    bool announced = false;
    static int onBusy(void* self, int attempts);
};

// SQLITE_BUSY and SQLITE_LOCKED (any extended code): the file is in use, never damaged.
bool isBusyCode(int sqliteCode);

} // namespace loupe::core
