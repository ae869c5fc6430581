// SPDX-License-Identifier: MIT
// Schema 6 -> 7: runs record the backend, device and precision that ran them and why a chosen device
// did not. A v6 file's runs all ran on the CPU at f32 and say so after the upgrade.
#include "core/store/project.h"
#include "core/store/schema.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

class TestStoreRunsExecution : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void v6RunsMigrateAsCpuF32()
    {
        const QString file = m_dir.filePath(QStringLiteral("v6.loupe"));
        {
            Database db;
            QString error;
            QVERIFY(db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
            QVERIFY2(migrate(db, 0, 6, &error), qPrintable(error));
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO assets(id, path, sha256, width, height, added) VALUES(1, 'a.png', 'a', 3, 4, 0);"
                "INSERT INTO runs(asset_id, kind, model_path, backend, duration_ms, created) "
                "VALUES(1, 'classify', '/m', 'cpu', 2.5, 0);"
                "INSERT INTO runs(asset_id, kind, model_path, backend, duration_ms, created) "
                "VALUES(1, 'caption', '/m', NULL, 1.0, 1);")));
        }
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion);
        QVERIFY(Project::kSchemaVersion >= 7);
        const QVector<RunRecord> runs = p->runs(1);
        QCOMPARE(runs.size(), 2);
        for (const RunRecord& r : runs) {
            QCOMPARE(r.backend, QStringLiteral("cpu"));
            QCOMPARE(r.device, QStringLiteral("cpu"));
            QCOMPARE(r.precision, QStringLiteral("f32"));
            QVERIFY(r.fallbackReason.isEmpty());
        }
        Statement s = p->db().prepare(QStringLiteral("PRAGMA integrity_check"));
        QVERIFY(s.step());
        QCOMPARE(s.columnText(0), QStringLiteral("ok"));
    }

    void newRunKeepsWhatRanIt()
    {
        QString error;
        auto p = Project::create(m_dir.filePath(QStringLiteral("new.loupe")), &error);
        QVERIFY2(p, qPrintable(error));
        QVERIFY(p->db().exec(QStringLiteral(
            "INSERT INTO assets(id, path, sha256, width, height, added) VALUES(1, 'b.png', 'b', 3, 4, 0)")));
        RunRecord run;
        run.assetId = 1;
        run.kind = QStringLiteral("explain");
        run.backend = QStringLiteral("cpu");
        run.device = QStringLiteral("Intel Xeon");
        run.precision = QStringLiteral("bf16");
        run.fallbackReason = QStringLiteral("CUDA: no GPU; ran on the CPU");
        QVERIFY2(p->addRun(run, &error), qPrintable(error));
        const QVector<RunRecord> runs = p->runs(1, QStringLiteral("explain"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].backend, run.backend);
        QCOMPARE(runs[0].device, run.device);
        QCOMPARE(runs[0].precision, run.precision);
        QCOMPARE(runs[0].fallbackReason, run.fallbackReason);
    }
};

QTEST_GUILESS_MAIN(TestStoreRunsExecution)
#include "tst_store_runs_execution.moc"
