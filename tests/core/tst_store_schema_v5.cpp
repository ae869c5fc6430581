// SPDX-License-Identifier: MIT
// Schema 4 -> 5: a v4 file keeps its chats, captions and tags, and from then on clearing a chat or
// changing tags is undoable like a caption edit.
#include "core/store/assettags.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "core/store/qaturns.h"
#include "core/store/schema.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

class TestStoreSchemaV5 : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void v4FileKeepsRowsAndGainsUndo()
    {
        const QString file = m_dir.filePath(QStringLiteral("v4.loupe"));
        {
            Database db;
            QString error;
            QVERIFY(db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
            QVERIFY2(migrate(db, 0, 4, &error), qPrintable(error));
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO assets(id, path, sha256, width, height, added) VALUES(1, 'a.png', 'a', 3, 4, 0);"
                "INSERT INTO captions(asset_id, text, created) VALUES(1, 'a cat', 0);"
                "INSERT INTO qa_turns(asset_id, question, answer, created) VALUES(1, 'what?', 'cat', 0);"
                "INSERT INTO asset_tags VALUES(1, '[\"night\"]');")));
        }
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion); // migrated to the newest on open
        QVERIFY(Project::kSchemaVersion >= 5);
        QCOMPARE(captionsOf(*p, 1).size(), 1);
        QCOMPARE(qaTurnsOf(*p, 1).size(), 1);
        QCOMPARE(assetTags(*p, 1), QStringList{QStringLiteral("night")});

        QVERIFY2(clearQaTurns(*p, 1, &error), qPrintable(error));
        QVERIFY2(setAssetTags(*p, 1, {}, &error), qPrintable(error));
        QVERIFY(p->undo(&error) && p->undo(&error));
        QCOMPARE(qaTurnsOf(*p, 1).front().answer, QStringLiteral("cat"));
        QCOMPARE(assetTags(*p, 1), QStringList{QStringLiteral("night")});
        Statement s = p->db().prepare(QStringLiteral("PRAGMA integrity_check"));
        QVERIFY(s.step());
        QCOMPARE(s.columnText(0), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestStoreSchemaV5)
#include "tst_store_schema_v5.moc"
