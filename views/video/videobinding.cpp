// SPDX-License-Identifier: MIT
#include "views/video/videobinding.h"

#include "core/import/videoimport.h"
#include "core/store/project.h"
#include "views/canvas/canvasstatus.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace loupe::views {

namespace {

QMenu* topMenu(QMainWindow* window, const QString& title)
{
    for (QAction* top : window->menuBar()->actions())
        if (top->menu() && top->text() == title) return top->menu();
    return window->menuBar()->addMenu(title);
}

// The action after `text` in `menu` (to insert before it), or nullptr to append.
QAction* actionAfter(QMenu* menu, const QString& text)
{
    const QList<QAction*> actions = menu->actions();
    for (qsizetype i = 0; i + 1 < actions.size(); ++i)
        if (actions[i]->text() == text) return actions[i + 1];
    return nullptr;
}

} // namespace

VideoBinding::VideoBinding(QMainWindow* window, ProjectController* controller, CanvasStatus* status)
    : QObject(window), m_window(window), m_controller(controller), m_status(status)
{
    connect(controller, &ProjectController::projectChanged, this, [this] {
        // The readout counts the frames there are: an import running in the background adds more.
        if (ProjectBackend* backend = m_controller ? m_controller->backend() : nullptr)
            connect(backend, &ProjectBackend::assetsChanged, this, &VideoBinding::refresh,
                    Qt::UniqueConnection);
        refresh();
    });
    connect(controller, &ProjectController::currentAssetChanged, this, &VideoBinding::refresh);
}

void VideoBinding::install()
{
    QMenu* file = topMenu(m_window, tr("&File"));
    m_import = new QAction(tr("Import &Video…"), this);
    m_import->setObjectName(QStringLiteral("importVideo"));
    connect(m_import, &QAction::triggered, this, &VideoBinding::importVideoDialog);
    file->insertAction(actionAfter(file, tr("Import &Folder…")), m_import);

    QMenu* view = topMenu(m_window, tr("&View"));
    m_next = new QAction(tr("Ne&xt Frame"), this);
    m_next->setObjectName(QStringLiteral("nextFrame"));
    m_next->setShortcut(QKeySequence(tr("Alt+Right")));
    connect(m_next, &QAction::triggered, this, [this] { stepFrame(1); });
    m_previous = new QAction(tr("Pre&vious Frame"), this);
    m_previous->setObjectName(QStringLiteral("previousFrame"));
    m_previous->setShortcut(QKeySequence(tr("Alt+Left")));
    connect(m_previous, &QAction::triggered, this, [this] { stepFrame(-1); });
    QAction* before = actionAfter(view, tr("&Previous Image"));
    view->insertAction(before, m_next);
    view->insertAction(before, m_previous);
    // Window-wide, like the image keys: the frame keys work wherever the focus is in the window.
    m_window->addAction(m_next);
    m_window->addAction(m_previous);
    refresh();
}

core::Project* VideoBinding::project() const
{
    auto* store = m_controller ? qobject_cast<StoreBackend*>(m_controller->backend()) : nullptr;
    return store ? store->project() : nullptr;
}

void VideoBinding::importVideoDialog()
{
    if (!m_controller || !m_controller->hasProject()) return;
    if (!core::hasVideoSupport()) {
        emit message(tr("This build of Loupe cannot read videos (OpenCV videoio was not found)."));
        return;
    }
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Import Video"), QString(),
                                     tr("Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v);;All files (*)"));
    if (path.isEmpty()) return;
    bool ok = false;
    const int stride = QInputDialog::getInt(
        m_window, tr("Import Video"),
        tr("Import every Nth frame of %1 (1: every frame):").arg(QFileInfo(path).fileName()), 1, 1, 100000, 1,
        &ok);
    if (!ok) return;
    m_controller->importVideo(path, stride);
}

bool VideoBinding::stepFrame(int step)
{
    core::Project* p = project();
    if (!p || !m_controller || m_controller->currentAsset() <= 0) return false;
    const std::optional<qint64> next = p->neighbourFrame(m_controller->currentAsset(), step);
    if (!next) {
        emit message(step > 0 ? tr("Last frame of the sequence") : tr("First frame of the sequence"));
        return false;
    }
    const std::optional<core::AssetRow> row = p->asset(*next);
    if (!row) return false;
    m_controller->showAsset(*next, p->absolutePath(row->storedPath));
    return true;
}

QString VideoBinding::frameText(qint64 assetId) const
{
    core::Project* p = project();
    if (!p || assetId <= 0) return {};
    const std::optional<core::Project::SequencePosition> pos = p->sequencePosition(assetId);
    if (!pos || (pos->count < 2 && !pos->frame)) return {};
    const QString place = QStringLiteral("%1 / %2").arg(pos->index + 1).arg(pos->count);
    return pos->frame ? tr("frame %1 · %2").arg(*pos->frame).arg(place) : place;
}

void VideoBinding::refresh()
{
    const bool open = project() != nullptr;
    if (m_import) m_import->setEnabled(m_controller && m_controller->hasProject());
    for (QAction* a : {m_next, m_previous})
        if (a) a->setEnabled(open);
    if (!m_status) return;
    const qint64 asset = m_controller ? m_controller->currentAsset() : -1;
    const QString text = frameText(asset);
    QString tip;
    if (!text.isEmpty()) {
        const std::optional<core::SequenceKey> key = project()->sequenceOf(asset);
        tip = key && key->isNamed()
                  ? tr("A frame of %1; Alt+Right and Alt+Left step through its frames").arg(key->name)
                  : tr("An image of the folder %1; Alt+Right and Alt+Left step through it")
                        .arg(key && !key->folder.isEmpty() ? key->folder : tr("beside the project"));
    }
    m_status->setFrameText(text, tip);
}

} // namespace loupe::views
