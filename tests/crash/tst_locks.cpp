// SPDX-License-Identifier: MIT
// A second Project on a file this process already has open (the app's project while an import job opens
// its own) must not drop the first one's SQLite locks: with them gone, another process closing the
// project takes it for the last connection and checkpoints and deletes the WAL under the first one.
#include "core/store/project.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

QVector<AssetRecord> assets(int first, int n)
{
    QVector<AssetRecord> out;
    for (int i = first; i < first + n; ++i) {
        AssetRecord r;
        r.absolutePath = QStringLiteral("/images/%1.png").arg(i);
        r.sha256Hex = QString::number(i);
        out << r;
    }
    return out;
}

} // namespace

class TestLocks : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void secondOpenKeepsTheFirstConnectionsLocks()
    {
        const QString file = m_tmp.filePath(QStringLiteral("shared.loupe"));
        QString error;
        auto app = Project::create(file, &error);
        QVERIFY2(app, qPrintable(error));
        QVERIFY(app->db().exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0")));
        QVERIFY(app->addAssets(assets(0, 100), &error));
        {
            auto job = Project::open(file, &error); // checks the file, then opens its own connection
            QVERIFY2(job, qPrintable(error));
            QCOMPARE(job->countAssets({}), qint64(100));
        }
        QProcess other;
        other.start(QStringLiteral(CRASH_EDITOR), {QStringLiteral("open"), file});
        QVERIFY(other.waitForFinished(30000));
        QCOMPARE(other.exitCode(), 0);
        QVERIFY(other.readAllStandardOutput().contains("assets 100"));
        // The app still has the project open, so its WAL must still be there.
        QVERIFY2(QFileInfo::exists(file + QStringLiteral("-wal")), "another process deleted the WAL in use");
        QVERIFY(app->addAssets(assets(100, 100), &error));
        app.reset();
        auto again = Project::open(file, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->countAssets({}), qint64(200));
        QCOMPARE(again->info().integrity, QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestLocks)
#include "tst_locks.moc"
