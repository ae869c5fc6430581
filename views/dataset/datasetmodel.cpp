// SPDX-License-Identifier: MIT
#include "views/dataset/datasetmodel.h"

#include "annotation/document/annotationdocument.h"
#include "views/dataset/pagefetcher.h"

#include <QApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPalette>
#include <QTimer>

namespace loupe::views {

DatasetModel::DatasetModel(AssetSourceFactory factory, QObject* parent)
    : QAbstractListModel(parent), m_fetcher(new PageFetcher(std::move(factory), this)), m_thumbs(4000)
{
    connect(m_fetcher, &PageFetcher::countReady, this, &DatasetModel::onCount);
    connect(m_fetcher, &PageFetcher::pageReady, this, &DatasetModel::onPage);
    refresh();
}

DatasetModel::~DatasetModel() = default;

void DatasetModel::setFilter(const DatasetFilter& filter)
{
    if (filter == m_filter && m_counted) return;
    m_filter = filter;
    refresh();
}

void DatasetModel::refresh()
{
    beginResetModel();
    ++m_generation;
    m_count = 0;
    m_counted = false;
    m_pages.clear();
    m_pageUse.clear();
    m_rowOfId.clear();
    m_pending.clear();
    endResetModel();
    m_fetcher->requestCount(m_generation, m_filter);
    requestPage(0); // the first page travels with the count, so the first screen fills at once
}

void DatasetModel::onCount(quint64 generation, int count, const QString& error)
{
    if (generation != m_generation) return;
    if (count < 0) {
        emit errorOccurred(error);
        count = 0;
    }
    m_counted = true;
    if (count > 0) {
        beginInsertRows(QModelIndex(), 0, count - 1);
        m_count = count;
        endInsertRows();
    }
    emit countChanged(count);
}

void DatasetModel::reloadAssets(const QList<qint64>& assetIds)
{
    if (m_filter.done >= 0 || m_filter.hasNeedsFix || m_filter.shapeReviewState >= 0 ||
        !m_filter.reviewState.isEmpty()) {
        refresh();
        return;
    }
    QSet<int> pages;
    for (qint64 id : assetIds) {
        const int row = rowOfAsset(id);
        if (row >= 0) pages.insert(row / kPageSize);
    }
    for (int page : std::as_const(pages)) {
        if (m_pending.contains(page)) continue;
        m_pending.insert(page);
        ++m_pagesRequested;
        m_fetcher->requestPage(m_generation, m_filter, page, kPageSize);
    }
}

void DatasetModel::followDocument(annotation::AnnotationDocument* document)
{
    if (m_document) disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_toReload.clear();
    if (!document) return;
    if (!m_reloadTimer) {
        m_reloadTimer = new QTimer(this);
        m_reloadTimer->setSingleShot(true);
        m_reloadTimer->setInterval(150);
        connect(m_reloadTimer, &QTimer::timeout, this, [this] {
            const QList<qint64> ids = std::exchange(m_toReload, {});
            reloadAssets(ids);
        });
    }
    connect(document, &annotation::AnnotationDocument::changed, this,
            [this](const annotation::ChangeEvent& e) {
                for (qint64 id : e.imageIds)
                    if (!m_toReload.contains(id)) m_toReload << id;
                m_reloadTimer->start();
            });
    connect(document, &annotation::AnnotationDocument::shapesReloaded, this, &DatasetModel::refresh);
}

void DatasetModel::requestPage(int page) const
{
    if (m_pending.contains(page) || m_pages.contains(page)) return;
    m_pending.insert(page);
    ++m_pagesRequested;
    m_fetcher->requestPage(m_generation, m_filter, page, kPageSize);
}

void DatasetModel::onPage(quint64 generation, int page, const QList<AssetRow>& rows, const QString& error)
{
    if (generation != m_generation) return;
    m_pending.remove(page);
    if (!error.isEmpty()) {
        emit errorOccurred(error);
        return;
    }
    if (m_pages.contains(page)) // a reload: replace it in place
        m_pageUse.removeAll(page);
    else
        evictPages(kMaxPages - 1);
    m_pages.insert(page, rows);
    m_pageUse.append(page);
    for (int i = 0; i < rows.size(); ++i)
        m_rowOfId.insert(rows[i].id, page * kPageSize + i);
    const int first = page * kPageSize;
    const int last = std::min(m_count, first + int(rows.size())) - 1;
    if (last >= first) emit dataChanged(index(first), index(last));
    emit pageLoaded(page);
}

void DatasetModel::evictPages(int keep)
{
    while (m_pageUse.size() > keep) {
        const int page = m_pageUse.takeFirst();
        for (const AssetRow& r : m_pages.value(page))
            m_rowOfId.remove(r.id);
        m_pages.remove(page);
    }
}

const AssetRow* DatasetModel::rowAt(int row) const
{
    auto it = m_pages.constFind(row / kPageSize);
    if (it == m_pages.constEnd() || row % kPageSize >= it->size()) return nullptr;
    return &(*it)[row % kPageSize];
}

int DatasetModel::rowOfAsset(qint64 assetId) const
{
    return m_rowOfId.value(assetId, -1);
}

int DatasetModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_count;
}

