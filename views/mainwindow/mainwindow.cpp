// SPDX-License-Identifier: MIT
#include "views/mainwindow/mainwindow.h"

#include "views/ask/askpanel.h"
#include "views/canvas/canvasstatus.h"
#include "views/canvas/imagecanvas.h"
#include "views/caption/captionpanel.h"
#include "views/captions/captionsbinding.h"
#include "views/exchange/exchangeactions.h"
#include "views/explain/explainpanel.h"
#include "views/mainwindow/aboutdialog.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/recentprojects.h"
#include "views/mainwindow/storebackend.h"
#include "views/models/classifypanel.h"
#include "views/models/modelspanel.h"
#include "views/prelabel/prelabelbinding.h"
#include "views/profiler/profilerdock.h"
#include "views/propagation/propagationbinding.h"
#include "views/quality/qualitydialog.h"
#include "views/text/modelfit.h"
#include "views/theme.h"
#include "views/video/videobinding.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcWindow, "loupe.window")

namespace {
const char* kGeometryKey = "mainwindow/geometry";
const char* kStateKey = "mainwindow/state";
constexpr int kLayoutVersion = 1;
const QString kProjectFilter = QStringLiteral("Loupe projects (*.loupe)");

// The platform's standard binding, or the common one where a platform theme defines none
// (Save As and Quit have no binding on some).
QKeySequence standardKey(QKeySequence::StandardKey key, const char* fallback)
{
    const QKeySequence seq(key);
    return seq.isEmpty() ? QKeySequence(QString::fromLatin1(fallback)) : seq;
}
} // namespace

MainWindow::MainWindow(ProjectOpener opener, QWidget* parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("LoupeMainWindow"));
    m_canvas = new ImageCanvas(this);
    setCentralWidget(m_canvas);
    m_canvasStatus = new CanvasStatus(m_canvas, this);
    statusBar()->addPermanentWidget(m_canvasStatus, 1); // its hint label takes the room messages had
    m_recent = new RecentProjects(this);
    m_controller = new ProjectController(m_canvas, std::move(opener), this);
    connect(m_recent, &RecentProjects::openRequested, this, [this](const QString& p) { openProject(p); });
    connect(m_controller, &ProjectController::projectChanged, this, &MainWindow::updateTitle);
    connect(m_controller, &ProjectController::errorOccurred, this,
            [this](const QString& title, const QString& message) { showError(title, message); });
    connect(m_controller, &ProjectController::statusMessage, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 5000); });
    connect(m_canvas, &ImageCanvas::loadFailed, this,
            [this](const QString&, const QString& error) { m_canvasStatus->showHint(error, 10000); });
    connect(m_canvas, &ImageCanvas::imageChanged, this, &MainWindow::updateInfo);
    m_annotation = new AnnotationBinding(this, m_canvas, m_controller);
    connect(m_annotation, &AnnotationBinding::message, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 8000); });
    createDocks();
    createMenus();
    m_annotation->install(); // Annotate menu, toolbar and Labels dock, before the saved layout is restored
    // Captions and Match docks, Annotate > Caption/Match Selection; tests find it with findChild.
    auto* captions = new CaptionsBinding(this, m_canvas, m_controller, m_annotation);
    connect(captions, &CaptionsBinding::message, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 5000); });
    captions->install();
    // Annotate > Pre-label Selection…; tests find it with findChild.
    auto* prelabel = new PrelabelBinding(this, m_controller, m_annotation);
    connect(prelabel, &PrelabelBinding::message, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 5000); });
    prelabel->install();
    // Annotate > Propagate to Next Frames… and Interpolate Boxes Between Keyframes (findChild in tests).
    auto* propagation = new PropagationBinding(this, m_controller, m_annotation);
    connect(propagation, &PropagationBinding::message, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 8000); });
    propagation->install();
    // File > Import Video…, View > Next/Previous Frame (Alt+Right / Alt+Left) and the frame readout.
    auto* video = new VideoBinding(this, m_controller, m_canvasStatus);
    connect(video, &VideoBinding::message, this,
            [this](const QString& text) { m_canvasStatus->showHint(text, 4000); });
    video->install();
    restoreLayout();
    updateTitle();
    resize(1280, 800);
}

