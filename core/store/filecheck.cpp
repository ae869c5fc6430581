// SPDX-License-Identifier: MIT
#include "core/store/filecheck.h"

#include "core/store/database.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <sqlite3.h>

namespace loupe::core {

namespace {

void setError(QString* error, const QString& message)
{
    if (error) *error = message;
}

quint32 be(const QByteArray& b, int offset, int bytes)
{
    quint32 v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | quint8(b[offset + i]);
    return v;
}

enum class Header { Ok, Refused, SizeMismatch };

// Reads the first 100 bytes and the size of the file through SQLite's own VFS. A plain open() and
// close() of the file would release every POSIX lock this process holds on it, those of its SQLite
// connections included (the app's, while an import job opens its own): another process could then take
// the file for its last connection and checkpoint and delete the WAL under them. SQLite's VFS keeps such
// a descriptor open until this process's locks on the file are gone.
bool readStart(const QString& path, QByteArray* head, qint64* size, QString* why)
{
    sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    const QByteArray local = QFile::encodeName(QFileInfo(path).absoluteFilePath());
    // xOpen wants a filename as SQLite makes them (URI parameters are looked up around it).
    std::unique_ptr<const char, void (*)(const char*)> name(
        sqlite3_create_filename(local.constData(), "", "", 0, nullptr),
        [](const char* n) { sqlite3_free_filename(n); });
    std::vector<std::max_align_t> storage(size_t(vfs->szOsFile) / sizeof(std::max_align_t) + 1);
    auto* file = reinterpret_cast<sqlite3_file*>(storage.data());
    int flags = 0;
    const int rc = name
                       ? vfs->xOpen(vfs, name.get(), file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &flags)
                       : SQLITE_NOMEM;
    if (rc != SQLITE_OK) {
        if (file->pMethods) file->pMethods->xClose(file);
        *why = QFileInfo(path).isReadable() ? QStringLiteral("SQLite error %1").arg(rc)
                                            : QStringLiteral("permission denied");
        return false;
    }
    sqlite3_int64 bytes = 0;
    bool ok = file->pMethods->xFileSize(file, &bytes) == SQLITE_OK;
    head->fill('\0', 100);
    const int read = ok ? file->pMethods->xRead(file, head->data(), 100, 0) : SQLITE_IOERR;
    ok = read == SQLITE_OK || read == SQLITE_IOERR_SHORT_READ;
    file->pMethods->xClose(file);
    if (!ok) {
        *why = QStringLiteral("read error");
        return false;
    }
    head->truncate(int(std::min<sqlite3_int64>(bytes, 100)));
    *size = bytes;
    return true;
}

// Checks the header without letting SQLite open the file as a database: a truncated or foreign file is
// reported, and nothing (no journal, no WAL) is created next to it.
Header readHeader(const QString& path, QString* error)
{
    if (QFileInfo(path).isDir()) {
        setError(error, QStringLiteral("%1: a folder, not a Loupe project file").arg(path));
        return Header::Refused;
    }
    QByteArray h;
    qint64 size = 0;
    QString why;
    if (!readStart(path, &h, &size, &why)) {
        setError(error, QStringLiteral("%1: cannot read (%2)").arg(path, why));
        return Header::Refused;
    }
    if (!h.startsWith(QByteArrayLiteral("SQLite format 3\0"))) {
        setError(error, QStringLiteral("%1: not a Loupe project (not an SQLite database)").arg(path));
        return Header::Refused;
    }
    if (h.size() < 100) {
        setError(
            error,
            QStringLiteral("%1: truncated (%2 bytes, shorter than the SQLite header)").arg(path).arg(size));
        return Header::Refused;
    }
    quint32 pageSize = be(h, 16, 2);
    if (pageSize == 1) pageSize = 65536;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0) {
        setError(error, QStringLiteral("%1: damaged (page size %2 in the header)").arg(path).arg(pageSize));
        return Header::Refused;
    }
    const quint32 pages = be(h, 28, 4);
    const bool pagesValid = be(h, 24, 4) == be(h, 92, 4);
    if (size % pageSize != 0 || (pagesValid && qint64(pages) * pageSize > size)) {
        setError(error, QStringLiteral(
                            "%1: truncated or damaged (%2 bytes; the header expects %3 pages of %4 bytes)")
                            .arg(path)
                            .arg(size)
                            .arg(pages)
                            .arg(pageSize));
        return Header::SizeMismatch;
    }
    return Header::Ok;
}

bool walHasFrames(const QString& path)
{
    return QFileInfo(path + QStringLiteral("-wal")).size() > 0;
}

// A -wal or -shm beside the file: another process may have it open, or a crash left its WAL.
bool mayBeLive(const QString& path)
{
    return QFileInfo::exists(path + QStringLiteral("-wal")) ||
           QFileInfo::exists(path + QStringLiteral("-shm"));
}

// Without a WAL or -shm the main file holds everything, and `immutable` guarantees the check creates
// no -wal/-shm next to a file we may refuse. Otherwise the check must read through the WAL (with
// SQLite's locks, as another process may be writing), or it would see an older or half-copied file.
QString readOnlyUri(const QString& abs, bool live)
{
    return QUrl::fromLocalFile(abs).toString(QUrl::FullyEncoded) +
           (live ? QStringLiteral("?mode=ro") : QStringLiteral("?mode=ro&immutable=1"));
}

QString busyError(const QString& path)
{
    return QStringLiteral(
               "%1: busy (another process kept it locked for more than %2 s); it was not checked or "
               "changed, try again when that process has finished")
        .arg(path)
        .arg(busyTimeoutMs() / 1000.0);
}

enum class Probe { Ok, Refused, ReadAgainLive };

Probe probe(const QString& path, const QString& abs, bool live, int newestSchema, int* version,
            QString* error)
{
    Database db;
    if (!db.open(readOnlyUri(abs, live), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)) {
        setError(error, db.lastErrorIsBusy()
                            ? busyError(path)
                            : QStringLiteral("%1: cannot open (%2)").arg(path, db.lastError()));
        return Probe::Refused;
    }
    Statement check = db.prepare(QStringLiteral("PRAGMA quick_check"));
    const bool stepped = check.step();
    const QString result = stepped ? check.columnText(0) : db.lastError();
    if (!stepped && db.lastErrorIsBusy()) {
        setError(error, busyError(path));
        return Probe::Refused;
    }
    if (result != QLatin1String("ok")) {
        // Read as immutable while another process opened it: its checkpoint may have changed pages under us.
        if (!live && mayBeLive(abs)) return Probe::ReadAgainLive;
        setError(error, QStringLiteral("%1: failed the integrity check (%2); the file was left untouched")
                            .arg(path, result));
        return Probe::Refused;
    }
    Statement v = db.prepare(QStringLiteral("PRAGMA user_version"));
    *version = v.step() ? int(v.columnInt64(0)) : -1;
    if (*version < 0) {
        setError(error,
                 db.lastErrorIsBusy()
                     ? busyError(path)
                     : QStringLiteral("%1: cannot read the schema version (%2)").arg(path, db.lastError()));
        return Probe::Refused;
    }
    if (*version > newestSchema) {
        setError(error,
                 QStringLiteral("%1: made by a newer Loupe (schema %2, this build understands up to %3); "
                                "the file was left untouched")
                     .arg(path)
                     .arg(*version)
                     .arg(newestSchema));
        return Probe::Refused;
    }
    if (*version < 1) {
        Statement n = db.prepare(QStringLiteral("SELECT COUNT(*) FROM sqlite_master"));
        if (n.step() && n.columnInt64(0) > 0) {
            setError(error, QStringLiteral("%1: an SQLite database, but not a Loupe project").arg(path));
            return Probe::Refused;
        }
    }
    return Probe::Ok;
}

} // namespace

std::optional<int> checkProjectFile(const QString& path, int newestSchema, QString* error)
{
    Header h = readHeader(path, error);
    if (h == Header::Refused) return std::nullopt;
    if (h == Header::SizeMismatch && !walHasFrames(path)) {
        // A live checkpoint may have finished, and emptied its WAL, between the two looks: look again.
        h = readHeader(path, error);
        if (h == Header::Refused || (h == Header::SizeMismatch && !walHasFrames(path))) return std::nullopt;
    }
    const QString abs = QFileInfo(path).absoluteFilePath();
    int version = 0;
    Probe p = probe(path, abs, mayBeLive(abs), newestSchema, &version, error);
    if (p == Probe::ReadAgainLive) p = probe(path, abs, true, newestSchema, &version, error);
    return p == Probe::Ok ? std::optional<int>(version) : std::nullopt;
}

} // namespace loupe::core
