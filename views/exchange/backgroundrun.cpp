// SPDX-License-Identifier: MIT
#include "views/exchange/backgroundrun.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace loupe::views {

BackgroundRun::~BackgroundRun()
{
    ++m_generation;
}

void BackgroundRun::start(std::function<void()> work, std::function<void()> done)
{
    const quint64 generation = ++m_generation;
    m_running = true;
    emit runningChanged(true);
    QPointer<BackgroundRun> self(this);
    QThreadPool::globalInstance()->start([self, generation, work = std::move(work), done = std::move(done)] {
        work();
        // Queued to the GUI thread; dropped there when the dialog went or the run was cancelled.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, generation, done] {
                if (!self || self->m_generation != generation) return;
                self->m_running = false;
                emit self->runningChanged(false);
                done();
            },
            Qt::QueuedConnection);
    });
}

void BackgroundRun::cancel()
{
    if (!m_running) return;
    ++m_generation;
    m_running = false;
    emit runningChanged(false);
}

} // namespace loupe::views
