// SPDX-License-Identifier: MIT
// Transactions inside a transaction: a caller can make several steps that each open a Transaction one
// commit (an edit and its undo record), so a crash keeps both or neither.
#include "core/store/project.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

namespace {

qint64 count(Database& db)
{
    Statement s = db.prepare(QStringLiteral("SELECT COUNT(*) FROM t"));
    return s.step() ? s.columnInt64(0) : -1;
}

} // namespace

class TestStoreTransaction : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    Database m_db;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY(
            m_db.open(m_tmp.filePath(QStringLiteral("t.db")), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
        QVERIFY(m_db.exec(QStringLiteral("PRAGMA journal_mode = WAL; CREATE TABLE t(x)")));
    }
    void init() { QVERIFY(m_db.exec(QStringLiteral("DELETE FROM t"))); }

    void innerCommitsLandWithTheOuterCommit()
    {
        {
            Transaction outer(m_db);
            QVERIFY(outer.isActive() && !outer.isNested());
            for (int i = 0; i < 2; ++i) {
                Transaction inner(m_db);
                QVERIFY(inner.isActive() && inner.isNested());
                QVERIFY(m_db.exec(QStringLiteral("INSERT INTO t VALUES(1)")));
                QVERIFY(inner.commit());
            }
            // Another connection sees nothing until the outer commit.
            Database other;
            QVERIFY(other.open(m_tmp.filePath(QStringLiteral("t.db")), SQLITE_OPEN_READWRITE));
            QCOMPARE(count(other), qint64(0));
            QVERIFY(outer.commit());
            QCOMPARE(count(other), qint64(2));
        }
        QCOMPARE(count(m_db), qint64(2));
    }

    void innerRollbackKeepsTheOuterWrites()
    {
        {
            Transaction outer(m_db);
            QVERIFY(m_db.exec(QStringLiteral("INSERT INTO t VALUES(1)")));
            {
                Transaction inner(m_db);
                QVERIFY(m_db.exec(QStringLiteral("INSERT INTO t VALUES(2)")));
            } // not committed: rolled back alone
            QCOMPARE(count(m_db), qint64(1));
            QVERIFY(outer.commit());
        }
        QCOMPARE(count(m_db), qint64(1));
    }

    void outerRollbackDropsCommittedInnerWrites()
    {
        {
            Transaction outer(m_db);
            Transaction inner(m_db);
            QVERIFY(m_db.exec(QStringLiteral("INSERT INTO t VALUES(1)")));
            QVERIFY(inner.commit());
        }
        QCOMPARE(count(m_db), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestStoreTransaction)
#include "tst_store_transaction.moc"
