// SPDX-License-Identifier: MIT
// Schema 3 -> 4: label definitions and image tags become tables of the schema, with foreign keys. A v3
// file keeps the definitions and tags earlier builds stored (made on open, without foreign keys), a v3
// file without them gains empty ones, and a file from a newer build is refused untouched.
#include "core/store/project.h"
#include "core/store/schema.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

namespace {

qint64 scalar(Database& db, const QString& sql)
{
    Statement s = db.prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
}

QString text(Database& db, const QString& sql)
{
    Statement s = db.prepare(sql);
    return s.step() ? s.columnText(0) : QStringLiteral("<none>");
}

// A schema-3 file with two images and two labels; with `editorTables`, the tables as earlier builds
// made them when the editor opened the project, holding rows of both and of a deleted image and label.
bool makeV3(const QString& file, bool editorTables)
{
    Database db;
    QString error;
    if (!db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) || !migrate(db, 0, 3, &error))
        return false;
    bool ok = db.exec(QStringLiteral(
        "INSERT INTO assets(id, path, sha256, width, height, added) VALUES(1, 'a.png', 'a', 3, 4, 0), "
        "(2, 'b.png', 'b', 3, 4, 0);"
        "INSERT INTO labels(id, name) VALUES(1, 'cat'), (2, 'dog');"));
    if (editorTables)
        ok = ok &&
             db.exec(QStringLiteral(
                 "CREATE TABLE label_definitions(label_id INTEGER PRIMARY KEY, definition TEXT NOT NULL);"
                 "CREATE TABLE asset_tags(asset_id INTEGER PRIMARY KEY, tags TEXT NOT NULL);"
                 "INSERT INTO label_definitions VALUES(1, '{\"keypoints\":[\"nose\"]}'), (9, '{}');"
                 "INSERT INTO asset_tags VALUES(1, '[\"night\"]'), (2, '[\"blurry\"]'), (9, '[\"x\"]');"));
    return ok;
}

} // namespace

class TestStoreSchemaV4 : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void v3FileKeepsDefinitionsAndTags()
    {
        const QString file = m_dir.filePath(QStringLiteral("v3.loupe"));
        QVERIFY(makeV3(file, true));
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion);
        QVERIFY(Project::kSchemaVersion >= 4);
        Database& db = p->db();
        QCOMPARE(text(db, QStringLiteral("SELECT definition FROM label_definitions WHERE label_id = 1")),
                 QStringLiteral("{\"keypoints\":[\"nose\"]}"));
        QCOMPARE(text(db, QStringLiteral("SELECT tags FROM asset_tags WHERE asset_id = 1")),
                 QStringLiteral("[\"night\"]"));
        QCOMPARE(text(db, QStringLiteral("SELECT tags FROM asset_tags WHERE asset_id = 2")),
                 QStringLiteral("[\"blurry\"]"));
        // Rows of a label and an image that were already gone are not carried over.
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM label_definitions")), 1);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM asset_tags")), 2);
        QCOMPARE(text(db, QStringLiteral("PRAGMA foreign_key_check")), QStringLiteral("<none>"));
    }

    void v3FileWithoutTheTablesGainsThem()
    {
        const QString file = m_dir.filePath(QStringLiteral("plain.loupe"));
        QVERIFY(makeV3(file, false));
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion);
        QCOMPARE(scalar(p->db(), QStringLiteral("SELECT COUNT(*) FROM label_definitions")), 0);
        QCOMPARE(scalar(p->db(), QStringLiteral("SELECT COUNT(*) FROM asset_tags")), 0);
        QCOMPARE(p->info().assets, 2);
        QCOMPARE(p->labels().size(), 2);
    }

    // Tags go with their image, a definition with its label; undoing a label's removal brings its
    // definition back.
    void definitionsAndTagsFollowTheirRows()
    {
        const QString file = m_dir.filePath(QStringLiteral("cascade.loupe"));
        QVERIFY(makeV3(file, true));
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        Database& db = p->db();
        QVERIFY(db.exec(QStringLiteral("DELETE FROM assets WHERE id = 2")));
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM asset_tags WHERE asset_id = 2")), 0);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM asset_tags WHERE asset_id = 1")), 1);
        QVERIFY2(p->removeLabel(1, &error), qPrintable(error));
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM label_definitions")), 0);
        QVERIFY2(p->undo(&error), qPrintable(error));
        QCOMPARE(text(db, QStringLiteral("SELECT definition FROM label_definitions WHERE label_id = 1")),
                 QStringLiteral("{\"keypoints\":[\"nose\"]}"));
        QVERIFY2(p->redo(&error), qPrintable(error));
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM label_definitions")), 0);
        // A definition needs its label.
        QVERIFY(!db.exec(QStringLiteral("INSERT INTO label_definitions VALUES(42, '{}')")));
    }

    void newerFileIsRefusedUntouched()
    {
        const QString file = m_dir.filePath(QStringLiteral("newer.loupe"));
        {
            QString error;
            QVERIFY2(Project::create(file, &error), qPrintable(error));
            Database db;
            QVERIFY(db.open(file, SQLITE_OPEN_READWRITE));
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = %1").arg(Project::kSchemaVersion + 1)));
        }
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        QString error;
        QVERIFY(!Project::open(file, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }
};

QTEST_GUILESS_MAIN(TestStoreSchemaV4)
#include "tst_store_schema_v4.moc"
