// SPDX-License-Identifier: MIT
// Schema 2 -> 3: a file made before the editor's undo history existed opens, keeps its rows and its
// project undo log, and gains the history tables and the per-image review index.
#include "core/store/project.h"
#include "core/store/schema.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

class TestHistoryMigration : public QObject
{
    Q_OBJECT
private slots:
    void v2FileOpensAtV3()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("v2.loupe"));
        {
            Database db;
            QVERIFY(db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
            QString error;
            QVERIFY2(migrate(db, 0, 2, &error), qPrintable(error));
            QVERIFY(db.exec(QStringLiteral("INSERT INTO assets(path, sha256, width, height, added) "
                                           "VALUES('x.png', 'abc', 3, 4, 0)")));
            QVERIFY(db.exec(QStringLiteral("INSERT INTO annotations(asset_id, kind, geometry, review_state, "
                                           "created, updated) VALUES(1, 'tag', '{}', 2, 0, 0)")));
            QVERIFY(db.exec(
                QStringLiteral("INSERT INTO undo_actions(name, undone, created) VALUES('Old', 0, 0)")));
            Statement v = db.prepare(QStringLiteral("PRAGMA user_version"));
            QVERIFY(v.step());
            QCOMPARE(v.columnInt64(0), 2);
        }
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion); // migrated to the newest on open
        QCOMPARE(p->info().assets, 1);
        QCOMPARE(p->info().annotations, 1);
        QCOMPARE(p->undoText(), QStringLiteral("Old"));
        Statement idx =
            p->db().prepare(QStringLiteral("SELECT idx FROM annotation_history_state WHERE id = 1"));
        QVERIFY(idx.step());
        QCOMPARE(idx.columnInt64(0), 0);
        QVERIFY(p->db().exec(
            QStringLiteral("INSERT INTO annotation_history(position, record) VALUES(0, x'7b7d')")));
        // The state table holds exactly one row.
        QVERIFY(!p->db().exec(QStringLiteral("INSERT INTO annotation_history_state VALUES(2, 0)")));
        Statement plan =
            p->db().prepare(QStringLiteral("EXPLAIN QUERY PLAN SELECT review_state, COUNT(*) FROM "
                                           "annotations WHERE asset_id = 1 GROUP BY review_state"));
        QString detail;
        while (plan.step())
            detail += plan.columnText(3);
        QVERIFY2(detail.contains(QLatin1String("annotations_asset_review")), qPrintable(detail));
    }

    void setDoneIsOneUndoableStep()
    {
        QTemporaryDir dir;
        QString error;
        auto p = Project::create(dir.filePath(QStringLiteral("d.loupe")), &error);
        QVERIFY2(p, qPrintable(error));
        AssetRecord r;
        r.absolutePath = dir.filePath(QStringLiteral("a.png"));
        r.sha256Hex = QStringLiteral("aa");
        r.width = r.height = 4;
        QVERIFY(p->addAssets({r}, &error));
        const qint64 id = p->assetPage({}, 0, 1).at(0).id;
        auto done = [&] {
            Statement s = p->db().prepare(QStringLiteral("SELECT done FROM assets WHERE id = ?1"));
            s.bind(1, id);
            return s.step() ? s.columnInt64(0) : -1;
        };
        QVERIFY(p->setDone({id}, true, &error));
        QCOMPARE(done(), 1);
        QCOMPARE(p->undoText(), QStringLiteral("Mark Done"));
        QVERIFY(p->undo());
        QCOMPARE(done(), 0);
        QVERIFY(p->canRedo());
        QVERIFY(p->discardRedo(&error));
        QVERIFY(!p->canRedo());
        QCOMPARE(p->undoActions().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHistoryMigration)
#include "tst_history_migration.moc"
