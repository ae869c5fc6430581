// SPDX-License-Identifier: MIT
#include "views/mainwindow/annotationbinding.h"

#include "annotation/bridge/projectannotations.h"
#include "core/store/project.h"
#include "views/annotate/annotator.h"
#include "views/annotate/labelpalette.h"
#include "views/annotate/samoptions.h"
#include "views/annotate/samtool.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/labels/labeleditor.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/properties/propertiesdock.h"
#include "views/review/reviewdock.h"
#include "views/review/reviewsession.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QToolBar>

namespace loupe::views {

AnnotationBinding::AnnotationBinding(QMainWindow* window, ImageCanvas* canvas, ProjectController* controller)
    : QObject(window), m_window(window), m_canvas(canvas), m_controller(controller)
{
    m_annotator = new Annotator(canvas, window);
    connect(m_annotator, &Annotator::message, this, &AnnotationBinding::message);
    connect(controller, &ProjectController::aboutToCloseProject, this, &AnnotationBinding::closeProject);
    connect(controller, &ProjectController::projectChanged, this, &AnnotationBinding::openProject);
    // The edited image is the one on the canvas: its id from the controller, its size once decoded.
    connect(canvas, &ImageCanvas::imageChanged, this, &AnnotationBinding::showCurrentImage);
    connect(controller, &ProjectController::currentAssetChanged, this, [this](qint64 assetId) {
        m_annotator->setImage(0, {}); // until the new image is decoded, nothing is editable
        if (m_reviewDock) m_reviewDock->setImage(assetId);
    });
}

AnnotationBinding::~AnnotationBinding()
{
    if (m_annotations) closeProject(); // normally done already: the window closes the project first
}

ReviewDock* AnnotationBinding::reviewDock() const
{
    return m_reviewDock.data();
}

void AnnotationBinding::install()
{
    QMenuBar* bar = m_window->menuBar();
    QAction* before = bar->actions().isEmpty() ? nullptr : bar->actions().last(); // Help stays last
    QMenu* menu = m_annotator->menu();
    menu->addSeparator();
    QAction* next = menu->addAction(tr("Next &Unlabeled Image"), this, &AnnotationBinding::nextUnlabeled);
    next->setObjectName(QStringLiteral("nextUnlabeled"));
    next->setShortcut(QKeySequence(tr("Shift+D")));
    m_window->addAction(next);
    installSamTool(menu);
    QAction* editLabels = menu->addAction(tr("Edit &Labels…"), this, &AnnotationBinding::editLabels);
    editLabels->setObjectName(QStringLiteral("editLabels"));
    connect(m_annotator->palette(), &LabelPalette::editLabelsRequested, this, &AnnotationBinding::editLabels);
    bar->insertMenu(before, menu);
    m_window->addToolBar(Qt::TopToolBarArea, m_annotator->toolBar());
    m_labelsDock = new QDockWidget(tr("Labels"), m_window);
    m_labelsDock->setObjectName(QStringLiteral("LabelsDock"));
    m_labelsDock->setWidget(m_annotator->palette());
    m_window->addDockWidget(Qt::LeftDockWidgetArea, m_labelsDock);
    m_propertiesDock = new PropertiesDock(m_annotator->scene(), m_window);
    m_window->addDockWidget(Qt::RightDockWidgetArea, m_propertiesDock);
    if (QMenu* panels = panelsMenu()) {
        panels->addAction(m_labelsDock->toggleViewAction());
        panels->addAction(m_propertiesDock->toggleViewAction());
    }
}

void AnnotationBinding::installSamTool(QMenu* menu)
{
    auto* sam = qobject_cast<SamTool*>(m_annotator->tool(QStringLiteral("toolSam")));
    if (!sam) return;
    // T in the SAM tool, here for a rectangle selected with any tool (a detector's box, say): the SAM
    // tool takes over and replaces it by the tight box around the object inside.
    QAction* tighten = menu->addAction(tr("&Tighten Box"), this, [this, sam] {
        if (!sam->canTightenBox()) return;
        m_annotator->activateTool(QStringLiteral("toolSam"));
        sam->tightenBox();
    });
    tighten->setObjectName(QStringLiteral("tightenBox"));
    tighten->setToolTip(tr("Shrink the dragged or selected box to the object inside it (T in the SAM tool)"));
    const auto updateTighten = [tighten, sam] { tighten->setEnabled(sam->canTightenBox()); };
    connect(sam, &SamTool::promptChanged, tighten, updateTighten);
    connect(m_annotator->scene(), &ShapeScene::selectionChanged, tighten, updateTighten);
    connect(m_annotator->scene(), &ShapeScene::imageReset, tighten, updateTighten);
    updateTighten();
    // Its options sit in a toolbar of their own, shown while the tool is in use.
    m_samOptions = new QToolBar(tr("SAM Options"), m_window);
    m_samOptions->setObjectName(QStringLiteral("SamOptionsToolBar"));
    m_samOptions->addWidget(new SamOptionsBar(sam, m_samOptions));
    m_window->addToolBar(Qt::TopToolBarArea, m_samOptions);
    m_samOptions->setVisible(false);
    connect(sam, &SamTool::activeChanged, m_samOptions, &QToolBar::setVisible);
    // The model loads in the background: once it is there, the next images' embeddings start.
    connect(sam, &SamTool::modelLoaded, this, [this](bool ok) {
        if (ok && m_controller) prefetchSamEmbeddings(m_controller->currentAsset());
    });
}

QMenu* AnnotationBinding::panelsMenu() const
{
    for (QAction* top : m_window->menuBar()->actions())
        if (top->menu())
            for (QAction* a : top->menu()->actions())
                if (a->menu() && a->text() == tr("&Panels")) return a->menu();
    return nullptr;
}

void AnnotationBinding::openProject()
{
    if (m_annotations || !m_controller)
        return; // projectChanged also follows a close; the close handler ran first
    auto* store = qobject_cast<StoreBackend*>(m_controller->backend());
    core::Project* project = store ? store->project() : nullptr;
    if (!project) {
        m_annotator->setDocument(nullptr, {});
        return;
    }
    m_annotations = std::make_unique<annotation::ProjectAnnotations>(*project);
    if (!m_annotations->openWarning().isEmpty()) emit message(m_annotations->openWarning());
    connect(m_annotations.get(), &annotation::ProjectAnnotations::historyWarning, this,
            &AnnotationBinding::message);
    m_annotator->setDocument(m_annotations->document(), {});
    m_annotator->reloadLabels(); // with their definitions and hotkeys
    m_controller->setUndoStack(m_annotations->undoStack());
    // The browser's done ticks and review counts follow edits without a reload of the whole list.
    if (DatasetModel* model = m_controller->datasetModel()) model->followDocument(m_annotations->document());
    // The browser's label filter lists the labels as the editor adds, renames and removes them (and as
    // project steps such as an import or its undo change them).
    auto relistLabels = [this] {
        if (m_controller && m_controller->datasetPanel() && m_controller->backend())
            m_controller->datasetPanel()->setLabels(m_controller->backend()->labels());
    };
    connect(m_annotations->document(), &annotation::AnnotationDocument::labelsChanged, this, relistLabels);
    connect(m_annotations->document(), &annotation::AnnotationDocument::shapesReloaded, this, relistLabels);

    m_reviewDock = new ReviewDock(*m_annotations, m_window);
    // Under the browser and the labels: the right column keeps its height for Explain and Properties, so the
    // window fits 1280×800 with every dock open.
    m_window->addDockWidget(Qt::LeftDockWidgetArea, m_reviewDock);
    if (QMenu* panels = panelsMenu())
        panels->addAction(m_reviewDock->toggleViewAction()); // goes with the dock
    connect(m_reviewDock, &ReviewDock::shapeSelected, this, [this](qint64 assetId, qint64 shapeId) {
        // The review may pick a shape before the image is decoded: it is selected once it is shown.
        m_reviewPick = {assetId, shapeId};
        if (assetId == m_annotator->scene()->imageId() && shapeId)
            m_annotator->scene()->setSelection({shapeId});
        // A project-wide queue moves on to a shape on another image: show that image.
        else if (shapeId && m_controller && assetId != m_controller->currentAsset())
            if (DatasetModel* model = m_controller->datasetModel(); model && model->rowOfAsset(assetId) >= 0)
                m_controller->selectRow(model->rowOfAsset(assetId));
    });
    if (m_controller->currentAsset() > 0) m_reviewDock->setImage(m_controller->currentAsset());
    // Click-to-mask uses the project's first SAM model (loaded on a worker), GrabCut without one.
    if (auto* sam = qobject_cast<SamTool*>(m_annotator->tool(QStringLiteral("toolSam"))))
        sam->setModelFolder(SamTool::samModelFolder(*project));
    // Y / X / F review the dock's current shape while it is shown and that shape is the one selected
    // (or nothing is); with other shapes selected they give their verdict to the selection.
    m_annotator->setVerdictHandler([this](annotation::ReviewState state) {
        if (!m_reviewDock || !m_reviewDock->isVisible()) return false;
        const qint64 current = m_reviewDock->session()->currentShape();
        const QList<qint64> selection = m_annotator->scene()->selection();
        if (!current || (!selection.isEmpty() && selection != QList<qint64>{current})) return false;
        return m_reviewDock->review(state);
    });
    showCurrentImage();
}

void AnnotationBinding::closeProject()
{
    // Everything that points into the project's annotations lets go before they do.
    if (m_canvas) m_annotator->setImage(0, {});
    m_annotator->setDocument(nullptr, {});
    m_annotator->setVerdictHandler({});
    if (m_controller) {
        m_controller->setUndoStack(nullptr);
        if (DatasetModel* model = m_controller->datasetModel()) model->followDocument(nullptr);
    }
    delete m_reviewDock;
    delete m_labelEditor; // it edits the document that goes next
    m_annotations.reset();
}

void AnnotationBinding::showCurrentImage()
{
    const QSize size = m_canvas ? m_canvas->imageSize() : QSize();
    const qint64 asset = m_controller ? m_controller->currentAsset() : 0;
    m_annotator->setImage(m_annotations && !size.isEmpty() && asset > 0 ? asset : 0, size);
    prefetchSamEmbeddings(asset);
    if (m_reviewPick.first == m_annotator->scene()->imageId() && m_reviewPick.second)
        m_annotator->scene()->setSelection({m_reviewPick.second});
}

void AnnotationBinding::prefetchSamEmbeddings(qint64 asset)
{
    // The next images' SAM embeddings are computed in the background while this one is annotated, so the
    // first click on them answers at decoder speed.
    auto* sam = qobject_cast<SamTool*>(m_annotator->tool(QStringLiteral("toolSam")));
    DatasetModel* model = m_controller ? m_controller->datasetModel() : nullptr;
    if (!sam || !sam->segmenter() || sam->engineText() != QLatin1String("SAM") || !model || asset <= 0)
        return;
    const int row = model->rowOfAsset(asset);
    if (row < 0) return;
    QStringList next;
    for (int r = row + 1; r <= row + 2; ++r)
        if (const AssetRow* a = model->rowAt(r)) next << a->absolutePath;
    if (!next.isEmpty()) sam->segmenter()->prefetch(next);
}

LabelEditor* AnnotationBinding::labelEditor() const
{
    return m_labelEditor.data();
}

void AnnotationBinding::editLabels()
{
    if (!m_annotations) {
        emit message(tr("Open a project to edit its labels"));
        return;
    }
    if (!m_labelEditor) {
        m_labelEditor = new LabelEditor(m_annotations->document(), m_window);
        m_labelEditor->setAttribute(Qt::WA_DeleteOnClose);
        m_labelEditor->setKeyCheck([this](const QKeySequence& k) { return m_annotator->isKeyTaken(k); });
    }
    m_labelEditor->setCurrentLabel(m_annotator->scene()->currentLabel());
    m_labelEditor->show();
    m_labelEditor->raise();
}

void AnnotationBinding::nextUnlabeled()
{
    DatasetModel* model = m_controller ? m_controller->datasetModel() : nullptr;
    if (!model || !m_annotations) return;
    const int from = model->rowOfAsset(m_controller->currentAsset());
    for (int row = from + 1; row < model->rowCount(); ++row) {
        const AssetRow* r = model->rowAt(row);
        // A page not loaded yet: go there, the browser loads it, and the next press continues.
        if (!r || m_annotations->document()->shapes(r->id).empty()) {
            m_controller->selectRow(row);
            return;
        }
    }
    emit message(tr("No unlabeled image after this one"));
}

} // namespace loupe::views
