// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <functional>

namespace loupe::core {

// One background task the user can watch and stop (an import, an explanation, a quality run). The
// handle lives on the GUI thread; workers report through the thread-safe setters, which hop to the
// handle's thread, so a job never touches widgets and a widget never waits for a job.
class JobHandle : public QObject
{
    Q_OBJECT
public:
    enum class State { Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    QString title() const { return m_title; }
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    int done() const { return m_done; }
    int total() const { return m_total; } // 0 while the amount of work is not known yet
    QString message() const { return m_message; }

    // From any thread.
    void setProgress(int done, int total);
    void finish(State state, const QString& message = {});
    // True once the user asked to stop; workers poll it between units of work.
    bool cancelRequested() const { return m_cancel.load(); }

public slots:
    void requestCancel();

signals:
    void changed();
    void finished(loupe::core::JobHandle::State state);

private:
    friend class JobTracker;
    JobHandle(QString title, std::function<void()> onCancel, QObject* parent);
    void applyProgress(int done, int total);
    void applyFinish(State state, const QString& message);

    QString m_title;
    State m_state = State::Running;
    int m_done = 0;
    int m_total = 0;
    QString m_message;
    std::function<void()> m_onCancel;
    std::atomic<bool> m_cancel{false};
};

// Every job of the session, newest last; the Jobs dock shows them.
class JobTracker : public QObject
{
    Q_OBJECT
public:
    explicit JobTracker(QObject* parent = nullptr);

    // `onCancel` runs on the GUI thread when the user cancels (e.g. to tell an ImportJob); workers that
    // poll cancelRequested() need none.
    JobHandle* start(const QString& title, std::function<void()> onCancel = {});
    QList<JobHandle*> jobs() const;
    int runningCount() const;
    // Forgets finished jobs (the dock's "Clear finished").
    void clearFinished();

signals:
    void jobAdded(loupe::core::JobHandle* job);
    void jobRemoved(loupe::core::JobHandle* job);

private:
    QList<QPointer<JobHandle>> m_jobs;
};

} // namespace loupe::core
