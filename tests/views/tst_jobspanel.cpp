// SPDX-License-Identifier: MIT
#include "core/jobs/jobtracker.h"
#include "views/jobs/jobspanel.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTest>

using loupe::core::JobHandle;
using loupe::core::JobTracker;
using loupe::views::JobsPanel;

class TestJobsPanel : public QObject
{
    Q_OBJECT
private slots:
    void rowsFollowTheJobs()
    {
        JobTracker tracker;
        JobsPanel panel(&tracker);
        panel.show();
        auto* idle = panel.findChild<QLabel*>(QStringLiteral("idleLabel"));
        QVERIFY(idle->isVisible());

        JobHandle* job = tracker.start(QStringLiteral("Explaining 3 images"));
        QWidget* row = panel.rowOf(job);
        QVERIFY(row);
        QVERIFY(!idle->isVisible());
        auto* bar = row->findChild<QProgressBar*>(QStringLiteral("jobProgress"));
        QCOMPARE(bar->maximum(), 0); // busy until the first report
        job->setProgress(1, 3);
        QCOMPARE(bar->maximum(), 3);
        QCOMPARE(bar->value(), 1);

        auto* button = row->findChild<QPushButton*>(QStringLiteral("jobCancel"));
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(job->cancelRequested());
        QVERIFY(!button->isEnabled());

        job->finish(JobHandle::State::Cancelled, QStringLiteral("cancelled after 1 of 3"));
        QCOMPARE(bar->format(), QStringLiteral("cancelled"));
        QCOMPARE(row->findChild<QLabel*>(QStringLiteral("jobLabel"))->text(),
                 QStringLiteral("cancelled after 1 of 3"));
        QVERIFY(button->isEnabled());
        QCOMPARE(button->text(), QStringLiteral("Dismiss"));
        QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("clearFinished"))->isEnabled());

        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!panel.rowOf(job));
        QVERIFY(idle->isVisible());
    }

    void clearFinishedRemovesOnlyFinishedRows()
    {
        JobTracker tracker;
        JobsPanel panel(&tracker);
        JobHandle* done = tracker.start(QStringLiteral("a"));
        JobHandle* running = tracker.start(QStringLiteral("b"));
        done->finish(JobHandle::State::Succeeded);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("clearFinished")), Qt::LeftButton);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(panel.rowOf(running));
        QCOMPARE(tracker.jobs().size(), 1);
        QCOMPARE(panel.findChildren<QWidget*>(QStringLiteral("job")).size(), 1);
    }
};

QTEST_MAIN(TestJobsPanel)
#include "tst_jobspanel.moc"
