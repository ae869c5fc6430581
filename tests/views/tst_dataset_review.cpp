// SPDX-License-Identifier: MIT
// Review progress in the dataset browser over a real project: per-image counts per review state and
// the done flag reach the rows, the done / not-done / needs-fix filters count and page correctly,
// an edit reloads only what it touched, and the badge is drawn.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changereviewstate.h"
#include "core/store/project.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/dataset/projectassetsource.h"
#include "views/dataset/thumbnaildelegate.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;
using annotation::ReviewState;

namespace {

QList<int> counts(const DatasetModel& m, int row)
{
    QList<int> out;
    for (const QVariant& v : m.data(m.index(row), DatasetModel::ReviewCountsRole).toList())
        out << v.toInt();
    return out;
}

bool waitCounted(DatasetModel& m)
{
    QSignalSpy counted(&m, &DatasetModel::countChanged);
    if (!m.isCounted() && !counted.wait(5000)) return false;
    if (m.rowCount() == 0) return true;
    m.data(m.index(0)); // asks for the first page if the count came without it
    QElapsedTimer t;
    t.start();
    while (!m.data(m.index(0), DatasetModel::LoadedRole).toBool() && t.elapsed() < 5000)
        QTest::qWait(10);
    return m.data(m.index(0), DatasetModel::LoadedRole).toBool();
}

} // namespace