void DatasetModel::setThumbnailRequester(std::function<void(qint64, const QString&)> request)
{
    m_requestThumbnail = std::move(request);
    m_thumbRequested.clear();
}

void DatasetModel::setThumbnailSize(int side)
{
    m_thumbSide = side;
    m_placeholder = QPixmap();
    m_thumbs.clear();
    m_thumbRequested.clear();
    if (m_count > 0) emit dataChanged(index(0), index(m_count - 1), {Qt::DecorationRole});
}

void DatasetModel::setThumbnail(qint64 assetId, const QImage& image)
{
    if (image.isNull()) return;
    QImage scaled = image;
    if (std::max(image.width(), image.height()) > m_thumbSide)
        scaled = image.scaled(m_thumbSide, m_thumbSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    m_thumbs.insert(assetId, new QPixmap(QPixmap::fromImage(scaled)));
    // A cache hit may answer inside data(); views must not see dataChanged re-entrantly, and many
    // thumbnails arriving together repaint once.
    m_thumbsArrived.insert(assetId);
    if (m_thumbsArrived.size() == 1)
        QMetaObject::invokeMethod(this, &DatasetModel::flushThumbnails, Qt::QueuedConnection);
}

void DatasetModel::flushThumbnails()
{
    int first = INT_MAX, last = -1;
    for (qint64 id : std::as_const(m_thumbsArrived)) {
        const int row = rowOfAsset(id);
        if (row >= 0) {
            first = std::min(first, row);
            last = std::max(last, row);
        }
    }
    m_thumbsArrived.clear();
    if (last >= 0) emit dataChanged(index(first), index(last), {Qt::DecorationRole});
}

QPixmap DatasetModel::placeholder() const
{
    if (m_placeholder.isNull()) {
        m_placeholder = QPixmap(m_thumbSide, m_thumbSide * 3 / 4);
        m_placeholder.fill(Qt::transparent);
        QPainter p(&m_placeholder);
        const QPalette pal = QApplication::palette();
        p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
        p.setBrush(pal.color(QPalette::AlternateBase));
        p.drawRoundedRect(QRectF(m_placeholder.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4);
    }
    return m_placeholder;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_count) return {};
    const AssetRow* r = rowAt(index.row());
    if (!r) {
        requestPage(index.row() / kPageSize);
        switch (role) {
        case Qt::DisplayRole:
            return QStringLiteral("…");
        case Qt::DecorationRole:
            return placeholder();
        case LoadedRole:
            return false;
        default:
            return {};
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        // A frame's file name repeats its number; the video's name and the number say more.
        return r->frame >= 0 ? tr("%1 · frame %2").arg(r->sequence).arg(r->frame)
                             : QFileInfo(r->relativePath).fileName();
    case Qt::ToolTipRole:
        return (r->frame >= 0 ? tr("frame %1 of %2\n").arg(r->frame).arg(r->sequence) : QString()) +
               (r->caption.isEmpty() ? QString() : QStringLiteral("“%1”\n").arg(r->caption)) +
               QStringLiteral("%1\n%2 × %3 · %4 · %5 · %6 annotations\n"
                              "new %7 · accepted %8 · rejected %9 · needs fix %10%11")
                   .arg(r->relativePath)
                   .arg(r->width)
                   .arg(r->height)
                   .arg(r->split.isEmpty() ? QStringLiteral("no split") : r->split, r->reviewState)
                   .arg(r->annotationCount)
                   .arg(r->reviewCounts[0])
                   .arg(r->reviewCounts[1])
                   .arg(r->reviewCounts[2])
                   .arg(r->reviewCounts[3])
                   .arg(r->done ? QStringLiteral(" · done") : QString());
    case Qt::DecorationRole: {
        if (QPixmap* pm = m_thumbs.object(r->id)) return *pm;
        if (m_requestThumbnail && !m_thumbRequested.contains(r->id)) {
            m_thumbRequested.insert(r->id);
            m_requestThumbnail(r->id, r->absolutePath);
        }
        return placeholder();
    }
    case AssetIdRole:
        return r->id;
    case RelativePathRole:
        return r->relativePath;
    case AbsolutePathRole:
        return r->absolutePath;
    case ImageSizeRole:
        return QSize(r->width, r->height);
    case SplitRole:
        return r->split;
    case ReviewStateRole:
        return r->reviewState;
    case AnnotationCountRole:
        return r->annotationCount;
    case LoadedRole:
        return true;
    case DoneRole:
        return r->done;
    case ReviewCountsRole:
        return QVariantList{r->reviewCounts[0], r->reviewCounts[1], r->reviewCounts[2], r->reviewCounts[3]};
    case CaptionRole:
        return r->caption;
    case SequenceRole:
        return r->sequence;
    case FrameRole:
        return r->frame;
    default:
        return {};
    }
}

} // namespace loupe::views
