// SPDX-License-Identifier: MIT
// The dataset browser over a synthetic 100,000-asset source: lazy counting and paging on a worker
// thread, filters, selection, thumbnails.
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace loupe::views;

namespace {

std::atomic<int> g_pageCalls{0};
std::atomic<bool> g_calledOnGuiThread{false};
QThread* g_guiThread = nullptr;

// Asset i: "dir<i%10>/img_<i>.png", split train/val by parity, review "accepted" every 3rd.
class SyntheticSource : public AssetSource
{
public:
    explicit SyntheticSource(int n) : m_n(n) {}
    bool matches(int i, const DatasetFilter& f) const
    {
        if (!f.text.isEmpty() && !path(i).contains(f.text)) return false;
        if (!f.split.isEmpty() && f.split != split(i)) return false;
        if (!f.reviewState.isEmpty() && f.reviewState != review(i)) return false;
        return f.labelId < 0 || i % 7 == f.labelId;
    }
    static QString path(int i) { return QStringLiteral("dir%1/img_%2.png").arg(i % 10).arg(i); }
    static QString split(int i) { return i % 2 ? QStringLiteral("val") : QStringLiteral("train"); }
    static QString review(int i) { return i % 3 ? QStringLiteral("unreviewed") : QStringLiteral("accepted"); }

    int count(const DatasetFilter& f, QString*) override
    {
        check();
        if (f == DatasetFilter()) return m_n;
        int n = 0;
        for (int i = 0; i < m_n; ++i)
            n += matches(i, f);
        return n;
    }
    QList<AssetRow> page(const DatasetFilter& f, int offset, int limit, QString*) override
    {
        check();
        ++g_pageCalls;
        QList<AssetRow> rows;
        int seen = 0;
        for (int i = 0; i < m_n && rows.size() < limit; ++i) {
            if (!matches(i, f)) continue;
            if (seen++ < offset) continue;
            rows.append(AssetRow{i + 1, path(i), QStringLiteral("/data/") + path(i), 640, 480, split(i),
                                 review(i), i % 5});
        }
        return rows;
    }

private:
    static void check()
    {
        if (QThread::currentThread() == g_guiThread) g_calledOnGuiThread = true;
    }
    int m_n;
};

AssetSourceFactory synthetic(int n)
{
    return [n] { return std::make_unique<SyntheticSource>(n); };
}

} // namespace