class TestDatasetReview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<core::Project> m_project;
    std::unique_ptr<annotation::ProjectAnnotations> m_pa;
    QList<qint64> m_images;

    // Image i has i % 4 shapes; image 1 one needs-fix shape, image 2 one accepted + one new,
    // image 3 rejected + new + new; images 0 and 2 are done.
    void addShape(qint64 image, ReviewState state)
    {
        annotation::Shape s;
        s.imageId = image;
        s.geometry = annotation::RectangleGeom{QRectF(0, 0, 5, 5)};
        auto* add = new annotation::AddShapes(*m_pa->document(), {s});
        m_pa->undoStack()->push(add);
        if (state != ReviewState::New)
            m_pa->undoStack()->push(
                new annotation::ChangeReviewState(*m_pa->document(), {add->shapes().front().id}, state));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        m_project = core::Project::create(m_dir.filePath(QStringLiteral("d.loupe")), &error);
        QVERIFY2(m_project, qPrintable(error));
        QVector<core::AssetRecord> assets;
        for (int i = 0; i < 450; ++i) { // three pages
            core::AssetRecord a;
            a.absolutePath = m_dir.filePath(QStringLiteral("img%1.png").arg(i, 4, 10, QLatin1Char('0')));
            a.sha256Hex = QString::number(i);
            a.width = a.height = 8;
            assets << a;
        }
        QVERIFY(m_project->addAssets(assets, &error));
        for (const core::AssetRow& r : m_project->assetPage({}, 0, 1000))
            m_images << r.id;
        m_pa = std::make_unique<annotation::ProjectAnnotations>(*m_project);
        addShape(m_images[1], ReviewState::NeedsFix);
        addShape(m_images[2], ReviewState::Accepted);
        addShape(m_images[2], ReviewState::New);
        addShape(m_images[3], ReviewState::Rejected);
        addShape(m_images[3], ReviewState::New);
        addShape(m_images[3], ReviewState::New);
        addShape(m_images[420], ReviewState::NeedsFix);
        QVERIFY(m_project->setDone({m_images[0], m_images[2]}, true, &error));
    }

    void rowsCarryCountsAndDone()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), 450);
        QCOMPARE(counts(model, 0), (QList<int>{0, 0, 0, 0}));
        QCOMPARE(counts(model, 1), (QList<int>{0, 0, 0, 1}));
        QCOMPARE(counts(model, 2), (QList<int>{1, 1, 0, 0}));
        QCOMPARE(counts(model, 3), (QList<int>{2, 0, 1, 0}));
        QCOMPARE(model.data(model.index(0), DatasetModel::DoneRole).toBool(), true);
        QCOMPARE(model.data(model.index(1), DatasetModel::DoneRole).toBool(), false);
        QCOMPARE(model.data(model.index(2), DatasetModel::DoneRole).toBool(), true);
        QVERIFY(model.data(model.index(3), Qt::ToolTipRole).toString().contains(QLatin1String("rejected 1")));
    }

    void filtersByProgress()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        DatasetPanel panel;
        panel.setModel(&model);
        QVERIFY(waitCounted(model));
        auto* progress = panel.findChild<QComboBox*>(QStringLiteral("progressFilter"));
        QVERIFY(progress);
        const auto pick = [&](const QString& key) {
            progress->setCurrentIndex(progress->findData(key));
            return waitCounted(model);
        };
        QVERIFY(pick(QStringLiteral("done")));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1), DatasetModel::AssetIdRole).toLongLong(), m_images[2]);
        QVERIFY(pick(QStringLiteral("not-done")));
        QCOMPARE(model.rowCount(), 448);
        QVERIFY(pick(QStringLiteral("needs-fix")));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0), DatasetModel::AssetIdRole).toLongLong(), m_images[1]);
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(1), DatasetModel::LoadedRole).toBool(), 5000);
        QCOMPARE(model.data(model.index(1), DatasetModel::AssetIdRole).toLongLong(), m_images[420]);
        QVERIFY(pick(QString()));
        QCOMPARE(model.rowCount(), 450);
    }

    void anEditReloadsItsRow()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        QVERIFY(waitCounted(model));
        const int fetched = model.requestedPageCount();
        const qint64 shape = m_pa->document()->shapes(m_images[2]).at(1).id; // the new one
        m_pa->undoStack()->push(
            new annotation::ChangeReviewState(*m_pa->document(), {shape}, ReviewState::NeedsFix));
        QSignalSpy loaded(&model, &DatasetModel::pageLoaded);
        model.reloadAssets({m_images[2]});
        QCOMPARE(counts(model, 2), (QList<int>{1, 1, 0, 0})); // the old row shows until the new one arrives
        QVERIFY(loaded.wait(5000));
        QCOMPARE(counts(model, 2), (QList<int>{0, 1, 0, 1}));
        QCOMPARE(model.requestedPageCount(), fetched + 1); // one page, not a reset
        QCOMPARE(model.rowCount(), 450);
        m_pa->undoStack()->undo();
    }

    void followsTheDocument()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        QVERIFY(waitCounted(model));
        model.followDocument(m_pa->document());
        const int fetched = model.requestedPageCount();
        const qint64 shape = m_pa->document()->shapes(m_images[3]).at(0).id; // the rejected one
        // Three changes in a row (a burst, like a drag) cost one page fetch.
        for (ReviewState s : {ReviewState::New, ReviewState::Accepted, ReviewState::NeedsFix})
            m_pa->undoStack()->push(new annotation::ChangeReviewState(*m_pa->document(), {shape}, s));
        QTRY_COMPARE_WITH_TIMEOUT(counts(model, 3), (QList<int>{2, 0, 0, 1}), 5000);
        QCOMPARE(model.requestedPageCount(), fetched + 1);
        for (int i = 0; i < 3; ++i)
            m_pa->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(counts(model, 3), (QList<int>{2, 0, 1, 0}), 5000);
        model.followDocument(nullptr);
    }

    void badgeIsDrawn()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        QVERIFY(waitCounted(model));
        ThumbnailDelegate delegate;
        delegate.setGrid(true);
        const auto render = [&](int row) {
            QImage img(140, 120, QImage::Format_ARGB32);
            img.fill(Qt::white);
            QPainter p(&img);
            QStyleOptionViewItem opt;
            opt.rect = img.rect();
            opt.decorationSize = QSize(112, 84);
            opt.font = QFont();
            delegate.paint(&p, opt, model.index(row));
            return img;
        };
        const auto hasColor = [](const QImage& img, QRect r, QColor c) {
            for (int y = r.top(); y <= r.bottom(); ++y)
                for (int x = r.left(); x <= r.right(); ++x) {
                    const QColor p = img.pixelColor(x, y);
                    if (qAbs(p.red() - c.red()) < 12 && qAbs(p.green() - c.green()) < 12 &&
                        qAbs(p.blue() - c.blue()) < 12)
                        return true;
                }
            return false;
        };
        const QColor green(46, 160, 67), orange(219, 130, 0);
        const QRect tickArea(2, 2, 12, 12);
        const QRect pills(0, 60, 140, 32);
        const QImage done = render(0), needsFix = render(1);
        QVERIFY(hasColor(done, tickArea, green));      // done tick
        QVERIFY(!hasColor(done, pills, orange));       // no annotations, no pills
        QVERIFY(!hasColor(needsFix, tickArea, green)); // not done
        QVERIFY(hasColor(needsFix, pills, orange));    // one needs-fix pill
    }
};

QTEST_MAIN(TestDatasetReview)
#include "tst_dataset_review.moc"
