// SPDX-License-Identifier: MIT
// Schema 5 -> 6 and the sequence API: video frames (sequence name + frame index) and folders of images
// walked in order, the way frame stepping and propagation walk them.
#include "core/store/project.h"
#include "core/store/schema.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe::core;

namespace {

AssetRecord record(const QString& path, const QString& sha, const QString& sequence = {},
                   std::optional<qint64> frame = std::nullopt)
{
    AssetRecord r;
    r.absolutePath = path;
    r.sha256Hex = sha;
    r.width = 4;
    r.height = 3;
    r.format = QStringLiteral("png");
    r.sequence = sequence;
    r.frame = frame;
    return r;
}

QList<qint64> ids(const QVector<SequenceFrame>& frames)
{
    QList<qint64> out;
    for (const SequenceFrame& f : frames)
        out << f.assetId;
    return out;
}

qint64 idOf(Project& p, const QString& storedPath)
{
    Statement s = p.db().prepare(QStringLiteral("SELECT id FROM assets WHERE path = ?1"));
    s.bind(1, storedPath);
    return s.step() ? s.columnInt64(0) : -1;
}

bool makeV5(const QString& file, const QString& extraSql = {})
{
    Database db;
    QString error;
    if (!db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) || !migrate(db, 0, 5, &error))
        return false;
    return db.exec(
        QStringLiteral(
            "INSERT INTO assets(id, path, sha256, width, height, added) VALUES(1, 'a.png', 'a', 3, 4, 0);") +
        extraSql);
}

} // namespace

class TestStoreSequences : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    std::unique_ptr<Project> create(const QString& name)
    {
        QString error;
        auto p = Project::create(m_dir.filePath(name), &error);
        if (!p) qWarning() << error;
        return p;
    }

