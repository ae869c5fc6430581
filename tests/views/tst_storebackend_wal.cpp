// SPDX-License-Identifier: MIT
// The window's project connection leaves WAL checkpoints to the checkpointer's worker thread: it runs
// with wal_autocheckpoint = 0, the worker moves its edits into the main file, closing the project empties
// the WAL, and everything committed is there after reopening.
#include "core/store/database.h"
#include "core/store/project.h"
#include "core/store/walcheckpointer.h"
#include "views/mainwindow/storebackend.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <sqlite3.h>

using namespace loupe;

namespace {

int pragmaInt(core::Database& db, const char* name)
{
    core::Statement s = db.prepare(QStringLiteral("PRAGMA %1").arg(QLatin1String(name)));
    return s.step() ? int(s.columnInt64(0)) : -1;
}

// The assets the main file alone holds: immutable=1 reads no WAL.
qint64 assetsInMainFile(const QString& path)
{
    core::Database db;
    if (!db.open(QUrl::fromLocalFile(path).toString() + QStringLiteral("?mode=ro&immutable=1"),
                 SQLITE_OPEN_READONLY))
        return -1;
    core::Statement s = db.prepare(QStringLiteral("SELECT COUNT(*) FROM assets"));
    return s.step() ? s.columnInt64(0) : -1;
}

} // namespace

class TestStoreBackendWal : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void editsAreCheckpointedOffTheGuiConnection()
    {
        const QString path = m_dir.filePath(QStringLiteral("wal.loupe"));
        QString error;
        {
            std::unique_ptr<views::ProjectBackend> backend = views::StoreBackend::open(path, true, &error);
            QVERIFY2(backend, qPrintable(error));
            auto* store = qobject_cast<views::StoreBackend*>(backend.get());
            QVERIFY(store && store->checkpointer());
            core::Project* project = store->project();
            QCOMPARE(pragmaInt(project->db(), "wal_autocheckpoint"), 0);
            const int before = store->checkpointer()->completedCheckpoints();
            QVector<core::AssetRecord> batch;
            for (int i = 0; i < 200; ++i) {
                core::AssetRecord r;
                r.absolutePath = QStringLiteral("/images/%1.png").arg(i);
                r.sha256Hex = QString::number(i).rightJustified(64, QLatin1Char('0'));
                r.width = r.height = 4;
                r.format = QStringLiteral("png");
                batch << r;
            }
            QVERIFY(project->addAssets(batch, &error));
            QVERIFY(project->setSplit({1, 2}, QStringLiteral("val"), &error));
            QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() > 0);
            // After the idle time the worker has moved the edits into the main file.
            QTRY_VERIFY_WITH_TIMEOUT(store->checkpointer()->completedCheckpoints() > before, 30000);
            QTRY_COMPARE(assetsInMainFile(path), qint64(200));
        }
        // Closed: the WAL was emptied before the connection went.
        QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() == 0);
        auto again = core::Project::open(path, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->info().assets, qint64(200));
        QCOMPARE(again->asset(2)->split, QStringLiteral("val"));
    }
};

QTEST_MAIN(TestStoreBackendWal)
#include "tst_storebackend_wal.moc"
