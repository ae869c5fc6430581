// SPDX-License-Identifier: MIT
#include "core/store/project.h"

#include "core/store/assetquery.h"
#include "core/store/filecheck.h"
#include "core/store/schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcStore, "loupe.store")

namespace loupe::core {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString jsonText(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QString& s)
{
    return QJsonDocument::fromJson(s.toUtf8()).object();
}

void setError(QString* error, const QString& message)
{
    if (error) *error = message;
}

void configure(Database& db)
{
    db.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    db.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    db.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
}

int pragmaInt(Database& db, const QString& pragma)
{
    Statement s = db.prepare(QStringLiteral("PRAGMA ") + pragma);
    return s.step() ? int(s.columnInt64(0)) : -1;
}

qint64 scalar(Database& db, const QString& sql)
{
    Statement s = db.prepare(sql);
    return s.step() ? s.columnInt64(0) : 0;
}

} // namespace

Project::Project(const QString& path)
    : m_path(QFileInfo(path).absoluteFilePath()), m_dir(QFileInfo(path).absolutePath())
{
}

Project::~Project() = default;

std::unique_ptr<Project> Project::create(const QString& path, QString* error)
{
    if (QFileInfo::exists(path)) {
        setError(error, QStringLiteral("%1: already exists; not overwriting it").arg(path));
        return nullptr;
    }
    std::unique_ptr<Project> p(new Project(path));
    if (!p->m_db.open(p->m_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)) {
        setError(error, QStringLiteral("%1: cannot create (%2)").arg(path, p->m_db.lastError()));
        return nullptr;
    }
    configure(p->m_db);
    if (!migrate(p->m_db, 0, kSchemaVersion, error)) {
        p->m_db.close();
        QFile::remove(p->m_path); // our own half-made file, never a user's
        return nullptr;
    }
    qCInfo(lcStore) << "created" << p->m_path;
    return p;
}

