// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <functional>

namespace loupe::views {

// Runs one piece of exchange work (parsing a dataset, writing files) on a pool thread and calls `done`
// on the GUI thread. The work must own or share what it touches: it never sees a widget or the
// project. The format code cannot be interrupted, so cancel() only stops waiting: the work finishes
// unseen and `done` is not called; nothing it produced is applied.
class BackgroundRun : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~BackgroundRun() override;

    void start(std::function<void()> work, std::function<void()> done);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void runningChanged(bool running);

private:
    bool m_running = false;
    quint64 m_generation = 0; // a result from an earlier, cancelled start is dropped
};

} // namespace loupe::views
