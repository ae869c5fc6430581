// SPDX-License-Identifier: MIT
#include "views/captions/captioneditor.h"

#include "annotation/commands/changeimagetags.h"
#include "annotation/document/annotationdocument.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "views/captions/captionaccess.h"
#include "views/captions/tagcompleter.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace loupe::views {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;

QString sourceText(const CaptionItem& c)
{
    if (c.source != QLatin1String("model")) {
        // A model caption edited by hand is manual now, and still says which run it came from.
        return c.runId ? QObject::tr("manual (edited, run %1)").arg(c.runId) : QObject::tr("manual");
    }
    const QString model =
        c.model.isEmpty() ? QObject::tr("unknown model") : QFileInfo(QDir::cleanPath(c.model)).fileName();
    return QObject::tr("model · %1").arg(model);
}
} // namespace

CaptionEditor::CaptionEditor(QWidget* parent)
    : QWidget(parent), m_list(new QTreeWidget(this)), m_newCaption(new QLineEdit(this)),
      m_add(new QPushButton(tr("Add"), this)), m_remove(new QPushButton(tr("Remove"), this)),
      m_tags(new QLineEdit(this)), m_completer(new TagCompleter(this))
{
    setObjectName(QStringLiteral("CaptionEditor"));
    m_list->setObjectName(QStringLiteral("captionList"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Caption"), tr("Source")});
    m_list->setRootIsDecorated(false);
    m_list->setWordWrap(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_list->installEventFilter(this);
    m_newCaption->setObjectName(QStringLiteral("newCaption"));
    m_newCaption->setPlaceholderText(tr("New caption…"));
    m_add->setObjectName(QStringLiteral("addCaption"));
    m_remove->setObjectName(QStringLiteral("removeCaption"));
    m_tags->setObjectName(QStringLiteral("captionTags"));
    m_tags->setPlaceholderText(tr("Image tags, comma-separated"));
    m_tags->setCompleter(m_completer);

    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_newCaption, 1);
    addRow->addWidget(m_add);
    addRow->addWidget(m_remove);
    auto* tagsRow = new QFormLayout;
    tagsRow->addRow(tr("Tags:"), m_tags);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_list, 1);
    layout->addLayout(addRow);
    layout->addLayout(tagsRow);

    connect(m_newCaption, &QLineEdit::returnPressed, this, [this] {
        if (addCaption(m_newCaption->text())) m_newCaption->clear();
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (addCaption(m_newCaption->text())) m_newCaption->clear();
    });
    connect(m_remove, &QPushButton::clicked, this, &CaptionEditor::removeCurrentCaption);
    connect(m_list, &QTreeWidget::itemChanged, this, &CaptionEditor::onItemChanged);
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this] { m_remove->setEnabled(m_list->currentItem() != nullptr); });
    connect(m_tags, &QLineEdit::editingFinished, this, &CaptionEditor::commitTags);
    refresh();
}

void CaptionEditor::setProject(core::Project* project, annotation::AnnotationDocument* document)
{
    if (m_project) disconnect(m_project, nullptr, this, nullptr);
    if (m_document) disconnect(m_document, nullptr, this, nullptr);
    m_project = project;
    m_document = document;
    m_asset = 0;
    // Undo and redo of a caption edit, and edits elsewhere (a batch job storing captions), change the
    // project under the list.
    if (project) connect(project, &core::Project::changed, this, &CaptionEditor::scheduleRefresh);
    if (document) {
        connect(document, &annotation::AnnotationDocument::tagsChanged, this, [this](qint64 imageId) {
            if (imageId == m_asset) refreshTags();
        });
        connect(document, &annotation::AnnotationDocument::shapesReloaded, this,
                &CaptionEditor::scheduleRefresh);
    }
    refresh();
}

void CaptionEditor::setAsset(qint64 assetId)
{
    m_asset = assetId > 0 ? assetId : 0;
    refresh();
}

void CaptionEditor::scheduleRefresh()
{
    if (m_pending) return;
    m_pending = true;
    QTimer::singleShot(0, this, [this] {
        m_pending = false;
        refresh();
    });
}

void CaptionEditor::refresh()
{
    if (m_refreshing) return;
    m_refreshing = true;
    const qint64 keep = m_list->currentItem() ? m_list->currentItem()->data(0, kIdRole).toLongLong() : 0;
    m_list->clear();
    const bool editable = m_project && m_asset > 0;
    if (editable) {
        for (const CaptionItem& c : listCaptions(*m_project, m_asset)) {
            auto* item = new QTreeWidgetItem(m_list, {c.text, sourceText(c)});
            item->setData(0, kIdRole, c.id);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
            item->setToolTip(0, c.text);
            item->setToolTip(1, c.model.isEmpty() ? sourceText(c) : c.model);
            if (c.id == keep) m_list->setCurrentItem(item);
        }
    }
    for (QWidget* w :
         {static_cast<QWidget*>(m_list), static_cast<QWidget*>(m_newCaption), static_cast<QWidget*>(m_add)})
        w->setEnabled(editable);
    m_remove->setEnabled(editable && m_list->currentItem());
    m_refreshing = false;
    refreshTags();
}

void CaptionEditor::refreshTags()
{
    const bool editable = m_document && m_project && m_asset > 0;
    m_tags->setEnabled(editable);
    m_completer->setTags(m_project ? projectTags(*m_project) : QStringList());
    if (!m_tags->hasFocus())
        m_tags->setText(editable ? m_document->tags(m_asset).join(QStringLiteral(", ")) : QString());
}

bool CaptionEditor::addCaption(const QString& text)
{
    const QString clean = text.trimmed();
    if (!m_project || m_asset <= 0 || clean.isEmpty()) return false;
    QString error;
    if (!core::addCaption(*m_project, m_asset, clean, QStringLiteral("manual"), std::nullopt, &error)) {
        emit message(tr("Cannot add the caption: %1").arg(error));
        return false;
    }
    refresh();
    return true;
}

bool CaptionEditor::removeCurrentCaption()
{
    QTreeWidgetItem* item = m_list->currentItem();
    if (!m_project || !item) return false;
    QString error;
    if (!core::removeCaption(*m_project, item->data(0, kIdRole).toLongLong(), &error)) {
        emit message(tr("Cannot remove the caption: %1").arg(error));
        return false;
    }
    refresh();
    return true;
}

void CaptionEditor::onItemChanged(QTreeWidgetItem* item, int column)
{
    if (m_refreshing || column != 0 || !m_project) return;
    const qint64 id = item->data(0, kIdRole).toLongLong();
    const QString text = item->text(0).trimmed();
    QString error;
    // Clearing a caption's text removes it, as an empty caption means nothing.
    const bool ok = text.isEmpty() ? core::removeCaption(*m_project, id, &error)
                                   : core::updateCaptionText(*m_project, id, text, &error);
    if (!ok) emit message(tr("Cannot change the caption: %1").arg(error));
    scheduleRefresh(); // not inside the view's own itemChanged
}

void CaptionEditor::commitTags()
{
    if (!m_document || m_asset <= 0) return;
    auto* change =
        new annotation::ChangeImageTags(*m_document, m_asset, m_tags->text().split(QLatin1Char(',')));
    if (change->isNoOp()) {
        delete change;
        return;
    }
    m_document->undoStack()->push(change);
    refreshTags();
}

bool CaptionEditor::eventFilter(QObject* watched, QEvent* event)
{
    // Keys typed into an open caption editor go to that editor, not to the list.
    if (watched == m_list && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete) {
        removeCurrentCaption();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace loupe::views
