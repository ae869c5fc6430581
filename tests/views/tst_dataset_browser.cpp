// SPDX-License-Identifier: MIT
// The dataset browser in use: a reload of the list (what storing an explanation or an import does) keeps
// the current image selected and in view without activating it again, and the Grid button lays the
// thumbnails out as a grid (several per row) while List gives one per row.
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"

#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

using namespace loupe::views;

namespace {

class PlainSource : public AssetSource
{
public:
    explicit PlainSource(int n) : m_n(n) {}
    int count(const DatasetFilter&, QString*) override { return m_n; }
    QList<AssetRow> page(const DatasetFilter&, int offset, int limit, QString*) override
    {
        QList<AssetRow> rows;
        for (int i = offset; i < m_n && rows.size() < limit; ++i)
            rows.append(AssetRow{i + 1, QStringLiteral("img_%1.png").arg(i),
                                 QStringLiteral("/data/img_%1.png").arg(i), 640, 480, QStringLiteral("train"),
                                 QStringLiteral("unreviewed"), 0});
        return rows;
    }

private:
    int m_n;
};

AssetSourceFactory plain(int n)
{
    return [n] { return std::make_unique<PlainSource>(n); };
}

} // namespace

class TestDatasetBrowser : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void selectionKeptAcrossReload()
    {
        DatasetModel model(plain(600));
        DatasetPanel panel;
        panel.setModel(&model);
        panel.resize(400, 500);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 600 && model.rowAt(0), 5000);
        QSignalSpy activated(&panel, &DatasetPanel::assetActivated);
        // A row on the third page, far below the first screen.
        panel.selectRow(450);
        QTRY_VERIFY_WITH_TIMEOUT(model.rowAt(450), 5000);
        QCOMPARE(activated.count(), 1);
        panel.view()->scrollToTop(); // the user looks elsewhere; a reload must bring the image back
        model.refresh();             // what a stored explanation or an import triggers
        QTRY_COMPARE_WITH_TIMEOUT(panel.currentRow(), 450, 5000);
        QVERIFY(panel.view()->selectionModel()->isSelected(model.index(450)));
        QCOMPARE(activated.count(), 1); // kept, not activated again (no reload of the image)
        const QRect shown = panel.view()->visualRect(model.index(450));
        QVERIFY2(panel.view()->viewport()->rect().intersects(shown),
                 "the current image is scrolled into view");

        // Every reload, not just the first.
        model.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 600 && panel.currentRow() == 450, 5000);
        QCOMPARE(activated.count(), 1);
    }

    void gridButtonShowsAGrid()
    {
        DatasetModel model(plain(50));
        DatasetPanel panel;
        panel.setModel(&model);
        panel.resize(500, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 50 && model.rowAt(0), 5000);
        auto* button = panel.findChild<QToolButton*>(QStringLiteral("layoutButton"));
        QVERIFY(button);
        QVERIFY(panel.isGridMode());
        QCOMPARE(button->text(), QStringLiteral("List")); // it names what a click gives
        QListView* view = panel.view();
        QTRY_VERIFY_WITH_TIMEOUT(view->visualRect(model.index(1)).isValid(), 2000);
        // A grid: the second thumbnail beside the first, not under it.
        QRect a = view->visualRect(model.index(0)), b = view->visualRect(model.index(1));
        QVERIFY2(
            a.top() == b.top() && b.left() > a.left(),
            qPrintable(
                QStringLiteral("%1,%2 and %3,%4").arg(a.left()).arg(a.top()).arg(b.left()).arg(b.top())));
        QVERIFY(a.height() > 48); // thumbnail-sized cells

        button->click(); // to the list
        QVERIFY(!panel.isGridMode());
        QCOMPARE(button->text(), QStringLiteral("Grid"));
        QTRY_VERIFY_WITH_TIMEOUT(
            view->visualRect(model.index(1)).top() > view->visualRect(model.index(0)).top(), 2000);
        a = view->visualRect(model.index(0));
        b = view->visualRect(model.index(1));
        QCOMPARE(a.left(), b.left());

        button->click(); // "Grid" gives the grid
        QVERIFY(panel.isGridMode());
        QCOMPARE(button->text(), QStringLiteral("List"));
        QTRY_VERIFY_WITH_TIMEOUT(
            view->visualRect(model.index(0)).top() == view->visualRect(model.index(1)).top(), 2000);
        QVERIFY(view->visualRect(model.index(1)).left() > view->visualRect(model.index(0)).left());
    }
};

QTEST_MAIN(TestDatasetBrowser)
#include "tst_dataset_browser.moc"