private slots:
    void v5FileOpensAsV6()
    {
        const QString file = m_dir.filePath(QStringLiteral("v5.loupe"));
        QVERIFY(makeV5(file));
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion);
        QVERIFY(Project::kSchemaVersion >= 6);
        const std::optional<AssetRow> row = p->asset(1);
        QVERIFY(row);
        QVERIFY(row->sequence.isEmpty());
        QVERIFY(!row->frame);
        // The old image is a folder sequence of one.
        const std::optional<SequenceKey> key = p->sequenceOf(1);
        QVERIFY(key && !key->isNamed() && key->folder.isEmpty());
        QCOMPARE(ids(p->sequenceFrames(*key)), QList<qint64>{1});
        Statement s = p->db().prepare(QStringLiteral("PRAGMA integrity_check"));
        QVERIFY(s.step());
        QCOMPARE(s.columnText(0), QStringLiteral("ok"));
    }

    // The step is one transaction: when it cannot complete, the file stays a whole v5 file.
    void failedUpgradeLeavesV5()
    {
        const QString file = m_dir.filePath(QStringLiteral("v5clash.loupe"));
        // A column the migration adds second already exists, so the step fails after its first ALTER.
        QVERIFY(makeV5(file, QStringLiteral("ALTER TABLE assets ADD COLUMN frame INTEGER;")));
        QString error;
        QVERIFY(!Project::open(file, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("schema 6")), qPrintable(error));
        Database db;
        QVERIFY(db.open(file, SQLITE_OPEN_READONLY));
        Statement v = db.prepare(QStringLiteral("PRAGMA user_version"));
        QVERIFY(v.step());
        QCOMPARE(v.columnInt64(0), 5);
        Statement c = db.prepare(
            QStringLiteral("SELECT COUNT(*) FROM pragma_table_info('assets') WHERE name = 'sequence'"));
        QVERIFY(c.step());
        QCOMPARE(c.columnInt64(0), 0);
    }

    void videoFramesInFrameOrder()
    {
        auto p = create(QStringLiteral("video.loupe"));
        QVERIFY(p);
        const QString dir = m_dir.filePath(QStringLiteral("frames/clip"));
        QString error;
        // Added out of order in two batches (a resumed import with another stride does this).
        QVERIFY(p->addAssets({record(dir + QStringLiteral("/frame_000004.png"), QStringLiteral("f4"),
                                     QStringLiteral("clip"), 4),
                              record(dir + QStringLiteral("/frame_000000.png"), QStringLiteral("f0"),
                                     QStringLiteral("clip"), 0)},
                             &error));
        QVERIFY(p->addAssets(
            {record(dir + QStringLiteral("/frame_000002.png"), QStringLiteral("f2"), QStringLiteral("clip"),
                    2),
             record(m_dir.filePath(QStringLiteral("frames/clip/still.png")), QStringLiteral("s"))},
            &error));
        const qint64 f0 = idOf(*p, QStringLiteral("frames/clip/frame_000000.png"));
        const qint64 f2 = idOf(*p, QStringLiteral("frames/clip/frame_000002.png"));
        const qint64 f4 = idOf(*p, QStringLiteral("frames/clip/frame_000004.png"));
        const qint64 still = idOf(*p, QStringLiteral("frames/clip/still.png"));
        QVERIFY(f0 > 0 && f2 > 0 && f4 > 0 && still > 0);

        const std::optional<SequenceKey> key = p->sequenceOf(f2);
        QVERIFY(key && key->isNamed());
        QCOMPARE(key->name, QStringLiteral("clip"));
        const QVector<SequenceFrame> frames = p->sequenceFrames(*key);
        QCOMPARE(ids(frames), (QList<qint64>{f0, f2, f4}));
        QCOMPARE(frames[1].frame, std::optional<qint64>(2));
        QCOMPARE(frames[1].storedPath, QStringLiteral("frames/clip/frame_000002.png"));
        QCOMPARE(p->neighbourFrame(f2, 1), std::optional<qint64>(f4));
        QCOMPARE(p->neighbourFrame(f2, -1), std::optional<qint64>(f0));
        QCOMPARE(p->neighbourFrame(f4, 1), std::nullopt);
        QCOMPARE(p->neighbourFrame(f0, -1), std::nullopt);
        QCOMPARE(p->neighbourFrame(9999, 1), std::nullopt);
        const auto pos = p->sequencePosition(f4);
        QVERIFY(pos);
        QCOMPARE(pos->index, 2);
        QCOMPARE(pos->count, 3);
        QCOMPARE(pos->frame, std::optional<qint64>(4));
        // The unnamed image beside the frames is its folder's sequence, not the video's.
        QCOMPARE(ids(p->sequenceFramesOf(still)), QList<qint64>{still});
        QCOMPARE(p->sequenceNames(), QStringList{QStringLiteral("clip")});

        // The same frame of the same sequence again (other bytes) is a duplicate, not a second frame.
        const auto again = p->addAssets({record(dir + QStringLiteral("/frame_000002b.png"),
                                                QStringLiteral("f2b"), QStringLiteral("clip"), 2)},
                                        &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->added, 0);
        QCOMPARE(again->duplicates, 1);

        // Pages of the browser carry the frame, and keep a video's frames together in frame order where
        // its first frame came, though frame 2 and the still were added after frames 4 and 0.
        const QVector<AssetRow> rows = p->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), 4);
        QList<qint64> order;
        for (const AssetRow& r : rows)
            order << r.id;
        QCOMPARE(order, (QList<qint64>{f0, f2, f4, still}));
        QCOMPARE(p->assetPage({}, 1, 2).front().id, f2); // paging follows the same order
        for (const AssetRow& r : rows) {
            if (r.id == f4) {
                QCOMPARE(r.sequence, QStringLiteral("clip"));
                QCOMPARE(r.frame, std::optional<qint64>(4));
            }
            if (r.id == still) QVERIFY(r.sequence.isEmpty() && !r.frame);
        }
        QCOMPARE(p->asset(f0)->frame, std::optional<qint64>(0));
    }

    void folderImagesInNumberOrder()
    {
        auto p = create(QStringLiteral("folder.loupe"));
        QVERIFY(p);
        QString error;
        QVERIFY(
            p->addAssets({record(m_dir.filePath(QStringLiteral("shots/img10.png")), QStringLiteral("10")),
                          record(m_dir.filePath(QStringLiteral("shots/img2.png")), QStringLiteral("2")),
                          record(m_dir.filePath(QStringLiteral("shots/img002b.png")), QStringLiteral("2b")),
                          record(m_dir.filePath(QStringLiteral("shots/img1.png")), QStringLiteral("1")),
                          record(m_dir.filePath(QStringLiteral("shots/sub/img3.png")), QStringLiteral("3")),
                          record(m_dir.filePath(QStringLiteral("shotsX/img4.png")), QStringLiteral("4")),
                          record(m_dir.filePath(QStringLiteral("top.png")), QStringLiteral("t"))},
                         &error));
        const qint64 i1 = idOf(*p, QStringLiteral("shots/img1.png"));
        const qint64 i2 = idOf(*p, QStringLiteral("shots/img2.png"));
        const qint64 i10 = idOf(*p, QStringLiteral("shots/img10.png"));
        const qint64 i2b = idOf(*p, QStringLiteral("shots/img002b.png"));
        const qint64 top = idOf(*p, QStringLiteral("top.png"));
        const std::optional<SequenceKey> key = p->sequenceOf(i2);
        QVERIFY(key && !key->isNamed());
        QCOMPARE(key->folder, QStringLiteral("shots"));
        // Subfolders and a folder whose name merely starts the same are other sequences.
        QCOMPARE(ids(p->sequenceFrames(*key)), (QList<qint64>{i1, i2, i2b, i10}));
        QCOMPARE(p->neighbourFrame(i2, 1), std::optional<qint64>(i2b));
        QCOMPARE(p->neighbourFrame(i1, 3), std::optional<qint64>(i10));
        QCOMPARE(p->neighbourFrame(i10, 1), std::nullopt);
        QCOMPARE(p->sequencePosition(i10)->index, 3);
        QVERIFY(!p->sequencePosition(i10)->frame);
        // Files beside the project file form the "" folder.
        QCOMPARE(ids(p->sequenceFramesOf(top)), QList<qint64>{top});
        QVERIFY(p->sequenceNames().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStoreSequences)
#include "tst_store_sequences.moc"
