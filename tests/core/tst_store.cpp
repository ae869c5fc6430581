// SPDX-License-Identifier: MIT
#include "core/store/assetquery.h"
#include "core/store/project.h"
#include "core/store/schema.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace loupe::core;

namespace {

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

AssetRecord record(const QString& path, const QString& sha, const QString& split = {})
{
    AssetRecord r;
    r.absolutePath = path;
    r.sha256Hex = sha;
    r.width = 64;
    r.height = 48;
    r.format = QStringLiteral("png");
    r.split = split;
    return r;
}

bool sameFolderContents(const QString& dir, const QStringList& expected)
{
    QStringList names = QDir(dir).entryList(QDir::Files);
    names.sort();
    QStringList e = expected;
    e.sort();
    return names == e;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    QString path(const QString& name) const { return m_tmp.filePath(name); }

private slots:
    void createsSchema()
    {
        QString error;
        auto p = Project::create(path(QStringLiteral("a.loupe")), &error);
        QVERIFY2(p, qPrintable(error));
        const ProjectInfo i = p->info();
        QCOMPARE(i.schemaVersion, Project::kSchemaVersion);
        QCOMPARE(i.integrity, QStringLiteral("ok"));
        QCOMPARE(i.assets, 0);
        QVERIFY(!Project::create(path(QStringLiteral("a.loupe")), &error)); // never overwrites
        QVERIFY(error.contains(QStringLiteral("already exists")));
    }
    void opensWhileAnotherConnectionHasIt()
    {
        // The creating connection stays open, so schema and rows may live only in the WAL.
        QString error;
        const QString file = path(QStringLiteral("shared.loupe"));
        auto first = Project::create(file, &error);
        QVERIFY(first);
        QVERIFY(first->addAssets({record(path(QStringLiteral("w.png")), QStringLiteral("w"))}, &error));
        auto second = Project::open(file, &error);
        QVERIFY2(second, qPrintable(error));
        QCOMPARE(second->info().assets, 1);
        QCOMPARE(second->info().schemaVersion, Project::kSchemaVersion);
    }
    void migratesV1()
    {
        const QString file = path(QStringLiteral("v1.loupe"));
        {
            Database db;
            QVERIFY(db.open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
            QVERIFY(db.exec(schemaV1Sql()));
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 1")));
            QVERIFY(db.exec(QStringLiteral("INSERT INTO assets(path, sha256, width, height, added) "
                                           "VALUES('x.png', 'abc', 3, 4, 0)")));
        }
        QString error;
        auto p = Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->info().schemaVersion, Project::kSchemaVersion);
        QCOMPARE(p->info().assets, 1);
        // The v2 column exists and the v2 undo triggers record it.
        QVERIFY(p->db().exec(QStringLiteral("SELECT z FROM annotations")));
        QVERIFY(p->db().exec(QStringLiteral("SELECT done FROM assets")));
    }
    void refusesNewerCorruptAndForeignFilesUntouched()
    {
        QString error;
        const QString newer = path(QStringLiteral("newer.loupe"));
        {
            auto p = Project::create(newer, &error);
            QVERIFY(p);
            QVERIFY(p->db().exec(QStringLiteral("PRAGMA user_version = 99")));
        }
        const QString foreign = path(QStringLiteral("foreign.loupe"));
        {
            QFile f(foreign);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a database at all, just text\n");
        }
        const QString truncated = path(QStringLiteral("truncated.loupe"));
        {
            auto p = Project::create(path(QStringLiteral("full.loupe")), &error);
            QVector<AssetRecord> batch;
            for (int i = 0; i < 2000; ++i)
                batch << record(path(QStringLiteral("img%1.png").arg(i)), QString::number(i));
            QVERIFY(p->addAssets(batch, &error));
            QVERIFY(p->saveAs(path(QStringLiteral("full-copy.loupe")), &error));
            const QByteArray bytes = fileBytes(path(QStringLiteral("full-copy.loupe")));
            QVERIFY(bytes.size() > 8192);
            QFile f(truncated);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.left(bytes.size() / 2 + 100));
        }
        for (const QString& file : {newer, foreign, truncated}) {
            const QByteArray before = fileBytes(file);
            const QStringList filesBefore = QDir(m_tmp.path()).entryList(QDir::Files);
            error.clear();
            QVERIFY2(!Project::open(file, &error), qPrintable(file));
            QVERIFY2(error.startsWith(file), qPrintable(error));
            QCOMPARE(fileBytes(file), before);
            QVERIFY2(sameFolderContents(m_tmp.path(), filesBefore), "a -wal/-shm/journal appeared");
        }
        Project::open(newer, &error);
        QVERIFY(error.contains(QStringLiteral("newer")));
        QVERIFY(!Project::open(path(QStringLiteral("missing.loupe")), &error));
        QVERIFY(error.contains(QStringLiteral("no such file")));
    }
    void assetsDedupeAndPaths()
    {
        QString error;
        auto p = Project::create(path(QStringLiteral("assets.loupe")), &error);
        QVERIFY(p);
        const QString inside = path(QStringLiteral("sub dir/bild ü 1.png"));
        const QString outside = QStringLiteral("/elsewhere/photo.jpg");
        auto r = p->addAssets({record(inside, QStringLiteral("h1"), QStringLiteral("train")),
                               record(outside, QStringLiteral("h2"), QStringLiteral("val")),
                               record(path(QStringLiteral("copy.png")), QStringLiteral("h1"))},
                              &error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->added, 2);
        QCOMPARE(r->duplicates, 1);
        QVERIFY(p->containsSha256(QStringLiteral("h2")));
        const auto rows = p->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].storedPath, QStringLiteral("sub dir/bild ü 1.png"));
        QCOMPARE(p->absolutePath(rows[0].storedPath), inside);
        QCOMPARE(rows[1].storedPath, outside);
        QCOMPARE(p->countAssets(AssetFilter{QStringLiteral("ü"), {}, {}, {}}), 1);
        QCOMPARE(p->countAssets(AssetFilter{{}, {}, QStringLiteral("val"), {}}), 1);
        QCOMPARE(p->countAssets(AssetFilter{QStringLiteral("%"), {}, {}, {}}), 0); // LIKE wildcards escaped
        QCOMPARE(p->splits(), (QStringList{QStringLiteral("train"), QStringLiteral("val")}));
        QVERIFY(p->setReviewState({rows[1].id}, ReviewAccepted));
        QCOMPARE(p->countAssets(AssetFilter{{}, {}, {}, int(ReviewAccepted)}), 1);
        // Label filter: only assets with an annotation of that label.
        const auto label = p->addLabel(Label{0, QStringLiteral("cat"), Qt::red, QStringLiteral("1"), 0});
        QVERIFY(label);
        QVERIFY(p->db().exec(QStringLiteral("INSERT INTO annotations(asset_id, label_id, kind, geometry, created, updated) "
                                            "VALUES(%1, %2, 'rectangle', '{}', 0, 0)").arg(rows[0].id).arg(*label)));
        QCOMPARE(p->countAssets(AssetFilter{{}, *label, {}, {}}), 1);
        QCOMPARE(p->assetPage(AssetFilter{{}, *label, {}, {}}, 0, 5).value(0).annotationCount, 1);
        // The worker-thread query sees the same.
        auto q = AssetQuery::open(p->path(), &error);
        QVERIFY2(q, qPrintable(error));
        QCOMPARE(q->count({}), 2);
        QVERIFY(p->storeThumbnail(rows[0].id, QByteArrayLiteral("png-bytes")));
        QCOMPARE(q->thumbnail(rows[0].id), QByteArrayLiteral("png-bytes"));
        QCOMPARE(p->assetsWithoutThumbnail(10), QList<qint64>{rows[1].id});
    }
    void runsModelsAndSaveAs()
    {
        QString error;
        auto p = Project::create(path(QStringLiteral("runs.loupe")), &error);
        QVERIFY(p->addAssets({record(path(QStringLiteral("r.png")), QStringLiteral("r"))}, &error));
        const qint64 asset = p->assetPage({}, 0, 1).value(0).id;
        RunRecord run;
        run.assetId = asset;
        run.kind = QStringLiteral("classify");
        run.modelPath = QStringLiteral("/models/vit");
        run.checkpointHash = QStringLiteral("deadbeef");
        run.backend = QStringLiteral("cpu");
        run.durationMs = 12.5;
        run.result = QJsonObject{{QStringLiteral("top"), 3}};
        QVERIFY(p->addRun(run, &error));
        const auto runs = p->runs(asset, QStringLiteral("classify"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].checkpointHash, QStringLiteral("deadbeef"));
        QCOMPARE(runs[0].result.value(QStringLiteral("top")).toInt(), 3);
        const auto m1 = p->registerModel(ModelRecord{0, QStringLiteral("/models/vit"), QStringLiteral("vit"),
                                                     QStringLiteral("ViTForImageClassification"), {}});
        const auto m2 = p->registerModel(ModelRecord{0, QStringLiteral("/models/vit"), {}, {}, {}});
        QCOMPARE(*m1, *m2);
        const QString copy = path(QStringLiteral("runs-copy.loupe"));
        QVERIFY2(p->saveAs(copy, &error), qPrintable(error));
        QVERIFY(!p->saveAs(copy, &error)); // never overwrites
        auto c = Project::open(copy, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->info().runs, 1);
        QCOMPARE(c->info().models, 1);
        QCOMPARE(c->info().assets, 1);
    }
    void undoRedoSurvivesReopen()
    {
        const QString file = path(QStringLiteral("undo.loupe"));
        QString error;
        qint64 asset = 0, label = 0;
        {
            auto p = Project::create(file, &error);
            QVERIFY(p->addAssets({record(path(QStringLiteral("u.png")), QStringLiteral("u"))}, &error));
            asset = p->assetPage({}, 0, 1).value(0).id;
            QVERIFY(!p->canUndo()); // imports are not edits
            QVERIFY(p->setSplit({asset}, QStringLiteral("train")));
            label = *p->addLabel(Label{0, QStringLiteral("dog"), Qt::blue, QStringLiteral("2"), 1});
            QVERIFY(p->updateLabel(Label{label, QStringLiteral("puppy"), Qt::green, QStringLiteral("3"), 1}));
            QCOMPARE(p->undoText(), QStringLiteral("Change Label"));
        }
        {
            auto p = Project::open(file, &error);
            QVERIFY2(p, qPrintable(error));
            QVERIFY(p->canUndo());
            QVERIFY(p->undo(&error));
            QCOMPARE(p->labels().value(0).name, QStringLiteral("dog"));
            QCOMPARE(p->labels().value(0).color, QColor(Qt::blue));
            QVERIFY(p->undo(&error));
            QVERIFY(p->labels().isEmpty());
            QCOMPARE(p->redoText(), QStringLiteral("Add Label"));
        }
        {
            auto p = Project::open(file, &error);
            QVERIFY(p->redo(&error)); // redo also survives reopening
            QCOMPARE(p->labels().value(0).id, label);
            QCOMPARE(p->labels().value(0).name, QStringLiteral("dog"));
            QVERIFY(p->undo(&error));
            QVERIFY(p->undo(&error));
            QCOMPARE(p->asset(asset)->split, QString());
            QVERIFY(!p->canUndo());
            QVERIFY(!p->undo(&error));
            QVERIFY(p->redo(&error));
            QCOMPARE(p->asset(asset)->split, QStringLiteral("train"));
            // A new edit drops the redo branch.
            QVERIFY(p->canRedo());
            QVERIFY(p->setReviewState({asset}, ReviewNeedsFix));
            QVERIFY(!p->canRedo());
            QVERIFY(p->undo(&error));
            QCOMPARE(p->asset(asset)->reviewState, int(ReviewNew));
            QCOMPARE(p->asset(asset)->split, QStringLiteral("train"));
        }
    }
    void removeLabelUndoRestoresAnnotations()
    {
        QString error;
        auto p = Project::create(path(QStringLiteral("rm.loupe")), &error);
        QVERIFY(p->addAssets({record(path(QStringLiteral("a.png")), QStringLiteral("a"))}, &error));
        const qint64 asset = p->assetPage({}, 0, 1).value(0).id;
        const auto added = p->addLabel(Label{0, QStringLiteral("cat"), Qt::red, {}, 0}, &error);
        QVERIFY2(added, qPrintable(error));
        const qint64 label = *added;
        QVERIFY2(p->edit(QStringLiteral("Add Shape"), [&](Database& db) {
            return db.exec(QStringLiteral("INSERT INTO annotations(asset_id, label_id, kind, geometry, created, updated) "
                                          "VALUES(%1, %2, 'point', '{\"x\":1}', 5, 5)").arg(asset).arg(label));
        }, &error), qPrintable(error));
        QVERIFY(p->removeLabel(label));
        QCOMPARE(p->countAssets(AssetFilter{{}, label, {}, {}}), 0);
        QVERIFY(p->undo(&error)); // label back, and the annotation's label_id (set NULL by the FK) too
        QCOMPARE(p->countAssets(AssetFilter{{}, label, {}, {}}), 1);
        QVERIFY(p->undo(&error)); // the shape goes
        QCOMPARE(p->info().annotations, 0);
        // A failing edit changes nothing and records nothing.
        QVERIFY(!p->edit(QStringLiteral("Broken"), [](Database& db) {
            db.exec(QStringLiteral("UPDATE labels SET name = 'x'"));
            return false;
        }, &error));
        QCOMPARE(p->labels().value(0).name, QStringLiteral("cat"));
        QCOMPARE(p->undoText(), QStringLiteral("Add Label"));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
