// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/busywait.h"

#include <QByteArray>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace loupe::core {

class Statement;

// A thin RAII wrapper over one sqlite3 connection. Not thread-safe: one connection per thread.
class Database
{
public:
    Database() = default;
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // flags are sqlite3_open_v2 flags; path may be a file: URI. Every connection waits for another
    // process's lock (see busywait.h) instead of failing at once.
    bool open(const QString& path, int flags);
    void close();
    bool isOpen() const { return m_db != nullptr; }
    bool exec(const QString& sql);
    Statement prepare(const QString& sql);
    QString lastError() const;
    // The extended result code of the last failure.
    int lastErrorCode() const;
    // The last failure was another process's lock (SQLITE_BUSY/SQLITE_LOCKED), not a problem with the file.
    bool lastErrorIsBusy() const { return isBusyCode(lastErrorCode()); }
    qint64 lastInsertId() const;
    int changes() const;
    sqlite3* handle() const { return m_db; }

private:
    sqlite3* m_db = nullptr;
    BusyWait m_busy; // its address is the busy handler's context: Database is neither copied nor moved
};

class Statement
{
public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* s) : m_stmt(s) {}
    ~Statement();
    Statement(Statement&& o) noexcept : m_stmt(o.m_stmt) { o.m_stmt = nullptr; }
    Statement& operator=(Statement&& o) noexcept;
    Statement(const Statement&) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    Statement& bind(int index, qint64 v);
    Statement& bind(int index, int v) { return bind(index, qint64(v)); }
    Statement& bind(int index, double v);
    Statement& bind(int index, const QString& v);
    Statement& bind(int index, const QByteArray& v); // blob
    Statement& bindNull(int index);
    // Advances; true while a row is available. Errors end the iteration (see Database::lastError()).
    bool step();
    // Runs to completion; true on success.
    bool run();
    void reset();
    qint64 columnInt64(int i) const;
    double columnDouble(int i) const;
    QString columnText(int i) const;
    QByteArray columnBlob(int i) const;
    bool columnIsNull(int i) const;

private:
    sqlite3_stmt* m_stmt = nullptr;
    bool m_failed = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless commit() succeeded. Inside another
// transaction it is a savepoint of that one: its writes are committed by the outer transaction, or
// rolled back alone. So a caller can make several steps that each use a Transaction (an edit and its
// undo record) one commit, and a crash keeps all of them or none.
class Transaction
{
public:
    explicit Transaction(Database& db);
    ~Transaction();
    bool isActive() const { return m_active; }
    bool isNested() const { return m_nested; }
    bool commit();

private:
    Database& m_db;
    bool m_active = false;
    bool m_nested = false;
};

} // namespace loupe::core
