// SPDX-License-Identifier: MIT
#include "views/dataset/pagefetcher.h"

#include <QLoggingCategory>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcFetch, "loupe.dataset.fetch")

// Lives on the fetcher's thread; owns the source (and so its database connection).
class PageFetcher::Worker : public QObject
{
public:
    explicit Worker(AssetSourceFactory factory) : m_factory(std::move(factory)) {}

    AssetSource* source()
    {
        if (!m_source && m_factory) m_source = m_factory();
        return m_source.get();
    }
    void release() { m_source.reset(); }

private:
    AssetSourceFactory m_factory;
    std::unique_ptr<AssetSource> m_source;
};

PageFetcher::PageFetcher(AssetSourceFactory factory, QObject* parent)
    : QObject(parent), m_worker(new Worker(std::move(factory)))
{
    qRegisterMetaType<AssetRow>();
    qRegisterMetaType<QList<AssetRow>>();
    m_thread.setObjectName(QStringLiteral("loupe-dataset-fetch"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

PageFetcher::~PageFetcher()
{
    // The source must be destroyed on the thread that opened its connection.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->release(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void PageFetcher::requestCount(quint64 generation, const DatasetFilter& filter)
{
    QMetaObject::invokeMethod(m_worker, [this, generation, filter] {
        QString error = QStringLiteral("no asset source");
        int n = -1;
        if (AssetSource* s = m_worker->source()) {
            error.clear();
            n = s->count(filter, &error);
        }
        emit countReady(generation, n, error); // queued to the receiver's thread
    });
}

void PageFetcher::requestPage(quint64 generation, const DatasetFilter& filter, int page, int pageSize)
{
    QMetaObject::invokeMethod(m_worker, [this, generation, filter, page, pageSize] {
        QString error = QStringLiteral("no asset source");
        QList<AssetRow> rows;
        if (AssetSource* s = m_worker->source()) {
            error.clear();
            rows = s->page(filter, page * pageSize, pageSize, &error);
        }
        if (!error.isEmpty()) qCWarning(lcFetch) << "page" << page << error;
        emit pageReady(generation, page, rows, error);
    });
}

} // namespace loupe::views
