// SPDX-License-Identifier: MIT
#include "views/annotate/annotator.h"

#include "annotation/document/annotationdocument.h"
#include "views/annotate/boxtool.h"
#include "views/annotate/brushtool.h"
#include "views/annotate/keypointtool.h"
#include "views/annotate/labelpalette.h"
#include "views/annotate/pointtool.h"
#include "views/annotate/polygontool.h"
#include "views/annotate/samtool.h"
#include "views/annotate/selecttool.h"
#include "views/annotate/shapelayer.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"

#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QToolBar>

namespace loupe::views {

using namespace loupe::annotation;

Annotator::Annotator(ImageCanvas* canvas, QWidget* window)
    : QObject(window), m_canvas(canvas), m_window(window)
{
    m_scene = new ShapeScene(this);
    m_layer = new ShapeLayer(m_scene, this);
    m_layer->setViewport(canvas);
    canvas->addLayer(m_layer);
    m_palette = new LabelPalette(m_scene, window);
    connect(m_scene, &ShapeScene::message, this, &Annotator::message);
    createTools();
    createActions(window);
    connect(m_scene, &ShapeScene::selectionChanged, this, &Annotator::updateEnabled);
    updateEnabled();
}

Annotator::~Annotator()
{
    // The canvas may outlive us during window teardown: leave it the plain pan tool and no layer.
    if (m_canvas) {
        if (qobject_cast<AnnotateTool*>(m_canvas->tool())) m_canvas->setTool(nullptr);
        m_canvas->removeLayer(m_layer);
    }
}

void Annotator::createTools()
{
    m_select = new SelectTool(m_scene, this);
    m_tools.insert(QStringLiteral("toolSelect"), m_select);
    m_tools.insert(QStringLiteral("toolRectangle"), new BoxTool(BoxTool::Kind::Rectangle, m_scene, this));
    m_tools.insert(QStringLiteral("toolRotatedRectangle"),
                   new BoxTool(BoxTool::Kind::RotatedRectangle, m_scene, this));
    m_tools.insert(QStringLiteral("toolPolygon"), new PolygonTool(true, m_scene, this));
    m_tools.insert(QStringLiteral("toolPolyline"), new PolygonTool(false, m_scene, this));
    m_tools.insert(QStringLiteral("toolPoint"), new PointTool(m_scene, this));
    m_tools.insert(QStringLiteral("toolKeypoints"), new KeypointTool(m_scene, this));
    m_tools.insert(QStringLiteral("toolBrush"), new BrushTool(false, m_scene, this));
    m_tools.insert(QStringLiteral("toolEraser"), new BrushTool(true, m_scene, this));
    m_tools.insert(QStringLiteral("toolSam"), new SamTool(m_scene, this));
}

QAction* Annotator::addAction(QWidget* window, const QString& name, const QString& text,
                              const QKeySequence& key, std::function<void()> slot)
{
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcut(key);
    connect(a, &QAction::triggered, this, std::move(slot));
    window->addAction(a);
    m_actions.insert(name, a);
    return a;
}

void Annotator::createActions(QWidget* window)
{
    m_menu = new QMenu(tr("&Annotate"), window);
    m_toolBar = new QToolBar(tr("Annotate"), window);
    m_toolBar->setObjectName(QStringLiteral("AnnotateToolBar"));
    m_toolGroup = new QActionGroup(this);
    const struct
    {
        const char* name;
        QString text;
        const char* key;
    } tools[] = {
        {"toolSelect", tr("&Select / Edit"), "V"},
        {"toolRectangle", tr("&Rectangle"), "R"},
        {"toolRotatedRectangle", tr("R&otated Rectangle"), "O"},
        {"toolPolygon", tr("&Polygon"), "P"},
        {"toolPolyline", tr("Poly&line"), "L"},
        {"toolPoint", tr("Poi&nt"), "."},
        {"toolKeypoints", tr("&Keypoints"), "K"},
        {"toolBrush", tr("Mask &Brush"), "B"},
        {"toolEraser", tr("Mask &Eraser"), "E"},
        {"toolSam", tr("&SAM Click to Mask"), "S"},
    };
    for (const auto& t : tools) {
        const QString name = QString::fromLatin1(t.name);
        QAction* a = addAction(window, name, t.text, QKeySequence(QString::fromLatin1(t.key)),
                               [this, name] { activateTool(name); });
        a->setCheckable(true);
        a->setToolTip(
            QStringLiteral("%1 (%2)").arg(QString(t.text).remove(QLatin1Char('&')), QLatin1String(t.key)));
        m_toolGroup->addAction(a);
        m_menu->addAction(a);
        m_toolBar->addAction(a);
    }
    m_menu->addSeparator();
    m_toolBar->addSeparator();
    const QList<QAction*> edits = {
        addAction(window, QStringLiteral("copyShapes"), tr("&Copy Shapes"), QKeySequence::Copy,
                  [this] { m_scene->copySelection(); }),
        addAction(window, QStringLiteral("pasteShapes"), tr("&Paste Shapes"), QKeySequence::Paste,
                  [this] { m_scene->paste(); }),
        addAction(window, QStringLiteral("deleteShapes"), tr("&Delete"), QKeySequence::Delete,
                  [this] {
                      if (m_canvas && m_canvas->tool() == m_select)
                          m_select->deletePressed(); // a clicked vertex goes before its shape
                      else
                          m_scene->deleteSelection();
                  }),
        addAction(window, QStringLiteral("raiseShapes"), tr("Bring to &Front"), QKeySequence(tr("Ctrl+]")),
                  [this] { m_scene->raiseSelection(); }),
        addAction(window, QStringLiteral("lowerShapes"), tr("Send to Bac&k"), QKeySequence(tr("Ctrl+[")),
                  [this] { m_scene->lowerSelection(); }),
        addAction(window, QStringLiteral("acceptShapes"), tr("&Accept"), QKeySequence(tr("Y")),
                  [this] { verdict(ReviewState::Accepted); }),
        addAction(window, QStringLiteral("rejectShapes"), tr("Re&ject"), QKeySequence(tr("X")),
                  [this] { verdict(ReviewState::Rejected); }),
        addAction(window, QStringLiteral("needsFixShapes"), tr("Needs &Fix"), QKeySequence(tr("F")),
                  [this] { verdict(ReviewState::NeedsFix); }),
    };
    for (QAction* a : edits)
        m_menu->addAction(a);
    for (const char* name : {"acceptShapes", "rejectShapes", "needsFixShapes"}) {
        QAction* a = m_actions.value(QString::fromLatin1(name));
        a->setToolTip(QStringLiteral("%1 (%2)").arg(a->text().remove(QLatin1Char('&')),
                                                    a->shortcut().toString(QKeySequence::NativeText)));
        m_toolBar->addAction(a);
    }
    for (int digit = 1; digit <= 9; ++digit) {
        const QString key = QString::number(digit);
        addAction(window, QStringLiteral("label%1").arg(digit), tr("Label %1").arg(digit), QKeySequence(key),
                  [this, key] { m_palette->pickByHotkey(key); });
    }
}

bool Annotator::isKeyTaken(const QKeySequence& key) const
{
    for (QAction* a : m_actions)
        if (!a->objectName().startsWith(QLatin1String("labelKey:")) && a->shortcuts().contains(key))
            return true;
    if (m_window)
        for (QAction* a : m_window->findChildren<QAction*>())
            if (!a->objectName().startsWith(QLatin1String("labelKey:")) && a->shortcuts().contains(key) &&
                a->shortcutContext() != Qt::WidgetShortcut)
                return true;
    return false;
}

void Annotator::updateLabelKeyActions()
{
    // Keys other than 1-9 (those have their fixed actions) get one window-wide action each; a key some
    // other action already has is left out rather than made ambiguous.
    for (auto it = m_actions.begin(); it != m_actions.end();) {
        if (it.key().startsWith(QLatin1String("labelKey:"))) {
            delete it.value();
            it = m_actions.erase(it);
        } else {
            ++it;
        }
    }
    if (!m_window) return;
    const QHash<qint64, QString> keys = m_palette->hotkeys();
    for (auto it = keys.begin(); it != keys.end(); ++it) {
        const QString& key = it.value();
        if (key.size() == 1 && key[0] >= QLatin1Char('1') && key[0] <= QLatin1Char('9')) continue;
        const QKeySequence seq(key);
        if (seq.isEmpty() || isKeyTaken(seq)) continue;
        const qint64 id = it.key();
        QAction* a = addAction(m_window, QStringLiteral("labelKey:%1").arg(key), tr("Label %1").arg(key), seq,
                               [this, id] { m_palette->pick(id, true); });
        a->setEnabled(m_scene->isEditable());
    }
}

void Annotator::verdict(ReviewState state)
{
    if (m_verdictHandler && m_verdictHandler(state)) return;
    m_scene->setSelectionReview(state);
}

AnnotateTool* Annotator::tool(const QString& name) const
{
    return m_tools.value(name);
}

QAction* Annotator::action(const QString& objectName) const
{
    return m_actions.value(objectName);
}

void Annotator::activateTool(const QString& name)
{
    AnnotateTool* t = m_tools.value(name);
    if (!t || !m_canvas) return;
    m_lastTool = name;
    if (!m_scene->isEditable()) return; // remembered for when a document and image are there
    m_canvas->setTool(t);
    if (QAction* a = m_actions.value(name)) a->setChecked(true);
}

void Annotator::setDocument(AnnotationDocument* doc, std::vector<LabelDef> labels,
                            const QHash<qint64, QString>& hotkeys)
{
    if (m_document) disconnect(m_document, nullptr, this, nullptr);
    m_document = doc;
    m_scene->setDocument(doc);
    m_palette->setHotkeys(hotkeys);
    m_scene->setLabels(std::move(labels));
    // Label edits (the label editor, undo of one) reach the scene, the palette and the hotkeys.
    // A project step (an import and its undo) may add or remove labels too.
    if (doc) {
        connect(doc, &AnnotationDocument::labelsChanged, this, &Annotator::reloadLabels);
        connect(doc, &AnnotationDocument::shapesReloaded, this, &Annotator::reloadLabels);
    }
    updateEnabled();
}

void Annotator::reloadLabels()
{
    if (!m_document) return;
    std::vector<LabelDef> labels = m_document->labels();
    QHash<qint64, QString> hotkeys;
    for (const LabelDef& l : labels)
        if (!l.hotkey.isEmpty()) hotkeys.insert(l.id, l.hotkey);
    m_palette->setHotkeys(hotkeys);
    m_scene->setLabels(std::move(labels));
    updateLabelKeyActions();
}

AnnotationDocument* Annotator::document() const
{
    return m_scene->document();
}

void Annotator::setImage(qint64 imageId, QSize size)
{
    m_scene->setImage(imageId, size);
    updateEnabled();
}

void Annotator::updateEnabled()
{
    const bool on = m_scene->isEditable();
    for (QAction* a : std::as_const(m_actions))
        a->setEnabled(on);
    const bool selected = on && !m_scene->selection().isEmpty();
    for (const char* name : {"copyShapes", "deleteShapes", "raiseShapes", "lowerShapes", "acceptShapes",
                             "rejectShapes", "needsFixShapes"})
        m_actions.value(QString::fromLatin1(name))->setEnabled(selected);
    if (!m_canvas) return;
    const bool annotating = qobject_cast<AnnotateTool*>(m_canvas->tool()) != nullptr;
    if (on && !annotating) {
        activateTool(m_lastTool);
    } else if (!on && annotating) {
        m_canvas->setTool(nullptr); // nothing to edit: the canvas pans
        if (QAction* a = m_toolGroup->checkedAction()) a->setChecked(false);
    }
}

} // namespace loupe::views
