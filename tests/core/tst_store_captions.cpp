// SPDX-License-Identifier: MIT
// Captions through the store: added with their provenance, edited, removed, each step undoable, refused
// with a clear error when the input is wrong, and searchable by the dataset browser's filter.
#include "core/store/assetquery.h"
#include "core/store/captions.h"
#include "core/store/project.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

std::unique_ptr<Project> projectWithImages(const QString& file, int n)
{
    QString error;
    auto p = Project::create(file, &error);
    if (!p) return nullptr;
    QVector<AssetRecord> batch;
    for (int i = 0; i < n; ++i) {
        AssetRecord r;
        r.absolutePath = QStringLiteral("/images/%1.png").arg(i);
        r.sha256Hex = QString::number(i);
        r.width = r.height = 8;
        batch << r;
    }
    return p->addAssets(batch, &error) ? std::move(p) : nullptr;
}

} // namespace

class TestStoreCaptions : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void addEditRemoveAreUndoable()
    {
        auto p = projectWithImages(m_dir.filePath(QStringLiteral("a.loupe")), 2);
        QVERIFY(p);
        QString error;
        RunRecord run;
        run.assetId = 1;
        run.kind = QStringLiteral("caption");
        run.modelPath = QStringLiteral("/models/blip");
        const auto runId = p->addRun(run, &error);
        QVERIFY2(runId, qPrintable(error));

        const auto id =
            addCaption(*p, 1, QStringLiteral("a red circle"), QStringLiteral("model"), runId, &error);
        QVERIFY2(id, qPrintable(error));
        QCOMPARE(p->undoText(), QStringLiteral("Add Caption"));
        QVector<CaptionRow> c = captionsOf(*p, 1);
        QCOMPARE(c.size(), 1);
        QCOMPARE(c[0].text, QStringLiteral("a red circle"));
        QCOMPARE(c[0].source, QStringLiteral("model"));
        QCOMPARE(c[0].runId, runId);
        QVERIFY(captionsOf(*p, 2).isEmpty());

        QVERIFY2(updateCaptionText(*p, *id, QStringLiteral("a big red circle"), &error), qPrintable(error));
        QCOMPARE(captionsOf(*p, 1).front().text, QStringLiteral("a big red circle"));
        QCOMPARE(captionsOf(*p, 1).front().source, QStringLiteral("model")); // provenance stays
        QVERIFY2(p->undo(&error), qPrintable(error));
        QCOMPARE(captionsOf(*p, 1).front().text, QStringLiteral("a red circle"));
        QVERIFY2(p->redo(&error), qPrintable(error));
        QCOMPARE(captionsOf(*p, 1).front().text, QStringLiteral("a big red circle"));

        QVERIFY2(removeCaption(*p, *id, &error), qPrintable(error));
        QVERIFY(captionsOf(*p, 1).isEmpty());
        QVERIFY2(p->undo(&error), qPrintable(error));
        c = captionsOf(*p, 1);
        QCOMPARE(c.size(), 1);
        QCOMPARE(c[0].id, *id);
        QCOMPARE(c[0].runId, runId);
        // Undo past the add: gone again, redo brings it back.
        QVERIFY(p->undo(&error) && p->undo(&error));
        QVERIFY(captionsOf(*p, 1).isEmpty());
        QVERIFY(p->redo(&error));
        QCOMPARE(captionsOf(*p, 1).size(), 1);
    }

    void badInputIsRefusedNamingTheProblem()
    {
        const QString file = m_dir.filePath(QStringLiteral("bad.loupe"));
        auto p = projectWithImages(file, 1);
        QVERIFY(p);
        QString error;
        QVERIFY(!addCaption(*p, 1, QStringLiteral("   "), QStringLiteral("manual"), std::nullopt, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("empty")), qPrintable(error));
        QVERIFY(!addCaption(*p, 42, QStringLiteral("x"), QStringLiteral("manual"), std::nullopt, &error));
        QVERIFY2(error.contains(QLatin1String("image 42")), qPrintable(error));
        QVERIFY(!addCaption(*p, 1, QStringLiteral("x"), QStringLiteral("model"), 7, &error));
        QVERIFY2(error.contains(QLatin1String("run 7")), qPrintable(error));
        QVERIFY(!updateCaptionText(*p, 99, QStringLiteral("x"), &error));
        QVERIFY2(error.contains(QLatin1String("caption 99")), qPrintable(error));
        QVERIFY(!removeCaption(*p, 99, &error));
        QVERIFY2(error.contains(QLatin1String("caption 99")), qPrintable(error));
        QCOMPARE(p->info().captions, 0);
        QVERIFY(!p->canUndo()); // nothing refused left an undo step
    }

    void captionSearchFiltersTheBrowser()
    {
        const QString file = m_dir.filePath(QStringLiteral("search.loupe"));
        auto p = projectWithImages(file, 3);
        QVERIFY(p);
        QVERIFY(addCaption(*p, 1, QStringLiteral("A Red circle above a square")));
        QVERIFY(addCaption(*p, 2, QStringLiteral("two blue triangles")));
        QVERIFY(addCaption(*p, 2, QStringLiteral("100% red_ish")));
        AssetFilter f;
        f.captionText = QStringLiteral("red");
        QCOMPARE(p->countAssets(f), 2); // case-insensitive, and an image with two matches counts once
        f.captionText = QStringLiteral("RED CIRCLE");
        const QVector<AssetRow> rows = p->assetPage(f, 0, 10);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].id, 1);
        f.captionText = QStringLiteral("100%"); // wildcards match themselves
        QCOMPARE(p->countAssets(f), 1);
        f.captionText = QStringLiteral("d_i");
        QCOMPARE(p->countAssets(f), 1);
        f.captionText = QStringLiteral("r%d");
        QCOMPARE(p->countAssets(f), 0);
        // Case folding beyond ASCII.
        QVERIFY(addCaption(*p, 3, QStringLiteral("ÄRGER im Café")));
        f.captionText = QStringLiteral("ärger");
        QCOMPARE(p->countAssets(f), 1);
        f.captionText = QStringLiteral("CAFÉ");
        QCOMPARE(p->countAssets(f), 1);
        f.captionText = QStringLiteral("triangle");
        f.text = QStringLiteral("2.png"); // combined with the path filter
        QCOMPARE(p->countAssets(f), 0);
        f.text = QStringLiteral("1.png");
        QCOMPARE(p->countAssets(f), 1);

        // The browser's worker connection sees the same.
        QString error;
        auto q = AssetQuery::open(file, &error);
        QVERIFY2(q, qPrintable(error));
        AssetFilter g;
        g.captionText = QStringLiteral("blue");
        QCOMPARE(q->count(g), 1);
        QCOMPARE(q->page(g, 0, 5).front().id, 2);
    }

    void captionsGoWithTheirImageAndRunLinksAreCleared()
    {
        auto p = projectWithImages(m_dir.filePath(QStringLiteral("cascade.loupe")), 2);
        QVERIFY(p);
        RunRecord run;
        run.assetId = 2;
        run.kind = QStringLiteral("caption");
        const auto runId = p->addRun(run);
        QVERIFY(runId);
        QVERIFY(addCaption(*p, 1, QStringLiteral("one")));
        QVERIFY(addCaption(*p, 1, QStringLiteral("two"), QStringLiteral("model"), runId));
        QVERIFY(p->db().exec(QStringLiteral("DELETE FROM runs")));
        QVERIFY(!captionsOf(*p, 1)[1].runId.has_value());
        QVERIFY(p->db().exec(QStringLiteral("DELETE FROM assets WHERE id = 1")));
        QCOMPARE(p->info().captions, 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreCaptions)
#include "tst_store_captions.moc"
