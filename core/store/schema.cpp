// SPDX-License-Identifier: MIT
#include "core/store/schema.h"

#include "core/store/database.h"

#include <QStringList>

namespace loupe::core {

namespace {

// Inverse SQL for every edit of a user-editable table, written by triggers into undo_log while an action
// is being recorded (the SQLite undo/redo technique). Replaying an action's log backwards undoes it and,
// because the triggers fire again, records the redo.
QString undoTriggers(const QString& table, const QStringList& columns, bool inserts, bool deletes,
                     const QString& key = QStringLiteral("id"))
{
    const QString guard = QStringLiteral("WHEN (SELECT recording FROM undo_state) = 1");
    const QString log =
        QStringLiteral("INSERT INTO undo_log(action_id, sql) VALUES((SELECT action_id FROM undo_state), ");
    QStringList setOld, valuesOld;
    for (const QString& c : columns) {
        setOld << QStringLiteral("%1='||quote(old.%1)||'").arg(c);
        valuesOld << QStringLiteral("'||quote(old.%1)||'").arg(c);
    }
    QString sql;
    sql += QStringLiteral("CREATE TRIGGER %1_undo_update AFTER UPDATE ON %1 %2 BEGIN %3'UPDATE %1 SET %4 "
                          "WHERE %5='||old.%5); END;\n")
               .arg(table, guard, log, setOld.join(QLatin1Char(',')), key);
    if (inserts)
        sql += QStringLiteral("CREATE TRIGGER %1_undo_insert AFTER INSERT ON %1 %2 BEGIN %3'DELETE FROM %1 "
                              "WHERE %4='||new.%4); END;\n")
                   .arg(table, guard, log, key);
    if (deletes)
        sql += QStringLiteral("CREATE TRIGGER %1_undo_delete BEFORE DELETE ON %1 %2 BEGIN %3'INSERT INTO "
                              "%1(%6,%4) VALUES('||old.%6||',%5)'); END;\n")
                   .arg(table, guard, log, columns.join(QLatin1Char(',')), valuesOld.join(QLatin1Char(',')),
                        key);
    return sql;
}

bool runStep(Database& db, int to, const QString& sql, QString* error)
{
    Transaction t(db);
    if (!t.isActive() || !db.exec(sql) || !db.exec(QStringLiteral("PRAGMA user_version = %1").arg(to)) ||
        !t.commit()) {
        if (error) *error = QStringLiteral("migration to schema %1 failed: %2").arg(to).arg(db.lastError());
        return false;
    }
    return true;
}

QString schemaV2Sql()
{
    QString sql = QStringLiteral("ALTER TABLE annotations ADD COLUMN z INTEGER NOT NULL DEFAULT 0;\n"
                                 "ALTER TABLE assets ADD COLUMN done INTEGER NOT NULL DEFAULT 0;\n"
                                 "CREATE INDEX assets_done ON assets(done);\n"
                                 "DROP TRIGGER annotations_undo_update; DROP TRIGGER "
                                 "annotations_undo_insert; DROP TRIGGER annotations_undo_delete;\n"
                                 "DROP TRIGGER assets_undo_update;\n");
    sql += undoTriggers(QStringLiteral("annotations"),
                        {QStringLiteral("asset_id"), QStringLiteral("label_id"), QStringLiteral("kind"),
                         QStringLiteral("geometry"), QStringLiteral("attributes"), QStringLiteral("source"),
                         QStringLiteral("run_id"), QStringLiteral("score"), QStringLiteral("review_state"),
                         QStringLiteral("created"), QStringLiteral("updated"), QStringLiteral("z")},
                        true, true);
    sql += undoTriggers(QStringLiteral("assets"),
                        {QStringLiteral("split"), QStringLiteral("review_state"), QStringLiteral("done")},
                        false, false);
    return sql;
}

// v3: the annotation editor's undo history (one JSON record per undo step, written by
// annotation::PersistentHistory) and the stack's index, so the one Edit > Undo history survives closing
// the project; plus the index the browser's per-image review counts read.
QString schemaV3Sql()
{
    return QStringLiteral(
        "CREATE TABLE annotation_history(position INTEGER PRIMARY KEY, record BLOB NOT NULL);\n"
        "CREATE TABLE annotation_history_state(id INTEGER PRIMARY KEY CHECK(id = 1), idx INTEGER NOT NULL);\n"
        "INSERT INTO annotation_history_state VALUES(1, 0);\n"
        "CREATE INDEX annotations_asset_review ON annotations(asset_id, review_state);\n");
}

// v4: the label editor's definitions (attribute specs, keypoints, skeleton as JSON) and image tags, which
// earlier builds created on open without a schema version and without foreign keys. A file that already
// has them keeps its rows, less those of labels or images no longer there; from now on they go with
// their label or image. Project-level label edits (Project::edit) are undone with their definition.
QString schemaV4Sql()
{
    QString sql = QStringLiteral(
        "CREATE TABLE IF NOT EXISTS label_definitions(label_id INTEGER PRIMARY KEY, definition TEXT NOT "
        "NULL);\n"
        "CREATE TABLE IF NOT EXISTS asset_tags(asset_id INTEGER PRIMARY KEY, tags TEXT NOT NULL);\n"
        "CREATE TABLE label_definitions_v4(label_id INTEGER PRIMARY KEY REFERENCES labels(id) ON DELETE "
        "CASCADE, "
        "definition TEXT NOT NULL);\n"
        "INSERT INTO label_definitions_v4 SELECT label_id, definition FROM label_definitions "
        "WHERE label_id IN (SELECT id FROM labels);\n"
        "DROP TABLE label_definitions;\n"
        "ALTER TABLE label_definitions_v4 RENAME TO label_definitions;\n"
        "CREATE TABLE asset_tags_v4(asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE, "
        "tags TEXT NOT NULL);\n"
        "INSERT INTO asset_tags_v4 SELECT asset_id, tags FROM asset_tags WHERE asset_id IN (SELECT id FROM "
        "assets);\n"
        "DROP TABLE asset_tags;\n"
        "ALTER TABLE asset_tags_v4 RENAME TO asset_tags;\n");
    sql += undoTriggers(QStringLiteral("label_definitions"), {QStringLiteral("definition")}, true, true,
                        QStringLiteral("label_id"));
    return sql;
}

// v5: chats and tags become undoable edits (Project::edit) like captions already were: undo triggers on
// qa_turns and asset_tags; and the per-image lookups the Ask and Caption panels, the caption search
// and the batch jobs' resume make, indexed.
QString schemaV5Sql()
{
    QString sql = QStringLiteral("CREATE INDEX captions_asset ON captions(asset_id);\n"
                                 "CREATE INDEX qa_turns_asset ON qa_turns(asset_id);\n");
    sql += undoTriggers(QStringLiteral("qa_turns"),
                        {QStringLiteral("asset_id"), QStringLiteral("question"), QStringLiteral("answer"),
                         QStringLiteral("source"), QStringLiteral("run_id"), QStringLiteral("created")},
                        true, true);
    sql += undoTriggers(QStringLiteral("asset_tags"), {QStringLiteral("tags")}, true, true,
                        QStringLiteral("asset_id"));
    return sql;
}

// v6: videos imported as frames. `sequence` names the video (NULL for an ordinary image) and `frame` is
// the frame's index in it; the unique index keeps a resumed import from adding a frame twice (NULLs are
// distinct, so ordinary images are unaffected) and serves the in-order walks of Project::sequenceFrames.
QString schemaV6Sql()
{
    return QStringLiteral("ALTER TABLE assets ADD COLUMN sequence TEXT;\n"
                          "ALTER TABLE assets ADD COLUMN frame INTEGER;\n"
                          "CREATE UNIQUE INDEX assets_sequence_frame ON assets(sequence, frame);\n");
}

// v7: where and at what precision a run's model ran. `backend` (v1) was always "cpu"; `device` is the
// device's name after any fall-back, `precision` what the weights and GEMMs ran at, `fallback_reason`
// why the chosen device did not run it. Every run stored before v7 ran on the CPU at f32, so that is
// what they are given rather than leaving them unknown.
QString schemaV7Sql()
{
    return QStringLiteral("ALTER TABLE runs ADD COLUMN device TEXT;\n"
                          "ALTER TABLE runs ADD COLUMN precision TEXT;\n"
                          "ALTER TABLE runs ADD COLUMN fallback_reason TEXT NOT NULL DEFAULT '';\n"
                          "UPDATE runs SET backend = 'cpu' WHERE backend IS NULL OR backend = '';\n"
                          "UPDATE runs SET device = 'cpu', precision = 'f32' WHERE backend = 'cpu';\n");
}

} // namespace

QString schemaV1Sql()
{
    QString sql = QStringLiteral(R"SQL(
CREATE TABLE assets(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL UNIQUE,
  width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT, file_size INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL, split TEXT NOT NULL DEFAULT '', review_state INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}');
CREATE INDEX assets_split ON assets(split);
CREATE INDEX assets_review ON assets(review_state);
CREATE TABLE labels(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, color TEXT NOT NULL DEFAULT '#ff0000',
  hotkey TEXT NOT NULL DEFAULT '', ord INTEGER NOT NULL DEFAULT 0);
CREATE TABLE runs(id INTEGER PRIMARY KEY, asset_id INTEGER REFERENCES assets(id) ON DELETE CASCADE,
  kind TEXT NOT NULL, model_path TEXT, checkpoint_hash TEXT, parameters TEXT NOT NULL DEFAULT '{}',
  backend TEXT, duration_ms REAL, created INTEGER NOT NULL, result TEXT NOT NULL DEFAULT '{}');
CREATE INDEX runs_asset ON runs(asset_id, kind);
CREATE TABLE annotations(id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  label_id INTEGER REFERENCES labels(id) ON DELETE SET NULL, kind TEXT NOT NULL, geometry TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}', source TEXT NOT NULL DEFAULT 'manual',
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL, score REAL, review_state INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX annotations_asset ON annotations(asset_id);
CREATE INDEX annotations_label ON annotations(label_id, asset_id);
CREATE TABLE captions(id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  text TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'manual', run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  created INTEGER NOT NULL);
CREATE TABLE qa_turns(id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  question TEXT NOT NULL, answer TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'model',
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL, created INTEGER NOT NULL);
CREATE TABLE models(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, name TEXT, architecture TEXT, added INTEGER NOT NULL);
CREATE TABLE thumbnails(asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE undo_actions(id INTEGER PRIMARY KEY, name TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
CREATE TABLE undo_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, action_id INTEGER NOT NULL, sql TEXT NOT NULL);
CREATE INDEX undo_log_action ON undo_log(action_id, seq);
CREATE TABLE undo_state(recording INTEGER NOT NULL, action_id INTEGER);
INSERT INTO undo_state VALUES(0, NULL);
)SQL");
    sql += undoTriggers(
        QStringLiteral("labels"),
        {QStringLiteral("name"), QStringLiteral("color"), QStringLiteral("hotkey"), QStringLiteral("ord")},
        true, true);
    sql += undoTriggers(QStringLiteral("annotations"),
                        {QStringLiteral("asset_id"), QStringLiteral("label_id"), QStringLiteral("kind"),
                         QStringLiteral("geometry"), QStringLiteral("attributes"), QStringLiteral("source"),
                         QStringLiteral("run_id"), QStringLiteral("score"), QStringLiteral("review_state"),
                         QStringLiteral("created"), QStringLiteral("updated")},
                        true, true);
    sql += undoTriggers(QStringLiteral("captions"),
                        {QStringLiteral("asset_id"), QStringLiteral("text"), QStringLiteral("source"),
                         QStringLiteral("run_id"), QStringLiteral("created")},
                        true, true);
    sql += undoTriggers(QStringLiteral("assets"), {QStringLiteral("split"), QStringLiteral("review_state")},
                        false, false);
    return sql;
}

bool migrate(Database& db, int from, int target, QString* error)
{
    for (int v = from; v < target; ++v) {
        const QString sql = v == 0   ? schemaV1Sql()
                            : v == 1 ? schemaV2Sql()
                            : v == 2 ? schemaV3Sql()
                            : v == 3 ? schemaV4Sql()
                            : v == 4 ? schemaV5Sql()
                            : v == 5 ? schemaV6Sql()
                            : v == 6 ? schemaV7Sql()
                                     : QString();
        if (sql.isEmpty()) {
            if (error) *error = QStringLiteral("no migration from schema %1").arg(v);
            return false;
        }
        if (!runStep(db, v + 1, sql, error)) return false;
    }
    return true;
}

} // namespace loupe::core
