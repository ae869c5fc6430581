// SPDX-License-Identifier: MIT
// The browser's "Shapes: ..." review filter: images with at least one annotation in a review state, on
// the project's connection and on a worker's read-only AssetQuery alike, alone or with other filters.
#include "core/store/assetquery.h"
#include "core/store/project.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

class TestStoreShapeFilter : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<Project> m_project;
    QList<qint64> m_images;

    void addShape(qint64 image, int state)
    {
        Statement s = m_project->db().prepare(QStringLiteral(
            "INSERT INTO annotations(asset_id, kind, geometry, review_state, created, updated) "
            "VALUES(?1, 'rect', '{}', ?2, 0, 0)"));
        s.bind(1, image).bind(2, state);
        QVERIFY(s.run());
    }

    static QList<qint64> ids(const QVector<AssetRow>& rows)
    {
        QList<qint64> out;
        for (const AssetRow& r : rows)
            out << r.id;
        return out;
    }

    static AssetFilter shapes(int state)
    {
        AssetFilter f;
        f.shapeReviewState = state;
        return f;
    }

private slots:
    void initTestCase()
    {
        QString error;
        m_project = Project::create(m_dir.filePath(QStringLiteral("f.loupe")), &error);
        QVERIFY2(m_project, qPrintable(error));
        QVector<AssetRecord> records;
        for (int i = 0; i < 4; ++i) {
            AssetRecord r;
            r.absolutePath = m_dir.filePath(QStringLiteral("%1.png").arg(i));
            r.sha256Hex = QString::number(i);
            r.width = r.height = 8;
            records << r;
        }
        QVERIFY2(m_project->addAssets(records, &error), qPrintable(error));
        m_images = ids(m_project->assetPage({}, 0, 10));
        QCOMPARE(m_images.size(), 4);
        // image 0: new + accepted; image 1: accepted; image 2: rejected + needs fix; image 3: none.
        addShape(m_images[0], ReviewNew);
        addShape(m_images[0], ReviewAccepted);
        addShape(m_images[1], ReviewAccepted);
        addShape(m_images[1], ReviewAccepted);
        addShape(m_images[2], ReviewRejected);
        addShape(m_images[2], ReviewNeedsFix);
    }

    void imagesWithAShapeInTheState()
    {
        QCOMPARE(ids(m_project->assetPage(shapes(ReviewNew), 0, 10)), QList<qint64>{m_images[0]});
        QCOMPARE(ids(m_project->assetPage(shapes(ReviewAccepted), 0, 10)),
                 (QList<qint64>{m_images[0], m_images[1]}));
        QCOMPARE(ids(m_project->assetPage(shapes(ReviewRejected), 0, 10)), QList<qint64>{m_images[2]});
        QCOMPARE(ids(m_project->assetPage(shapes(ReviewNeedsFix), 0, 10)), QList<qint64>{m_images[2]});
        QCOMPARE(m_project->countAssets(shapes(ReviewAccepted)), 2);
        QCOMPARE(m_project->countAssets({}), 4);
    }

    void sameOnAWorkerConnection()
    {
        QString error;
        auto q = AssetQuery::open(m_project->path(), &error);
        QVERIFY2(q, qPrintable(error));
        QCOMPARE(q->count(shapes(ReviewAccepted)), 2);
        QCOMPARE(ids(q->page(shapes(ReviewRejected), 0, 10)), QList<qint64>{m_images[2]});
    }

    void combinesWithTheOtherFilters()
    {
        AssetFilter f = shapes(ReviewAccepted);
        f.hasNeedsFix = true;
        QCOMPARE(m_project->countAssets(f), 0); // no image has both
        f = shapes(ReviewRejected);
        f.hasNeedsFix = true;
        QCOMPARE(m_project->countAssets(f), 1);
        f = shapes(ReviewAccepted);
        f.text = QStringLiteral("1.png");
        QCOMPARE(ids(m_project->assetPage(f, 0, 10)), QList<qint64>{m_images[1]});
        f = shapes(ReviewAccepted);
        f.reviewState = ReviewAccepted; // the image's own state is a different thing
        QCOMPARE(m_project->countAssets(f), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreShapeFilter)
#include "tst_store_shape_filter.moc"
