// SPDX-License-Identifier: MIT
#pragma once

#include "views/dataset/assetsource.h"

#include <QObject>
#include <QThread>

namespace loupe::views {

// Runs an AssetSource on its own thread. Requests carry a generation so that answers to a filter
// the user has already replaced are dropped by the receiver.
class PageFetcher : public QObject
{
    Q_OBJECT
public:
    explicit PageFetcher(AssetSourceFactory factory, QObject* parent = nullptr);
    ~PageFetcher() override;

    // Both return at once; the answer arrives as a signal on the caller's (GUI) thread.
    void requestCount(quint64 generation, const DatasetFilter& filter);
    void requestPage(quint64 generation, const DatasetFilter& filter, int page, int pageSize);

signals:
    void countReady(quint64 generation, int count, const QString& error);
    void pageReady(quint64 generation, int page, const QList<loupe::views::AssetRow>& rows,
                   const QString& error);

private:
    class Worker;
    QThread m_thread;
    Worker* m_worker;
};

} // namespace loupe::views