class TestDataset : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        g_guiThread = QThread::currentThread();
    }

    void lazyPagingOf100kAssets()
    {
        g_pageCalls = 0;
        DatasetModel model(synthetic(100000));
        QSignalSpy counted(&model, &DatasetModel::countChanged);
        QCOMPARE(model.rowCount(), 0); // nothing is counted on the GUI thread
        QVERIFY(counted.wait(5000));
        QCOMPARE(model.rowCount(), 100000);
        QSignalSpy pages(&model, &DatasetModel::pageLoaded);
        if (model.loadedPageCount() == 0) QVERIFY(pages.wait(5000));
        QCOMPARE(model.data(model.index(0)).toString(), QStringLiteral("img_0.png"));
        // A row far away is a placeholder until its page arrives.
        const QModelIndex far = model.index(73456);
        QCOMPARE(model.data(far, DatasetModel::LoadedRole).toBool(), false);
        QCOMPARE(model.data(far).toString(), QStringLiteral("…"));
        QTRY_VERIFY_WITH_TIMEOUT(model.data(far, DatasetModel::LoadedRole).toBool(), 5000);
        QCOMPARE(model.data(far, DatasetModel::RelativePathRole).toString(), SyntheticSource::path(73456));
        QCOMPARE(model.data(far, DatasetModel::AssetIdRole).toLongLong(), 73457);
        QCOMPARE(model.data(far, DatasetModel::ImageSizeRole).toSize(), QSize(640, 480));
        QCOMPARE(model.rowOfAsset(73457), 73456);
        // Only the pages asked for were fetched, never the whole table.
        QCOMPARE(model.loadedPageCount(), 2);
        QVERIFY(g_pageCalls <= 3);
        QVERIFY(!g_calledOnGuiThread);
    }

    void pagesAreBounded()
    {
        DatasetModel model(synthetic(100000));
        QSignalSpy counted(&model, &DatasetModel::countChanged);
        QVERIFY(counted.wait(5000));
        for (int p = 0; p < DatasetModel::kMaxPages + 20; ++p)
            model.data(model.index(p * DatasetModel::kPageSize));
        QTRY_VERIFY_WITH_TIMEOUT(
            model.requestedPageCount() == DatasetModel::kMaxPages + 20 &&
                model
                    .data(model.index((DatasetModel::kMaxPages + 19) * DatasetModel::kPageSize),
                          DatasetModel::LoadedRole)
                    .toBool(),
            10000);
        QVERIFY(model.loadedPageCount() <= DatasetModel::kMaxPages);
        QVERIFY(!model.rowAt(DatasetModel::kPageSize)); // an early page was evicted
    }

    void filtersThroughThePanel()
    {
        DatasetModel model(synthetic(100000));
        DatasetPanel panel;
        panel.setModel(&model);
        panel.setSplits({QStringLiteral("train"), QStringLiteral("val")});
        panel.setReviewStates({QStringLiteral("unreviewed"), QStringLiteral("accepted")});
        panel.setLabels({{0, QStringLiteral("cat")}, {3, QStringLiteral("dog")}});
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 100000, 5000);
        panel.searchField()->setText(QStringLiteral("dir3/"));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 10000, 5000);
        auto* split = panel.findChild<QComboBox*>(QStringLiteral("splitFilter"));
        split->setCurrentIndex(2); // val: dir3 indices are odd already
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted(), 5000);
        QCOMPARE(model.rowCount(), 10000);
        auto* review = panel.findChild<QComboBox*>(QStringLiteral("reviewFilter"));
        review->setCurrentIndex(2); // accepted: i % 3 == 0 among i % 10 == 3
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3334, 5000);
        QCOMPARE(panel.currentFilter().split, QStringLiteral("val"));
        auto* label = panel.findChild<QComboBox*>(QStringLiteral("labelFilter"));
        label->setCurrentIndex(2); // label id 3
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.filter().labelId == 3, 5000);
        int expected = 0;
        for (int i = 3; i < 100000; i += 10)
            expected += (i % 3 == 0) && (i % 7 == 3);
        QCOMPARE(model.rowCount(), expected);
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(0), DatasetModel::LoadedRole).toBool(), 5000);
        const QString first = model.data(model.index(0), DatasetModel::RelativePathRole).toString();
        QVERIFY(first.startsWith(QStringLiteral("dir3/")));
    }

    void selectionAndThumbnails()
    {
        DatasetModel model(synthetic(1000));
        QList<qint64> requested;
        model.setThumbnailRequester([&](qint64 id, const QString& path) {
            requested.append(id);
            QVERIFY(path.startsWith(QStringLiteral("/data/")));
        });
        DatasetPanel panel;
        panel.setModel(&model);
        panel.resize(400, 600);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(model.data(model.index(0), DatasetModel::LoadedRole).toBool(), 5000);
        QSignalSpy activated(&panel, &DatasetPanel::assetActivated);
        panel.selectRow(5);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toInt(), 5);
        QCOMPARE(panel.currentRow(), 5);
        // Placeholder first, the real thumbnail once delivered.
        const QPixmap before = model.data(model.index(5), Qt::DecorationRole).value<QPixmap>();
        QVERIFY(requested.contains(6));
        QImage thumb(200, 100, QImage::Format_RGB32);
        thumb.fill(Qt::red);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setThumbnail(6, thumb);
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 2000);
        const QPixmap after = model.data(model.index(5), Qt::DecorationRole).value<QPixmap>();
        QCOMPARE(after.width(), model.thumbnailSize());
        QCOMPARE(after.toImage().pixelColor(10, 10), QColor(Qt::red));
        QVERIFY(before.cacheKey() != after.cacheKey());
        const int requests = int(requested.count(6));
        model.data(model.index(5), Qt::DecorationRole);
        QCOMPARE(int(requested.count(6)), requests); // cached, not requested again
        panel.setGridMode(false);
        QVERIFY(!panel.view()->isWrapping());
    }
};

QTEST_MAIN(TestDataset)
#include "tst_dataset.moc"