MainWindow::~MainWindow()
{
    m_controller->closeProject(); // before the docks and the canvas go
}

void MainWindow::createDocks()
{
    auto makeDock = [this](const QString& title, const QString& name, QWidget* content,
                           Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name); // saveState() keys docks by object name
        dock->setWidget(content);
        addDockWidget(area, dock);
        return dock;
    };
    // Side docks run full height; the Jobs dock sits under the canvas only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_datasetDock = makeDock(tr("Dataset"), QStringLiteral("DatasetDock"),
                             m_controller->createDatasetPanel(this), Qt::LeftDockWidgetArea);
    m_jobsDock = makeDock(tr("Jobs"), QStringLiteral("JobsDock"), m_controller->createJobsPanel(this),
                          Qt::BottomDockWidgetArea);
    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("infoText"));
    m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setWordWrap(true);
    m_info->setMargin(8);
    m_infoDock = makeDock(tr("Info"), QStringLiteral("InfoDock"), m_info, Qt::RightDockWidgetArea);
    // Models and Classify work on the real store only (a fake backend leaves them empty).
    auto* models = new ModelsPanel(this);
    models->setJobTracker(m_controller->jobTracker()); // downloads show in the Jobs dock
    auto* classify = new ClassifyPanel(this);
    QDockWidget* modelsDock =
        makeDock(tr("Models"), QStringLiteral("ModelsDock"), models, Qt::RightDockWidgetArea);
    QDockWidget* classifyDock =
        makeDock(tr("Classify"), QStringLiteral("ClassifyDock"), classify, Qt::RightDockWidgetArea);
    tabifyDockWidget(m_infoDock, modelsDock);
    tabifyDockWidget(modelsDock, classifyDock);
    m_explain = new ExplainPanel(m_canvas, this);
    m_explain->setJobTracker(m_controller->jobTracker());
    m_explainDock =
        makeDock(tr("Explain"), QStringLiteral("ExplainDock"), m_explain, Qt::RightDockWidgetArea);
    tabifyDockWidget(classifyDock, m_explainDock);
    auto* caption = new CaptionPanel(m_canvas, this);
    m_captionDock = makeDock(tr("Caption"), QStringLiteral("CaptionDock"), caption, Qt::RightDockWidgetArea);
    tabifyDockWidget(classifyDock, m_captionDock);
    caption->setActive(false); // its word maps leave the canvas while the dock is hidden
    connect(m_captionDock, &QDockWidget::visibilityChanged, caption, &CaptionPanel::setActive);
    connect(models, &ModelsPanel::modelSelected, caption, [caption](const QString& folder) {
        if (folderRuns(folder, captionArchitectures())) caption->setModelFolder(folder);
    });
    connect(m_controller, &ProjectController::currentAssetChanged, caption, &CaptionPanel::setAsset);
    auto* ask = new AskPanel(m_canvas, this);
    m_askDock = makeDock(tr("Ask"), QStringLiteral("AskDock"), ask, Qt::RightDockWidgetArea);
    tabifyDockWidget(classifyDock, m_askDock);
    ask->setActive(false);
    connect(m_askDock, &QDockWidget::visibilityChanged, ask, &AskPanel::setActive);
    connect(models, &ModelsPanel::modelSelected, ask, [ask](const QString& folder) {
        if (folderRuns(folder, questionArchitectures())) ask->setModelFolder(folder);
    });
    connect(m_controller, &ProjectController::currentAssetChanged, ask, &AskPanel::setAsset);
    // Running the model on every image change is only worth it while someone looks at the dock.
    m_explain->setActive(false);
    connect(m_explainDock, &QDockWidget::visibilityChanged, m_explain, &ExplainPanel::setActive);
    connect(models, &ModelsPanel::modelSelected, m_explain, &ExplainPanel::setModelFolder);
    connect(m_controller, &ProjectController::currentAssetChanged, m_explain, &ExplainPanel::setAsset);
    connect(m_explain, &ExplainPanel::statusMessage, this, [this](const QString& text) {
        if (text.isEmpty())
            m_canvasStatus->showHint({});
        else
            m_canvasStatus->showHint(text, 4000);
    });
    m_infoDock->raise();
    connect(models, &ModelsPanel::modelSelected, classify, &ClassifyPanel::setModelFolder);
    connect(m_controller, &ProjectController::currentAssetChanged, classify, &ClassifyPanel::setAsset);
    connect(m_controller, &ProjectController::projectChanged, this, [this, models, classify, caption, ask] {
        auto* store = qobject_cast<StoreBackend*>(m_controller->backend());
        core::Project* project = store ? store->project() : nullptr;
        models->setProject(project);
        classify->setProject(project);
        classify->setAsset(m_controller->currentAsset());
        m_explain->setProject(project);
        m_explain->setAsset(m_controller->currentAsset());
        caption->setProject(project);
        if (caption->modelFolder().isEmpty())
            caption->setModelFolder(firstProjectModel(project, captionArchitectures()));
        caption->setAsset(m_controller->currentAsset());
        ask->setProject(project);
        if (ask->modelFolder().isEmpty())
            ask->setModelFolder(firstProjectModel(project, questionArchitectures()));
        ask->setAsset(m_controller->currentAsset());
    });
    resizeDocks({m_datasetDock, m_infoDock}, {300, 240}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {120}, Qt::Vertical);
    // View > Engine Profiler: hidden until asked for, and recording only while visible.
    auto* profiler = new ProfilerDock(this);
    profiler->setJobTracker(m_controller->jobTracker());
    QDockWidget* profilerDock = makeDock(tr("Engine Profiler"), QStringLiteral("EngineProfilerDock"),
                                         profiler, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_jobsDock, profilerDock); // under the canvas, full width, beside the Jobs it counts
    profilerDock->hide();
    connect(profilerDock, &QDockWidget::visibilityChanged, profiler, &ProfilerDock::setActive);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project…"), QKeySequence::New, this, &MainWindow::newProject);
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::openProjectDialog);
    m_recent->attach(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    QAction* saveAs = file->addAction(tr("Save &As…"), standardKey(QKeySequence::SaveAs, "Ctrl+Shift+S"),
                                      this, &MainWindow::saveProjectAs);
    file->addSeparator();
    QAction* importFiles =
        file->addAction(tr("&Import Images…"), QKeySequence(tr("Ctrl+I")), this, &MainWindow::importImages);
    QAction* importDir = file->addAction(tr("Import &Folder…"), QKeySequence(tr("Ctrl+Shift+I")), this,
                                         &MainWindow::importFolder);
    addExchangeActions(file, this, [this]() -> core::Project* {
        auto* store = qobject_cast<StoreBackend*>(m_controller->backend());
        return store ? store->project() : nullptr;
    });
    file->addSeparator();
    QAction* quit =
        file->addAction(tr("&Quit"), standardKey(QKeySequence::Quit, "Ctrl+Q"), this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);
    for (QAction* a : {saveAs, importFiles, importDir}) {
        a->setEnabled(false);
        connect(m_controller, &ProjectController::projectChanged, a,
                [this, a] { a->setEnabled(m_controller->hasProject()); });
    }

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = edit->addAction(tr("&Undo"), QKeySequence::Undo, m_controller, &ProjectController::undo);
    QAction* redo = edit->addAction(tr("&Redo"), standardKey(QKeySequence::Redo, "Ctrl+Shift+Z"),
                                    m_controller, &ProjectController::redo);
    // Ctrl+Y as well, as labelme, CVAT and Windows programs have it, whatever the platform's standard.
    QList<QKeySequence> redoKeys = redo->shortcuts();
    for (const QKeySequence& k : {QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))})
        if (!redoKeys.contains(k)) redoKeys << k;
    redo->setShortcuts(redoKeys);
    auto syncHistory = [this, undo, redo] {
        undo->setEnabled(m_controller->canUndo());
        redo->setEnabled(m_controller->canRedo());
        undo->setText(m_controller->undoText().isEmpty() ? tr("&Undo")
                                                         : tr("&Undo %1").arg(m_controller->undoText()));
        redo->setText(m_controller->redoText().isEmpty() ? tr("&Redo")
                                                         : tr("&Redo %1").arg(m_controller->redoText()));
    };
    connect(m_controller, &ProjectController::historyChanged, this, syncHistory);
    syncHistory();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Zoom &In"), standardKey(QKeySequence::ZoomIn, "Ctrl++"), m_canvas,
                    &ImageCanvas::zoomIn);
    view->addAction(tr("Zoom &Out"), standardKey(QKeySequence::ZoomOut, "Ctrl+-"), m_canvas,
                    &ImageCanvas::zoomOut);
    view->addAction(tr("&Fit to Window"), QKeySequence(tr("Ctrl+0")), m_canvas, &ImageCanvas::fitToWindow);
    view->addAction(tr("&Actual Pixels (100%)"), QKeySequence(tr("Ctrl+1")), m_canvas,
                    &ImageCanvas::zoomToActualSize);
    QMenu* presets = view->addMenu(tr("&Zoom"));
    for (double z : {0.25, 0.5, 1.0, 2.0, 4.0, 8.0})
        presets->addAction(QStringLiteral("%1%").arg(z * 100), m_canvas, [this, z] { m_canvas->setZoom(z); });
    view->addSeparator();
    view->addAction(tr("&Next Image"), QKeySequence(Qt::Key_PageDown), m_controller,
                    &ProjectController::selectNext)
        ->setShortcutContext(Qt::WidgetWithChildrenShortcut); // the canvas handles D / PgDown itself
    view->addAction(tr("&Previous Image"), QKeySequence(Qt::Key_PageUp), m_controller,
                    &ProjectController::selectPrevious)
        ->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    for (Theme t : {Theme::System, Theme::Light, Theme::Dark}) {
        QAction* a = theme->addAction(t == Theme::System  ? tr("Follow &System")
                                      : t == Theme::Light ? tr("&Light")
                                                          : tr("&Dark"));
        a->setCheckable(true);
        a->setChecked(configuredTheme() == t);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [t] {
            saveThemeSetting(t);
            applyTheme(*qApp, t);
        });
    }
    QAction* explain = view->addAction(tr("&Explain"), QKeySequence(tr("Ctrl+E")), this, [this] {
        m_explainDock->show();
        m_explainDock->raise();
    });
    explain->setObjectName(QStringLiteral("showExplain"));
    view->addAction(tr("&Caption"), QKeySequence(tr("Ctrl+Shift+C")), this,
                    [this] {
                        m_captionDock->show();
                        m_captionDock->raise();
                    })
        ->setObjectName(QStringLiteral("showCaption"));
    view->addAction(tr("As&k"), QKeySequence(tr("Ctrl+Shift+K")), this,
                    [this] {
                        m_askDock->show();
                        m_askDock->raise();
                    })
        ->setObjectName(QStringLiteral("showAsk"));
    // Measured, not assumed: pointing game, relevance inside the mask, deletion/insertion and the
    // randomisation check on images with known masks (the project's own, a folder, or generated shapes).
    QAction* quality =
        view->addAction(tr("Explanation &Quality…"), QKeySequence(tr("Ctrl+Shift+E")), this, [this] {
            auto* store = qobject_cast<StoreBackend*>(m_controller->backend());
            QualityDialog::showForProject(this, store ? store->project() : nullptr,
                                          m_controller->jobTracker());
        });
    quality->setObjectName(QStringLiteral("showExplanationQuality"));
    view->addAction(tr("Engine &Profiler"), QKeySequence(tr("Ctrl+Shift+P")), this,
                    [this] {
                        auto* d = findChild<QDockWidget*>(QStringLiteral("EngineProfilerDock"));
                        d->show();
                        d->raise();
                        // The Jobs dock's height is too short for the tables and the timeline.
                        resizeDocks({d}, {qMax(d->height(), 320)}, Qt::Vertical);
                    })
        ->setObjectName(QStringLiteral("showEngineProfiler"));
    QMenu* panels = view->addMenu(tr("&Panels"));
    for (QDockWidget* d : {m_datasetDock, m_jobsDock, m_infoDock, m_explainDock, m_captionDock, m_askDock})
        panels->addAction(d->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Loupe"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::restoreLayout()
{
    QSettings s;
    restoreGeometry(s.value(QLatin1String(kGeometryKey)).toByteArray());
    restoreState(s.value(QLatin1String(kStateKey)).toByteArray(), kLayoutVersion);
}

void MainWindow::saveLayout()
{
    QSettings s;
    s.setValue(QLatin1String(kGeometryKey), saveGeometry());
    s.setValue(QLatin1String(kStateKey), saveState(kLayoutVersion));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveLayout();
    m_controller->closeProject(); // every edit is already committed; this stops jobs cleanly
    event->accept();
}

void MainWindow::updateTitle()
{
    if (!m_controller->hasProject()) {
        setWindowTitle(QStringLiteral("Loupe"));
        setWindowFilePath(QString());
    } else {
        setWindowTitle(
            QStringLiteral("%1 — Loupe").arg(QFileInfo(m_controller->projectPath()).completeBaseName()));
        setWindowFilePath(m_controller->projectPath());
    }
    updateInfo();
}

void MainWindow::updateInfo()
{
    QString html;
    if (m_controller->hasProject())
        html += tr("<b>Project</b><br>%1<br>%2<br><br>")
                    .arg(QFileInfo(m_controller->projectPath()).fileName().toHtmlEscaped(),
                         m_controller->projectSummary().toHtmlEscaped());
    if (!m_canvas->imageSize().isEmpty())
        html += tr("<b>Image</b><br>%1<br>%2 × %3 px")
                    .arg(QFileInfo(m_canvas->imagePath()).fileName().toHtmlEscaped())
                    .arg(m_canvas->imageSize().width())
                    .arg(m_canvas->imageSize().height());
    m_info->setText(html.isEmpty() ? tr("No project open.") : html);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    m_lastError = message;
    qCWarning(lcWindow).noquote() << title << ":" << message;
    if (qEnvironmentVariableIsSet("LOUPE_NO_DIALOGS")) // headless runs (screenshots) must not block
        return;
    QMessageBox::warning(this, title, message);
}

bool MainWindow::openProject(const QString& path, bool quiet)
{
    QString error;
    if (!m_controller->openProject(path, &error)) {
        m_lastError = error;
        if (!quiet) showError(tr("Cannot open project"), error);
        return false;
    }
    m_recent->add(path);
    return true;
}

void MainWindow::newProject()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Project"), QString(), kProjectFilter);
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".loupe"))) path += QLatin1String(".loupe");
    QString error;
    if (!m_controller->createProject(path, &error))
        showError(tr("Cannot create project"), error);
    else
        m_recent->add(path);
}

void MainWindow::openProjectDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(), kProjectFilter);
    if (!path.isEmpty()) openProject(path);
}

void MainWindow::saveProjectAs()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), QString(), kProjectFilter);
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".loupe"))) path += QLatin1String(".loupe");
    QString error;
    if (!m_controller->saveAs(path, &error))
        showError(tr("Cannot save project"), error);
    else
        m_recent->add(path);
}

void MainWindow::importImages()
{
    // DICOM files often have no extension: "All files" lets them be picked; the importer finds them by
    // content.
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Import Images"), QString(),
                                      tr("Images (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp *.dcm "
                                         "*.dicom);;DICOM (*.dcm *.dicom);;All files (*)"));
    if (!files.isEmpty()) m_controller->importPaths(files);
}

void MainWindow::importFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Import Folder"));
    if (!dir.isEmpty()) m_controller->importPaths({dir});
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

} // namespace loupe::views
