// SPDX-License-Identifier: MIT
#pragma once

#include "views/dataset/assetsource.h"

#include <QAbstractListModel>
#include <QCache>
#include <QHash>
#include <QPixmap>
#include <QPointer>
#include <QSet>
#include <functional>

class QTimer;

namespace loupe::annotation {
class AnnotationDocument;
} // namespace loupe::annotation

namespace loupe::views {

class PageFetcher;

// The assets of a project as a lazy list model. rowCount() comes from one COUNT query; rows are
// fetched by pages on a worker thread the first time a view asks for them, and only a bounded number
// of pages is kept. Nothing per asset happens on the GUI thread, so 100,000 assets scroll smoothly.
// Until its page arrives a row shows a placeholder; until its thumbnail arrives, a placeholder icon.
class DatasetModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        AssetIdRole = Qt::UserRole + 1,
        RelativePathRole,
        AbsolutePathRole,
        ImageSizeRole,
        SplitRole,
        ReviewStateRole,
        AnnotationCountRole,
        LoadedRole, // false while the row's page is being fetched
        DoneRole,
        ReviewCountsRole, // QVariantList of 4 ints: new, accepted, rejected, needs fix
        CaptionRole,      // the first caption, empty without one
        SequenceRole,     // the video of a frame, empty for an ordinary image
        FrameRole,        // the frame number in that video, -1 for an ordinary image
    };
    static constexpr int kPageSize = 200;
    static constexpr int kMaxPages = 100;

    explicit DatasetModel(AssetSourceFactory factory, QObject* parent = nullptr);
    ~DatasetModel() override;

    void setFilter(const DatasetFilter& filter);
    DatasetFilter filter() const { return m_filter; }
    // Re-counts and drops cached pages (after an import or an edit).
    void refresh();
    // Re-reads the rows of these assets (their annotations or done state changed): loaded pages holding
    // them are fetched again in the background and keep showing until the new rows arrive. Under a
    // filter those changes can affect (review, done, needs fix) the whole list is refreshed instead.
    void reloadAssets(const QList<qint64>& assetIds);
    // Keeps review counts current while shapes are edited: the document's changes are gathered for a
    // moment (a drag is many changes) and then reloaded; a reload of everything (an import undone)
    // refreshes the list. nullptr stops following.
    void followDocument(annotation::AnnotationDocument* document);

    // Thumbnails: `request(assetId, absolutePath)` is called once per asset shown; the answer comes
    // back through setThumbnail() whenever it is ready (from a cache, at once or later).
    void setThumbnailRequester(std::function<void(qint64, const QString&)> request);
    void setThumbnailSize(int side);
    int thumbnailSize() const { return m_thumbSide; }
    void setThumbnail(qint64 assetId, const QImage& image);

    bool isCounted() const { return m_counted; }
    const AssetRow* rowAt(int row) const; // nullptr while its page is not loaded
    int rowOfAsset(qint64 assetId) const; // -1 when not in a loaded page
    int loadedPageCount() const { return int(m_pages.size()); }
    int requestedPageCount() const { return m_pagesRequested; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

signals:
    void countChanged(int count);
    void pageLoaded(int page);
    void errorOccurred(const QString& message);

private:
    void onCount(quint64 generation, int count, const QString& error);
    void onPage(quint64 generation, int page, const QList<AssetRow>& rows, const QString& error);
    void requestPage(int page) const;
    void evictPages(int keep);
    QPixmap placeholder() const;
    void flushThumbnails();

    PageFetcher* m_fetcher;
    DatasetFilter m_filter;
    quint64 m_generation = 0;
    int m_count = 0;
    bool m_counted = false;
    QHash<int, QList<AssetRow>> m_pages;
    QList<int> m_pageUse; // least recently loaded first
    QHash<qint64, int> m_rowOfId;
    mutable QSet<int> m_pending;
    mutable int m_pagesRequested = 0;
    std::function<void(qint64, const QString&)> m_requestThumbnail;
    mutable QSet<qint64> m_thumbRequested;
    QCache<qint64, QPixmap> m_thumbs;
    QSet<qint64> m_thumbsArrived;
    int m_thumbSide = 112;
    mutable QPixmap m_placeholder;
    QPointer<annotation::AnnotationDocument> m_document;
    QTimer* m_reloadTimer = nullptr;
    QList<qint64> m_toReload;
};

} // namespace loupe::views
