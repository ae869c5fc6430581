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

    void rowsShowTheWholeTitleElapsedTimeAndEta()
    {
        JobTracker tracker;
        JobsPanel panel(&tracker);
        panel.resize(260, 300); // a narrow dock
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QString title =
            QStringLiteral("Explanation quality: 500 images with Chefer relevancy and rollout");
        JobHandle* job = tracker.start(title);
        QWidget* row = panel.rowOf(job);
        auto* label = row->findChild<QLabel*>(QStringLiteral("jobLabel"));
        auto* time = row->findChild<QLabel*>(QStringLiteral("jobTime"));
        auto* bar = row->findChild<QProgressBar*>(QStringLiteral("jobProgress"));
        QVERIFY(time);
        QTRY_VERIFY(label->width() > 0);
        // The title wraps inside the dock instead of being clipped beside the bar.
        QCOMPARE(label->text(), title);
        QVERIFY(label->geometry().right() <= row->width());
        QTRY_VERIFY(label->height() >= label->heightForWidth(label->width()));
        QVERIFY(bar->geometry().top() >= label->geometry().bottom());
        QVERIFY(time->text().startsWith(QStringLiteral("0:0")));
        QVERIFY(!time->text().contains(QStringLiteral("left"))); // no rate yet

        QTest::qWait(1100);
        job->setProgress(1, 4); // about 1 s per step: 3 steps to go
        QVERIFY2(time->text().contains(QStringLiteral("left")), qPrintable(time->text()));
        QVERIFY2(time->text().contains(QStringLiteral("about 0:0")), qPrintable(time->text()));
        QVERIFY(time->geometry().right() <= row->width());

        job->finish(JobHandle::State::Succeeded);
        QVERIFY2(time->text().startsWith(QStringLiteral("took 0:0")), qPrintable(time->text()));
        QCOMPARE(JobsPanel::formatDuration(3725000), QStringLiteral("1:02:05"));
        QCOMPARE(JobsPanel::formatDuration(65000), QStringLiteral("1:05"));
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
