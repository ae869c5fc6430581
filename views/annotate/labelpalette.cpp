// SPDX-License-Identifier: MIT
#include "views/annotate/labelpalette.h"

#include "views/annotate/shapescene.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace loupe::views {

namespace {

QIcon swatch(const QColor& color)
{
    QPixmap pm(14, 14);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setPen(color.darker(150));
    p.setBrush(color);
    p.drawRoundedRect(QRectF(0.5, 0.5, 13, 13), 3, 3);
    return QIcon(pm);
}

constexpr int kIdRole = Qt::UserRole + 1;

} // namespace

LabelPalette::LabelPalette(ShapeScene* scene, QWidget* parent) : QWidget(parent), m_scene(scene)
{
    setObjectName(QStringLiteral("LabelPalette"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("labelFilter"));
    m_filter->setPlaceholderText(tr("Filter labels"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("labelTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setHeaderLabels({tr("Label"), tr("Key"), tr("Hide"), tr("Lock")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int c : {KeyColumn, HideColumn, LockColumn})
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    layout->addWidget(m_tree);
    auto* edit = new QPushButton(tr("Edit Labels…"), this);
    edit->setObjectName(QStringLiteral("editLabels"));
    connect(edit, &QPushButton::clicked, this, &LabelPalette::editLabelsRequested);
    layout->addWidget(edit);

    connect(m_filter, &QLineEdit::textChanged, this, &LabelPalette::applyFilter);
    // Enter in the filter picks the first label still shown: type "ca", Enter, and cars are drawn.
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
            QTreeWidgetItem* it = m_tree->topLevelItem(i);
            if (!it->isHidden()) {
                pick(it->data(NameColumn, kIdRole).toLongLong(), false);
                return;
            }
        }
    });
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* it, int column) {
        if (column == NameColumn || column == KeyColumn)
            pick(it->data(NameColumn, kIdRole).toLongLong(), false);
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* it, int column) {
        if (column == NameColumn || column == KeyColumn)
            pick(it->data(NameColumn, kIdRole).toLongLong(), true);
    });
    connect(m_tree, &QTreeWidget::itemChanged, this, &LabelPalette::onItemChanged);
    connect(scene, &ShapeScene::labelsChanged, this, &LabelPalette::rebuild);
    connect(scene, &ShapeScene::currentLabelChanged, this, &LabelPalette::syncCurrent);
    rebuild();
}

void LabelPalette::setHotkeys(const QHash<qint64, QString>& hotkeys)
{
    m_hotkeys = hotkeys;
    rebuild();
}

void LabelPalette::rebuild()
{
    if (!m_scene) return;
    m_rebuilding = true;
    m_tree->clear();
    m_effectiveKeys.clear();
    QSet<QString> used;
    for (const auto& l : m_scene->labels()) {
        // 1-9, or another key the label editor let through (one no window action uses).
        const QString k = m_hotkeys.value(l.id);
        if (!k.isEmpty() && !used.contains(k)) {
            m_effectiveKeys.insert(l.id, k);
            used.insert(k);
        }
    }
    int next = 1;
    for (const auto& l : m_scene->labels()) {
        if (m_effectiveKeys.contains(l.id)) continue;
        while (next <= 9 && used.contains(QString::number(next)))
            ++next;
        if (next > 9) break;
        m_effectiveKeys.insert(l.id, QString::number(next));
        used.insert(QString::number(next));
    }
    for (const auto& l : m_scene->labels()) {
        auto* it = new QTreeWidgetItem(m_tree);
        it->setText(NameColumn, l.name);
        it->setIcon(NameColumn, swatch(m_scene->colorOf(l.id)));
        it->setData(NameColumn, kIdRole, l.id);
        it->setText(KeyColumn, m_effectiveKeys.value(l.id));
        it->setTextAlignment(KeyColumn, Qt::AlignCenter);
        it->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        it->setCheckState(HideColumn, m_scene->isLabelHidden(l.id) ? Qt::Checked : Qt::Unchecked);
        it->setCheckState(LockColumn, m_scene->isLabelLocked(l.id) ? Qt::Checked : Qt::Unchecked);
        it->setToolTip(HideColumn, tr("Hide the shapes of \"%1\"").arg(l.name));
        it->setToolTip(LockColumn, tr("Show but do not let the shapes of \"%1\" be edited").arg(l.name));
    }
    m_rebuilding = false;
    applyFilter();
    syncCurrent();
}

void LabelPalette::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* it = m_tree->topLevelItem(i);
        it->setHidden(!text.isEmpty() && !it->text(NameColumn).contains(text, Qt::CaseInsensitive));
    }
}

void LabelPalette::syncCurrent()
{
    if (!m_scene) return;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* it = m_tree->topLevelItem(i);
        if (it->data(NameColumn, kIdRole).toLongLong() == m_scene->currentLabel()) {
            m_tree->setCurrentItem(it);
            return;
        }
    }
}

void LabelPalette::onItemChanged(QTreeWidgetItem* item, int column)
{
    if (m_rebuilding || !m_scene) return;
    const qint64 id = item->data(NameColumn, kIdRole).toLongLong();
    const bool on = item->checkState(column) == Qt::Checked;
    // The scene re-announces its labels; rebuilding inside itemChanged would delete `item` under Qt.
    if (column == HideColumn)
        QMetaObject::invokeMethod(
            this, [this, id, on] { m_scene->setLabelHidden(id, on); }, Qt::QueuedConnection);
    else if (column == LockColumn)
        QMetaObject::invokeMethod(
            this, [this, id, on] { m_scene->setLabelLocked(id, on); }, Qt::QueuedConnection);
}

void LabelPalette::pick(qint64 labelId, bool relabelSelection)
{
    if (!m_scene || !m_scene->label(labelId)) return;
    m_scene->setCurrentLabel(labelId);
    if (relabelSelection) m_scene->relabelSelection(labelId);
}

bool LabelPalette::pickByHotkey(const QString& key)
{
    const qint64 id = m_effectiveKeys.key(key, 0);
    if (!id) return false;
    pick(id, true);
    return true;
}

} // namespace loupe::views
