// SPDX-License-Identifier: MIT
#include "core/jobs/jobtracker.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using loupe::core::JobHandle;
using loupe::core::JobTracker;

class TestJobTracker : public QObject
{
    Q_OBJECT
private slots:
    void progressFromAWorkerArrivesOnTheGuiThread()
    {
        JobTracker tracker;
        JobHandle* job = tracker.start(QStringLiteral("work"));
        QSignalSpy finished(job, &JobHandle::finished);
        QThread* worker = QThread::create([job] {
            for (int i = 1; i <= 10; ++i)
                job->setProgress(i, 10);
            job->finish(JobHandle::State::Succeeded, QStringLiteral("all ten"));
        });
        worker->start();
        QVERIFY(finished.wait(5000));
        worker->wait();
        delete worker;
        QCOMPARE(job->state(), JobHandle::State::Succeeded);
        QCOMPARE(job->done(), 10);
        QCOMPARE(job->message(), QStringLiteral("all ten"));
        QCOMPARE(tracker.runningCount(), 0);
    }

    void cancelReachesTheWorkerAndTheCallbackOnce()
    {
        JobTracker tracker;
        int callbacks = 0;
        JobHandle* job = tracker.start(QStringLiteral("long"), [&] { ++callbacks; });
        QVERIFY(!job->cancelRequested());
        job->requestCancel();
        job->requestCancel();
        QVERIFY(job->cancelRequested());
        QCOMPARE(callbacks, 1);
        job->finish(JobHandle::State::Cancelled);
        QCOMPARE(job->state(), JobHandle::State::Cancelled);
        job->requestCancel(); // finished: nothing more to stop
        QCOMPARE(callbacks, 1);
    }

    void aFinishedJobIgnoresLateReports()
    {
        JobTracker tracker;
        JobHandle* job = tracker.start(QStringLiteral("x"));
        job->setProgress(3, 10);
        job->finish(JobHandle::State::Failed, QStringLiteral("disk full"));
        job->setProgress(9, 10);
        job->finish(JobHandle::State::Succeeded);
        QCOMPARE(job->state(), JobHandle::State::Failed);
        QCOMPARE(job->done(), 3);
        QCOMPARE(job->message(), QStringLiteral("disk full"));
    }

    void clearFinishedKeepsRunningJobs()
    {
        JobTracker tracker;
        JobHandle* a = tracker.start(QStringLiteral("a"));
        JobHandle* b = tracker.start(QStringLiteral("b"));
        QSignalSpy removed(&tracker, &JobTracker::jobRemoved);
        a->finish(JobHandle::State::Succeeded);
        tracker.clearFinished();
        QCOMPARE(removed.size(), 1);
        QCOMPARE(tracker.jobs(), QList<JobHandle*>{b});
        QCOMPARE(tracker.runningCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestJobTracker)
#include "tst_jobtracker.moc"
