// SPDX-License-Identifier: MIT
// Where and at what precision a model runs, as the user sees it: the Models panel's per-model backend and
// precision (only what exists here, plus auto), the About dialog's devices with auto's pick, and
// explanations made below f32 marked in the Explain view and in exported images.
#include "common/testsupport.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "core/explain/explain_record.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"
#include "sample_project_fixture.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/mainwindow/aboutdialog.h"
#include "views/models/modelengineform.h"
#include "views/models/modelspanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestModelEngineViews : public QObject
{
    Q_OBJECT
    sample_project_test::SampleProject m_sample;

    std::unique_ptr<core::Project> open() { return m_sample.open(); }

    static void save(QWidget& w, const QString& name)
    {
        const QString dir = test::artifactDir();
        QDir().mkpath(dir);
        QVERIFY(w.grab().save(QDir(dir).filePath(name)));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("loupe-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_model_engine_views"));
        QSettings().clear();
        QString error;
        QVERIFY2(m_sample.create(&error), qPrintable(error));
    }

    void modelsPanelChoosesPerModel()
    {
        auto project = open();
        QVERIFY(project);
        ModelsPanel panel;
        panel.setProject(project.get());
        panel.refresh(m_sample.dir.filePath(QStringLiteral("empty-hf-cache")));
        panel.resize(420, 520);
        ModelEngineForm* form = panel.engineForm();
        QVERIFY(form);
        QCOMPARE(form->folder(), panel.selectedFolder());
        QVERIFY(!form->folder().isEmpty());
        // Only what exists, plus auto.
        QStringList backends;
        for (int i = 0; i < form->backendBox()->count(); ++i)
            backends << form->backendBox()->itemData(i).toString();
        QCOMPARE(backends, core::availableBackendChoices());
        QCOMPARE(backends.contains(QStringLiteral("vulkan")), !compute::vulkanDeviceInfos().empty());
        QCOMPARE(form->backendBox()->currentData().toString(), QStringLiteral("auto"));
        QCOMPARE(form->precisionBox()->count(), 5);

        QSignalSpy changed(form, &ModelEngineForm::engineOptionsChanged);
        form->precisionBox()->setCurrentIndex(form->precisionBox()->findData(QStringLiteral("bf16")));
        form->backendBox()->setCurrentIndex(form->backendBox()->findData(QStringLiteral("cpu")));
        QCOMPARE(changed.count(), 2);
        const QString first = panel.selectedFolder();
        QCOMPARE(core::modelEngineOptions(first).precision, compute::Precision::BF16);
        QCOMPARE(core::modelEngineOptions(first).backend, compute::BackendChoice::Cpu);
        QVERIFY2(form->note().contains(QStringLiteral("next time")), qPrintable(form->note()));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        save(panel, QStringLiteral("models_panel_engine.png"));

        // Another model keeps its own choice; coming back shows the stored one.
        if (panel.list()->count() > 1) {
            panel.list()->setCurrentRow(1);
            QCOMPARE(form->precisionBox()->currentData().toString(), QStringLiteral("default"));
            panel.list()->setCurrentRow(0);
        }
        QCOMPARE(form->precisionBox()->currentData().toString(), QStringLiteral("bf16"));
        core::setModelEngineOptions(first, {});
    }

    void aboutListsDevicesAndAutosPick()
    {
        const QString html = AboutDialog::devicesHtml();
        QVERIFY(html.contains(AboutDialog::cpuDescription().toHtmlEscaped()));
        QVERIFY(html.contains(QStringLiteral("CUDA")));
        QCOMPARE(html.count(QStringLiteral("← auto")), 1);
        for (const auto& d : compute::vulkanDeviceInfos()) {
            QVERIFY(html.contains(QString::fromStdString(d.name).toHtmlEscaped()));
            QVERIFY(html.contains(QString::fromStdString(d.driver).toHtmlEscaped()));
        }
        QVERIFY(AboutDialog::aboutHtml().contains(html));
        AboutDialog dialog;
        dialog.resize(560, 420);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        save(dialog, QStringLiteral("about_devices.png"));
    }

    // A stored map made at bf16 says so: in the caption, on the canvas legend and in what is exported.
    void reducedPrecisionMapsAreMarked()
    {
        auto project = open();
        QVERIFY(project);
        core::Explanation e;
        e.params.method = QStringLiteral("rollout");
        e.target = 0;
        e.targetLabel = QStringLiteral("circle");
        e.rows = e.cols = 12;
        for (int i = 0; i < 144; ++i)
            e.grid.push_back(float(i % 12 + i / 12));
        e.modelPath = m_sample.model;
        e.backend = QStringLiteral("cpu");
        e.device = QStringLiteral("test cpu");
        e.precision = QStringLiteral("bf16");
        QString error;
        QVERIFY2(project->addRun(core::toRun(e, m_sample.asset), &error), qPrintable(error));

        // The window first: the canvas and panel, destroyed before it, leave it on their own.
        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        ImageCanvas canvas;
        canvas.setImage(QImage(m_sample.imagePath), m_sample.imagePath);
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_sample.asset);
        QVERIFY(panel.shownIsStored());
        QCOMPARE(panel.shown().precision, QStringLiteral("bf16"));
        QVERIFY2(panel.layer()->caption().contains(QStringLiteral("[bf16]")),
                 qPrintable(panel.layer()->caption()));
        // The details line once the panel's own forward is done (it says "Running the model…" meanwhile).
        if (!panel.isReady()) {
            QSignalSpy ready(&panel, &ExplainPanel::ready);
            QVERIFY(ready.wait(60000));
        }
        QVERIFY(panel.showStored(panel.shown().runId));
        QVERIFY2(panel.caption().contains(QStringLiteral("[bf16]")), qPrintable(panel.caption()));
        QVERIFY2(panel.caption().contains(QStringLiteral("reduced precision")), qPrintable(panel.caption()));

        const QString base = m_sample.dir.filePath(QStringLiteral("bf16map"));
        const QStringList files = panel.exportShown(base, &error);
        QVERIFY2(files.size() == 3, qPrintable(error));
        const QImage overlay(base + QStringLiteral(".png"));
        QCOMPARE(overlay.text(QStringLiteral("Loupe-Precision")), QStringLiteral("bf16"));
        QCOMPARE(overlay.text(QStringLiteral("Loupe-Device")), QStringLiteral("test cpu"));
        QCOMPARE(QImage(base + QStringLiteral(".grey.png")).text(QStringLiteral("Loupe-Precision")),
                 QStringLiteral("bf16"));
        // The badge: red in the top-right corner of the overlay (the map there is not red).
        const QColor corner = overlay.pixelColor(overlay.width() - 8, 8);
        QVERIFY2(corner.red() > 150 && corner.green() < 90, qPrintable(corner.name()));

        layout->addWidget(&canvas, 1);
        layout->addWidget(&panel);
        window.resize(1100, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        save(window, QStringLiteral("explain_bf16_badge.png"));
        QFile::remove(QDir(test::artifactDir()).filePath(QStringLiteral("explain_bf16_export.png")));
        QFile::copy(base + QStringLiteral(".png"),
                    QDir(test::artifactDir()).filePath(QStringLiteral("explain_bf16_export.png")));
    }

    // An f32 map has no badge, and the per-model choice reaches the live map's record.
    void liveMapRecordsWhatRanIt()
    {
        auto project = open();
        QVERIFY(project);
        core::setModelEngineOptions(m_sample.model, {compute::BackendChoice::Cpu, compute::Precision::BF16});
        ImageCanvas canvas;
        canvas.setImage(QImage(m_sample.imagePath), m_sample.imagePath);
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_sample.asset);
        if (!panel.isReady()) {
            QSignalSpy ready(&panel, &ExplainPanel::ready);
            QVERIFY(ready.wait(60000));
        }
        core::ExplainParams rollout;
        rollout.method = QStringLiteral("rollout");
        panel.methodForm()->setParams(rollout);
        QVERIFY(!panel.shownIsStored());
        const core::Explanation& shown = panel.shown();
        QCOMPARE(shown.backend, QStringLiteral("cpu"));
        // Until the engine runs bf16 it records f32, and the view says why rather than claiming bf16.
        if (shown.precision == QLatin1String("bf16")) {
            QVERIFY(panel.caption().contains(QStringLiteral("[bf16]")));
        } else {
            QCOMPARE(shown.precision, QStringLiteral("f32"));
            QVERIFY(!panel.caption().contains(QStringLiteral("[bf16]")));
            QVERIFY2(panel.caption().contains(QStringLiteral("bf16")), qPrintable(panel.caption()));
        }
        core::setModelEngineOptions(m_sample.model, {});
    }
};

QTEST_MAIN(TestModelEngineViews)
#include "tst_model_engine_views.moc"