std::unique_ptr<Project> Project::open(const QString& path, QString* error)
{
    if (!QFileInfo::exists(path)) {
        setError(error, QStringLiteral("%1: no such file").arg(path));
        return nullptr;
    }
    const std::optional<int> checked = checkProjectFile(path, kSchemaVersion, error);
    if (!checked) return nullptr;
    const int version = *checked;
    std::unique_ptr<Project> p(new Project(path));
    if (!p->m_db.open(p->m_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) {
        setError(error, QStringLiteral("%1: cannot open for writing (%2)").arg(path, p->m_db.lastError()));
        return nullptr;
    }
    configure(p->m_db);
    if (version < kSchemaVersion) {
        QString why;
        if (!migrate(p->m_db, version, kSchemaVersion, &why)) {
            setError(error, QStringLiteral("%1: %2").arg(path, why));
            return nullptr;
        }
        qCInfo(lcStore) << "migrated" << path << "from schema" << version << "to" << kSchemaVersion;
    }
    return p;
}

QString Project::path() const
{
    return m_path;
}

Database& Project::db()
{
    return m_db;
}

ProjectInfo Project::info() const
{
    auto& db = const_cast<Database&>(m_db);
    ProjectInfo i;
    i.schemaVersion = pragmaInt(db, QStringLiteral("user_version"));
    i.assets = scalar(db, QStringLiteral("SELECT COUNT(*) FROM assets"));
    i.labels = scalar(db, QStringLiteral("SELECT COUNT(*) FROM labels"));
    i.annotations = scalar(db, QStringLiteral("SELECT COUNT(*) FROM annotations"));
    i.runs = scalar(db, QStringLiteral("SELECT COUNT(*) FROM runs"));
    i.models = scalar(db, QStringLiteral("SELECT COUNT(*) FROM models"));
    i.captions = scalar(db, QStringLiteral("SELECT COUNT(*) FROM captions"));
    i.qaTurns = scalar(db, QStringLiteral("SELECT COUNT(*) FROM qa_turns"));
    Statement s = db.prepare(QStringLiteral("PRAGMA quick_check"));
    if (s.step())
        i.integrity = s.columnText(0);
    else if (db.lastErrorIsBusy())
        i.integrity = QStringLiteral("not checked: busy (another process is writing)");
    else
        i.integrity = db.lastError();
    return i;
}

bool Project::saveAs(const QString& target, QString* error)
{
    if (QFileInfo::exists(target)) {
        setError(error, QStringLiteral("%1: already exists; not overwriting it").arg(target));
        return false;
    }
    Statement s = m_db.prepare(QStringLiteral("VACUUM INTO ?1"));
    s.bind(1, QFileInfo(target).absoluteFilePath());
    if (!s.run()) {
        setError(error, QStringLiteral("%1: cannot write the copy (%2)").arg(target, m_db.lastError()));
        QFile::remove(target);
        return false;
    }
    return true;
}

QString Project::storedPath(const QString& absolutePath) const
{
    const QString abs = QFileInfo(absolutePath).absoluteFilePath();
    const QString rel = QDir(m_dir).relativeFilePath(abs);
    return rel.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(rel) ? abs : rel;
}

QString Project::absolutePath(const QString& storedPath) const
{
    return QDir::isAbsolutePath(storedPath) ? storedPath : QDir(m_dir).absoluteFilePath(storedPath);
}

std::optional<Project::AddResult> Project::addAssets(const QVector<AssetRecord>& batch, QString* error)
{
    Transaction t(m_db);
    if (!t.isActive()) {
        setError(error, QStringLiteral("%1: %2").arg(m_path, m_db.lastError()));
        return std::nullopt;
    }
    Statement ins =
        m_db.prepare(QStringLiteral("INSERT OR IGNORE INTO assets(path, sha256, width, height, format, "
                                    "file_size, added, split, metadata, "
                                    "sequence, frame) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    AddResult r;
    const qint64 now = nowMs();
    for (const AssetRecord& a : batch) {
        ins.reset();
        ins.bind(1, storedPath(a.absolutePath))
            .bind(2, a.sha256Hex)
            .bind(3, a.width)
            .bind(4, a.height)
            .bind(5, a.format)
            .bind(6, a.fileSize)
            .bind(7, now)
            .bind(8, a.split.isNull() ? QStringLiteral("") : a.split)
            .bind(9, jsonText(a.metadata));
        if (a.sequence.isEmpty())
            ins.bindNull(10);
        else
            ins.bind(10, a.sequence);
        if (a.frame)
            ins.bind(11, *a.frame);
        else
            ins.bindNull(11);
        if (!ins.run()) {
            setError(error,
                     QStringLiteral("%1: cannot add %2 (%3)").arg(m_path, a.absolutePath, m_db.lastError()));
            return std::nullopt;
        }
        if (m_db.changes() > 0)
            ++r.added;
        else
            ++r.duplicates;
    }
    if (!t.commit()) {
        setError(error, QStringLiteral("%1: %2").arg(m_path, m_db.lastError()));
        return std::nullopt;
    }
    if (r.added) emit changed();
    return r;
}

bool Project::containsSha256(const QString& sha256Hex) const
{
    Statement s =
        const_cast<Database&>(m_db).prepare(QStringLiteral("SELECT 1 FROM assets WHERE sha256 = ?1"));
    s.bind(1, sha256Hex);
    return s.step();
}

std::optional<AssetRow> Project::asset(qint64 id) const
{
    auto& db = const_cast<Database&>(m_db);
    Statement s = db.prepare(
        QStringLiteral("SELECT %1 FROM assets a WHERE a.id = ?1").arg(QLatin1String(kAssetColumns)));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readAssetRow(s);
}

qint64 Project::countAssets(const AssetFilter& filter) const
{
    return countAssetsIn(const_cast<Database&>(m_db), filter);
}

QVector<AssetRow> Project::assetPage(const AssetFilter& filter, qint64 offset, int limit) const
{
    return assetPageIn(const_cast<Database&>(m_db), filter, offset, limit);
}

QStringList Project::splits() const
{
    QStringList out;
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT DISTINCT split FROM assets WHERE split <> '' ORDER BY split"));
    while (s.step())
        out << s.columnText(0);
    return out;
}

namespace {

QString idList(const QList<qint64>& ids)
{
    QStringList parts;
    for (qint64 id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(','));
}

} // namespace

bool Project::setSplit(const QList<qint64>& assetIds, const QString& split, QString* error)
{
    return edit(
        QStringLiteral("Set Split"),
        [&](Database& db) {
            Statement s = db.prepare(
                QStringLiteral("UPDATE assets SET split = ?1 WHERE id IN (%1)").arg(idList(assetIds)));
            s.bind(1, split);
            return s.run();
        },
        error);
}

bool Project::setReviewState(const QList<qint64>& assetIds, int state, QString* error)
{
    return edit(
        QStringLiteral("Set Review State"),
        [&](Database& db) {
            Statement s = db.prepare(
                QStringLiteral("UPDATE assets SET review_state = ?1 WHERE id IN (%1)").arg(idList(assetIds)));
            s.bind(1, state);
            return s.run();
        },
        error);
}

bool Project::setDone(const QList<qint64>& assetIds, bool done, QString* error)
{
    return edit(
        done ? QStringLiteral("Mark Done") : QStringLiteral("Mark Not Done"),
        [&](Database& db) {
            Statement s = db.prepare(
                QStringLiteral("UPDATE assets SET done = ?1 WHERE id IN (%1)").arg(idList(assetIds)));
            s.bind(1, qint64(done ? 1 : 0));
            return s.run();
        },
        error);
}

QVector<Label> Project::labels() const
{
    QVector<Label> out;
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT id, name, color, hotkey, ord FROM labels ORDER BY ord, id"));
    while (s.step())
        out.push_back({s.columnInt64(0), s.columnText(1), QColor(s.columnText(2)), s.columnText(3),
                       int(s.columnInt64(4))});
    return out;
}

std::optional<qint64> Project::addLabel(const Label& label, QString* error)
{
    qint64 id = 0;
    const bool ok = edit(
        QStringLiteral("Add Label"),
        [&](Database& db) {
            Statement s = db.prepare(
                QStringLiteral("INSERT INTO labels(name, color, hotkey, ord) VALUES(?1, ?2, ?3, ?4)"));
            s.bind(1, label.name).bind(2, label.color.name()).bind(3, label.hotkey).bind(4, label.order);
            if (!s.run()) return false;
            id = db.lastInsertId();
            return true;
        },
        error);
    return ok ? std::optional<qint64>(id) : std::nullopt;
}

bool Project::updateLabel(const Label& label, QString* error)
{
    return edit(
        QStringLiteral("Change Label"),
        [&](Database& db) {
            Statement s = db.prepare(QStringLiteral(
                "UPDATE labels SET name = ?1, color = ?2, hotkey = ?3, ord = ?4 WHERE id = ?5"));
            s.bind(1, label.name)
                .bind(2, label.color.name())
                .bind(3, label.hotkey)
                .bind(4, label.order)
                .bind(5, label.id);
            return s.run() && db.changes() == 1;
        },
        error);
}

bool Project::removeLabel(qint64 id, QString* error)
{
    return edit(
        QStringLiteral("Remove Label"),
        [&](Database& db) {
            Statement s = db.prepare(QStringLiteral("DELETE FROM labels WHERE id = ?1"));
            s.bind(1, id);
            return s.run() && db.changes() == 1;
        },
        error);
}

std::optional<qint64> Project::addRun(const RunRecord& run, QString* error)
{
    Statement s = m_db.prepare(QStringLiteral("INSERT INTO runs(asset_id, kind, model_path, checkpoint_hash, "
                                              "parameters, backend, duration_ms, created, "
                                              "result, device, precision, fallback_reason) VALUES(?1, ?2, "
                                              "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    if (run.assetId > 0)
        s.bind(1, run.assetId);
    else
        s.bindNull(1);
    s.bind(2, run.kind)
        .bind(3, run.modelPath)
        .bind(4, run.checkpointHash)
        .bind(5, jsonText(run.parameters))
        .bind(6, run.backend)
        .bind(7, run.durationMs)
        .bind(8, run.when.isValid() ? run.when.toMSecsSinceEpoch() : nowMs())
        .bind(9, jsonText(run.result))
        .bind(10, run.device)
        .bind(11, run.precision)
        .bind(12, run.fallbackReason);
    if (!s.run()) {
        setError(error, QStringLiteral("%1: cannot store the run (%2)").arg(m_path, m_db.lastError()));
        return std::nullopt;
    }
    const qint64 id = m_db.lastInsertId();
    emit changed();
    return id;
}

QVector<RunRecord> Project::runs(qint64 assetId, const QString& kind) const
{
    QVector<RunRecord> out;
    Statement s = const_cast<Database&>(m_db).prepare(QStringLiteral(
        "SELECT id, asset_id, kind, model_path, checkpoint_hash, parameters, backend, duration_ms, "
        "created, result, device, precision, fallback_reason FROM runs WHERE asset_id = ?1 AND (?2 = '' OR "
        "kind = ?2) "
        "ORDER BY created DESC, id DESC"));
    s.bind(1, assetId).bind(2, kind.isNull() ? QStringLiteral("") : kind);
    while (s.step()) {
        RunRecord r;
        r.id = s.columnInt64(0);
        r.assetId = s.columnInt64(1);
        r.kind = s.columnText(2);
        r.modelPath = s.columnText(3);
        r.checkpointHash = s.columnText(4);
        r.parameters = jsonObject(s.columnText(5));
        r.backend = s.columnText(6);
        r.durationMs = s.columnDouble(7);
        r.when = QDateTime::fromMSecsSinceEpoch(s.columnInt64(8), Qt::UTC);
        r.result = jsonObject(s.columnText(9));
        r.device = s.columnText(10);
        r.precision = s.columnText(11);
        r.fallbackReason = s.columnText(12);
        out.push_back(r);
    }
    return out;
}

std::optional<qint64> Project::registerModel(const ModelRecord& model, QString* error)
{
    Statement find = m_db.prepare(QStringLiteral("SELECT id FROM models WHERE path = ?1"));
    find.bind(1, model.path);
    if (find.step()) return find.columnInt64(0);
    Statement s = m_db.prepare(
        QStringLiteral("INSERT INTO models(path, name, architecture, added) VALUES(?1, ?2, ?3, ?4)"));
    s.bind(1, model.path).bind(2, model.name).bind(3, model.architecture).bind(4, nowMs());
    if (!s.run()) {
        setError(error,
                 QStringLiteral("%1: cannot register %2 (%3)").arg(m_path, model.path, m_db.lastError()));
        return std::nullopt;
    }
    const qint64 id = m_db.lastInsertId();
    emit changed();
    return id;
}

QVector<ModelRecord> Project::models() const
{
    QVector<ModelRecord> out;
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT id, path, name, architecture, added FROM models ORDER BY id"));
    while (s.step())
        out.push_back({s.columnInt64(0), s.columnText(1), s.columnText(2), s.columnText(3),
                       QDateTime::fromMSecsSinceEpoch(s.columnInt64(4), Qt::UTC)});
    return out;
}

bool Project::storeThumbnail(qint64 assetId, const QByteArray& encoded)
{
    Statement s =
        m_db.prepare(QStringLiteral("INSERT OR REPLACE INTO thumbnails(asset_id, data) VALUES(?1, ?2)"));
    s.bind(1, assetId).bind(2, encoded);
    return s.run();
}

QByteArray Project::thumbnail(qint64 assetId) const
{
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT data FROM thumbnails WHERE asset_id = ?1"));
    s.bind(1, assetId);
    return s.step() ? s.columnBlob(0) : QByteArray();
}

QList<qint64> Project::assetsWithoutThumbnail(int limit) const
{
    QList<qint64> out;
    Statement s = const_cast<Database&>(m_db).prepare(QStringLiteral(
        "SELECT id FROM assets WHERE id NOT IN (SELECT asset_id FROM thumbnails) ORDER BY id LIMIT ?1"));
    s.bind(1, qint64(limit));
    while (s.step())
        out << s.columnInt64(0);
    return out;
}

} // namespace loupe::core
