// SPDX-License-Identifier: MIT
#include "core/store/database.h"

#include <QUrl>
#include <sqlite3.h>

namespace loupe::core {

namespace {

// loupe_fold(text): Unicode case folding, so text searches ignore case beyond ASCII (SQLite's LIKE and
// lower() fold ASCII letters only).
void foldCase(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const QByteArray folded = QString::fromUtf8(text, sqlite3_value_bytes(argv[0])).toCaseFolded().toUtf8();
    sqlite3_result_text(ctx, folded.constData(), int(folded.size()), SQLITE_TRANSIENT);
}

} // namespace

Database::~Database()
{
    close();
}

bool Database::open(const QString& path, int flags)
{
    close();
    const QByteArray p = path.toUtf8();
    if (sqlite3_open_v2(p.constData(), &m_db, flags | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
        return false; // keep m_db so lastError() can describe the failure; close() frees it
    }
    sqlite3_extended_result_codes(m_db, 1);
    m_busy.file = path.startsWith(QLatin1String("file:")) ? QUrl(path).toLocalFile() : path;
    sqlite3_busy_handler(m_db, &BusyWait::onBusy, &m_busy);
    sqlite3_create_function_v2(m_db, "loupe_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                               nullptr, &foldCase, nullptr, nullptr, nullptr);
    return true;
}

void Database::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Database::exec(const QString& sql)
{
    return m_db && sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

Statement Database::prepare(const QString& sql)
{
    sqlite3_stmt* s = nullptr;
    if (!m_db || sqlite3_prepare_v2(m_db, sql.toUtf8().constData(), -1, &s, nullptr) != SQLITE_OK)
        return Statement();
    return Statement(s);
}

QString Database::lastError() const
{
    return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("database not open");
}

int Database::lastErrorCode() const
{
    return m_db ? sqlite3_extended_errcode(m_db) : SQLITE_MISUSE;
}

qint64 Database::lastInsertId() const
{
    return m_db ? sqlite3_last_insert_rowid(m_db) : 0;
}

int Database::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

Statement::~Statement()
{
    if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement& Statement::operator=(Statement&& o) noexcept
{
    if (this != &o) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_stmt = o.m_stmt;
        m_failed = o.m_failed;
        o.m_stmt = nullptr;
    }
    return *this;
}

Statement& Statement::bind(int i, qint64 v)
{
    if (m_stmt) sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}

Statement& Statement::bind(int i, double v)
{
    if (m_stmt) sqlite3_bind_double(m_stmt, i, v);
    return *this;
}

Statement& Statement::bind(int i, const QString& v)
{
    if (m_stmt) {
        // A null QString binds as '' (text columns are NOT NULL); use bindNull() for SQL NULL.
        const QByteArray u = v.toUtf8();
        sqlite3_bind_text(m_stmt, i, u.constData(), int(u.size()), SQLITE_TRANSIENT);
    }
    return *this;
}

Statement& Statement::bind(int i, const QByteArray& v)
{
    if (m_stmt) sqlite3_bind_blob(m_stmt, i, v.constData(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindNull(int i)
{
    if (m_stmt) sqlite3_bind_null(m_stmt, i);
    return *this;
}

bool Statement::step()
{
    if (!m_stmt) return false;
    const int rc = sqlite3_step(m_stmt);
    m_failed = rc != SQLITE_ROW && rc != SQLITE_DONE;
    return rc == SQLITE_ROW;
}

bool Statement::run()
{
    if (!m_stmt) return false;
    int rc;
    while ((rc = sqlite3_step(m_stmt)) == SQLITE_ROW) {
    }
    m_failed = rc != SQLITE_DONE;
    return !m_failed;
}

void Statement::reset()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

qint64 Statement::columnInt64(int i) const
{
    return sqlite3_column_int64(m_stmt, i);
}

double Statement::columnDouble(int i) const
{
    return sqlite3_column_double(m_stmt, i);
}

QString Statement::columnText(int i) const
{
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return t ? QString::fromUtf8(t, sqlite3_column_bytes(m_stmt, i)) : QString();
}

QByteArray Statement::columnBlob(int i) const
{
    const void* b = sqlite3_column_blob(m_stmt, i);
    return b ? QByteArray(static_cast<const char*>(b), sqlite3_column_bytes(m_stmt, i)) : QByteArray();
}

bool Statement::columnIsNull(int i) const
{
    return sqlite3_column_type(m_stmt, i) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : m_db(db)
{
    m_nested = m_db.handle() && !sqlite3_get_autocommit(m_db.handle());
    m_active =
        m_db.exec(m_nested ? QStringLiteral("SAVEPOINT loupe_nested") : QStringLiteral("BEGIN IMMEDIATE"));
}

Transaction::~Transaction()
{
    if (!m_active) return;
    if (m_nested)
        m_db.exec(QStringLiteral("ROLLBACK TO loupe_nested; RELEASE loupe_nested"));
    else
        m_db.exec(QStringLiteral("ROLLBACK"));
}

bool Transaction::commit()
{
    if (!m_active) return false;
    if (!m_db.exec(m_nested ? QStringLiteral("RELEASE loupe_nested") : QStringLiteral("COMMIT")))
        return false;
    m_active = false;
    return true;
}

} // namespace loupe::core
