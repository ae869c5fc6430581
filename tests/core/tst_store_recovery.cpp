// SPDX-License-Identifier: MIT
// A project killed while SQLite copied its WAL into the main file: the main file is shorter than its
// header says, the WAL beside it holds every page. It must open with every row, not be called damaged.
#include "core/store/project.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

quint32 be32(const QByteArray& b, int offset)
{
    return (quint32(quint8(b[offset])) << 24) | (quint32(quint8(b[offset + 1])) << 16) |
           (quint32(quint8(b[offset + 2])) << 8) | quint32(quint8(b[offset + 3]));
}

QVector<AssetRecord> assets(const QString& dir, int n)
{
    QVector<AssetRecord> out;
    for (int i = 0; i < n; ++i) {
        AssetRecord r;
        r.absolutePath = dir + QStringLiteral("/img%1.png").arg(i);
        r.sha256Hex = QStringLiteral("%1").arg(i, 64, 10, QLatin1Char('0'));
        r.width = 64;
        r.height = 48;
        r.format = QStringLiteral("png");
        out << r;
    }
    return out;
}

} // namespace

class TestStoreRecovery : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    QString path(const QString& name) const { return m_tmp.filePath(name); }

    // Leaves at `target` what SIGKILL in the middle of a checkpoint leaves: the WAL as it was, and a main
    // file holding the first `keepFraction` of the checkpointed pages (page 1, with the new page count,
    // is copied first). Returns the number of rows committed.
    int makeInterruptedCheckpoint(const QString& target, double keepFraction)
    {
        const QString source = target + QStringLiteral(".source");
        QString error;
        auto p = Project::create(source, &error);
        if (!p) return -1;
        p->db().exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0")); // keep everything in the WAL
        if (!p->db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"))) return -1;
        const int rows = 3000;
        if (!p->addAssets(assets(m_tmp.path(), rows), &error)) return -1;
        // The committed state before any checkpoint: old main file plus the WAL.
        if (!writeBytes(target, fileBytes(source)) ||
            !writeBytes(target + QStringLiteral("-wal"), fileBytes(source + QStringLiteral("-wal"))))
            return -1;
        if (!p->db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"))) return -1;
        const QByteArray full = fileBytes(source);
        const int pageSize = 4096;
        const qint64 oldSize = QFileInfo(target).size();
        if (full.size() % pageSize != 0 || full.size() <= oldSize + 2 * pageSize) return -1;
        qint64 keep = qint64(full.size() * keepFraction) / pageSize * pageSize;
        keep = std::clamp(keep, oldSize + pageSize, qint64(full.size()) - pageSize);
        if (!writeBytes(target, full.left(keep))) return -1;
        return rows;
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void interruptedCheckpointRecoversFromTheWal_data()
    {
        QTest::addColumn<double>("keep");
        QTest::newRow("page 1 only copied") << 0.0;
        QTest::newRow("half copied") << 0.5;
        QTest::newRow("all but the last page") << 1.0;
    }

    void interruptedCheckpointRecoversFromTheWal()
    {
        QFETCH(double, keep);
        const QString file =
            path(QStringLiteral("killed-%1.loupe").arg(QTest::currentDataTag()).replace(' ', '-'));
        const int rows = makeInterruptedCheckpoint(file, keep);
        QVERIFY(rows > 0);
        // The state the old raw check refused: the header promises more pages than the file has.
        const QByteArray header = fileBytes(file).left(100);
        QVERIFY(qint64(be32(header, 28)) * 4096 > QFileInfo(file).size());
        QVERIFY(QFileInfo(file + QStringLiteral("-wal")).size() > 0);

        QString error;
        {
            auto p = Project::open(file, &error);
            QVERIFY2(p, qPrintable(error));
            QCOMPARE(p->countAssets({}), qint64(rows));
            QCOMPARE(p->info().integrity, QStringLiteral("ok"));
        }
        // Closing checkpointed the WAL: the main file is whole and opens without it.
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-wal")));
        QVERIFY(qint64(be32(fileBytes(file).left(100), 28)) * 4096 <= QFileInfo(file).size());
        auto again = Project::open(file, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->countAssets({}), qint64(rows));
    }

    void aFolderIsRefusedByName()
    {
        QString error;
        QVERIFY(!Project::open(m_tmp.path(), &error));
        QCOMPARE(error, QStringLiteral("%1: a folder, not a Loupe project file").arg(m_tmp.path()));
    }

    void truncationWithoutAWalIsStillRefused()
    {
        const QString file = path(QStringLiteral("cut.loupe"));
        QVERIFY(makeInterruptedCheckpoint(file, 0.5) > 0);
        QVERIFY(QFile::remove(file + QStringLiteral("-wal"))); // the pages it held are gone for good
        const QByteArray before = fileBytes(file);
        QString error;
        QVERIFY(!Project::open(file, &error));
        QVERIFY2(error.startsWith(file) && error.contains(QStringLiteral("truncated")), qPrintable(error));
        QCOMPARE(fileBytes(file), before);
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-wal")));
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-shm")));
    }
};

QTEST_GUILESS_MAIN(TestStoreRecovery)
#include "tst_store_recovery.moc"
