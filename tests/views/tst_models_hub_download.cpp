// SPDX-License-Identifier: MIT
// The Models panel downloads a checkpoint from a local Hub-like server as a job of the shared tracker,
// registers the folder in the project when it arrives, and shows why when it cannot.
#include "common/hub_test_server.h"
#include "common/testsupport.h"
#include "core/jobs/jobtracker.h"
#include "core/models/hub_download.h"
#include "core/models/hub_job.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/models/hubdownloaddialog.h"
#include "views/models/modelspanel.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using loupe::test::HubTestServer;

class TestModelsHubDownload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qputenv("HF_HOME", m_home.path().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_TOKEN_PATH");
    }

    void downloadRegistersTheFolderInTheProject()
    {
        HubTestServer server("tiny/vit", HubTestServer::goldenRepoFiles(test::goldenDir("vit_classify")));
        QTemporaryDir tmp;
        QString error;
        std::unique_ptr<core::Project> project = core::Project::create(tmp.filePath("p.loupe"), &error);
        QVERIFY2(project, qPrintable(error));
        core::JobTracker tracker;
        views::ModelsPanel panel;
        panel.setJobTracker(&tracker);
        panel.setProject(project.get());
        panel.refresh(tmp.filePath("hub"));
        QSignalSpy done(&panel, &views::ModelsPanel::hubDownloadFinished);

        core::HubDownloadOptions o;
        o.repoId = "tiny/vit";
        o.endpoint = server.endpoint();
        core::JobHandle* job = panel.downloadFromHub(o);
        QCOMPARE(tracker.jobs().size(), 1);
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        const QString folder = tmp.filePath("hub/models--tiny--vit/snapshots/") + HubTestServer::commit;
        QCOMPARE(done.at(0).at(0).toString(), folder);
        QCOMPARE(project->models().size(), 1);
        QCOMPARE(project->models().at(0).architecture, QString("ViTForImageClassification"));
        QCOMPARE(QFileInfo(panel.selectedFolder()).canonicalFilePath(),
                 QFileInfo(folder).canonicalFilePath());
    }

    void mainWindowDownloadsShowInTheJobsDock()
    {
        HubTestServer server("tiny/vit", HubTestServer::goldenRepoFiles(test::goldenDir("vit_classify")));
        QTemporaryDir tmp;
        views::MainWindow w(views::StoreBackend::opener());
        auto* panel = w.findChild<views::ModelsPanel*>();
        auto* controller = w.findChild<views::ProjectController*>();
        QVERIFY(panel && controller);
        panel->refresh(tmp.filePath("hub"));
        QSignalSpy done(panel, &views::ModelsPanel::hubDownloadFinished);
        core::HubDownloadOptions o;
        o.repoId = "tiny/vit";
        o.endpoint = server.endpoint();
        o.toDir = tmp.filePath("plain");
        core::JobHandle* job = panel->downloadFromHub(o);
        QVERIFY(job);
        QVERIFY(controller->jobTracker()->jobs().contains(job));
        QVERIFY(done.wait(30000));
    }

    void failureIsShownAndNothingRegistered()
    {
        HubTestServer server("tiny/vit", HubTestServer::goldenRepoFiles(test::goldenDir("vit_classify")));
        QTemporaryDir tmp;
        QString error;
        std::unique_ptr<core::Project> project = core::Project::create(tmp.filePath("p.loupe"), &error);
        QVERIFY2(project, qPrintable(error));
        views::ModelsPanel panel;
        panel.setProject(project.get());
        panel.refresh(tmp.filePath("hub"));
        QSignalSpy done(&panel, &views::ModelsPanel::hubDownloadFinished);
        core::HubDownloadOptions o;
        o.repoId = "tiny/absent";
        o.endpoint = server.endpoint();
        panel.downloadFromHub(o);
        QVERIFY(done.wait(30000));
        const QString message = done.at(0).at(1).toString();
        QVERIFY2(message.contains("tiny/absent") && message.contains("not found"), qPrintable(message));
        QCOMPARE(project->models().size(), 0);
    }

    void dialogPausesAndResumesTheDownload()
    {
        const QMap<QString, QByteArray> files =
            HubTestServer::goldenRepoFiles(test::goldenDir("vit_classify"));
        const QByteArray weights = files.value("model.safetensors");
        HubTestServer server("tiny/vit", files);
        server.throttleLfs(8192, 20); // about a second for the weights: time to pause mid-file
        QTemporaryDir tmp;
        core::HubDownloadOptions o;
        o.repoId = "tiny/vit";
        o.endpoint = server.endpoint();
        o.cacheDir = tmp.filePath("hub");
        core::JobTracker tracker;
        core::HubDownloadTask task(o, &tracker);
        views::HubDownloadDialog dialog;
        dialog.follow(&task);
        auto* button = dialog.findChild<QPushButton*>("hubPauseResume");
        QVERIFY(button);
        QSignalSpy finished(&task, &core::HubDownloadTask::finished);
        bool inWeights = false;
        connect(&task, &core::HubDownloadTask::progress, this, [&](qint64, qint64, const QString& file) {
            inWeights = inWeights || file == "model.safetensors";
        });
        task.start();
        QTRY_VERIFY_WITH_TIMEOUT(inWeights, 20000);
        QCOMPARE(button->text(), QString("Pause"));
        button->click();
        QTRY_COMPARE_WITH_TIMEOUT(task.state(), core::HubDownloadTask::State::Paused, 10000);
        QCOMPARE(button->text(), QString("Resume"));
        QCOMPARE(finished.size(), 0);
        QCOMPARE(tracker.jobs().size(), 1);
        QCOMPARE(tracker.jobs().first()->state(), core::JobHandle::State::Cancelled);
        const QString partial =
            tmp.filePath("hub/models--tiny--vit/blobs/") + HubTestServer::sha256(weights) + ".incomplete";
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY2(kept > 0 && kept < weights.size(), qPrintable(QString::number(kept)));

        server.resetLfsBytesSent();
        server.throttleLfs(0, 0);
        button->click(); // Resume
        QVERIFY(finished.wait(30000));
        QCOMPARE(task.state(), core::HubDownloadTask::State::Succeeded);
        QVERIFY2(task.result().ok, qPrintable(task.result().error));
        QCOMPARE(server.requests().filter(QStringLiteral("Range: bytes=%1-").arg(kept)).size(), 1);
        QCOMPARE(server.lfsBytesSent(), weights.size() - kept); // only the rest was fetched
        QFile f(task.result().folder + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(HubTestServer::sha256(f.readAll()), HubTestServer::sha256(weights));
        QCOMPARE(tracker.jobs().size(), 2); // one run per start
        QCOMPARE(tracker.jobs().last()->state(), core::JobHandle::State::Succeeded);
        QVERIFY(button->isHidden());
    }

    // The panel's own downloads are pausable tasks: paused, nothing is registered and no failure is
    // shown; resumed, the model lands in the project.
    void panelTaskPausesResumesAndRegisters()
    {
        HubTestServer server("tiny/vit", HubTestServer::goldenRepoFiles(test::goldenDir("vit_classify")));
        server.throttleLfs(8192, 20);
        QTemporaryDir tmp;
        QString why;
        auto project = core::Project::create(tmp.filePath("p.loupe"), &why);
        QVERIFY2(project, qPrintable(why));
        core::JobTracker tracker;
        views::ModelsPanel panel;
        panel.setJobTracker(&tracker);
        panel.setProject(project.get());
        panel.refresh(tmp.filePath("hub"));
        QSignalSpy done(&panel, &views::ModelsPanel::hubDownloadFinished);
        core::HubDownloadOptions o;
        o.repoId = "tiny/vit";
        o.endpoint = server.endpoint();
        core::HubDownloadTask* task = panel.startDownloadTask(o);
        QVERIFY(task);
        QTRY_VERIFY_WITH_TIMEOUT(task->bytesDone() > 0, 20000);
        task->pause();
        QTRY_COMPARE_WITH_TIMEOUT(task->state(), core::HubDownloadTask::State::Paused, 10000);
        QCOMPARE(done.size(), 0);
        QCOMPARE(project->models().size(), 0);
        server.throttleLfs(0, 0);
        task->resume();
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QCOMPARE(project->models().size(), 1);
    }

    void dialogAcceptsOnlyARepositoryId()
    {
        views::HubDownloadDialog dialog;
        auto* repo = dialog.findChild<QLineEdit*>("hubRepoId");
        auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        repo->setText("../etc");
        QVERIFY(!ok->isEnabled());
        repo->setText(" google/vit-base-patch16-224 ");
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.repoId(), QString("google/vit-base-patch16-224"));
        QCOMPARE(dialog.revision(), QString("main"));
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(TestModelsHubDownload)
#include "tst_models_hub_download.moc"
