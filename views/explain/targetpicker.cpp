// SPDX-License-Identifier: MIT
#include "views/explain/targetpicker.h"

#include <QCheckBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace loupe::views {

TargetPicker::TargetPicker(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("explainTargets"));
    m_list->setMaximumHeight(m_list->fontMetrics().height() * 7);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Any class by name…"));
    m_search->setClearButtonEnabled(true);
    m_pin = new QCheckBox(tr("Pin"), this);
    m_pin->setObjectName(QStringLiteral("explainTargetPin"));
    m_pin->setToolTip(
        tr("Keep this class as the target for other images (otherwise each image's top class)"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_search, 1);
    row->addWidget(m_pin);
    layout->addWidget(m_list);
    layout->addLayout(row);
    connect(m_pin, &QCheckBox::toggled, this, [this](bool on) { m_pinned = on ? m_target : -1; });
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item) return;
        const int index = item->data(Qt::UserRole).toInt();
        if (index == m_target) return;
        m_target = index;
        if (m_pin->isChecked()) m_pinned = index;
        emit targetChanged(index);
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (setTargetByName(m_search->text())) m_search->clear();
    });
}

void TargetPicker::clear()
{
    const QSignalBlocker block(m_list);
    m_list->clear();
    m_names.clear();
    m_probs.clear();
    m_target = -1;
    m_search->setCompleter(nullptr);
}

void TargetPicker::setScores(const QStringList& names, const std::vector<float>& probs,
                             const std::vector<int>& ranking, int topK)
{
    const int previous = m_pinned;
    clear();
    m_names = names;
    m_probs = probs;
    {
        const QSignalBlocker block(m_list);
        for (int i = 0; i < topK && i < int(ranking.size()); ++i)
            addRow(ranking[size_t(i)]);
    }
    auto* completer = new QCompleter(names, m_search);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    connect(completer, qOverload<const QString&>(&QCompleter::activated), this,
            [this](const QString& name) { setTargetByName(name); });
    m_search->setCompleter(completer);
    // A pinned class stays chosen when this model knows it; otherwise the image's top class.
    if (!setTarget(previous >= 0 && previous < int(names.size()) ? previous
                                                                 : (ranking.empty() ? -1 : ranking.front())))
        m_target = -1;
}

void TargetPicker::addRow(int index)
{
    const float p = index < int(m_probs.size()) ? m_probs[size_t(index)] : 0.0f;
    auto* item = new QListWidgetItem(
        QStringLiteral("%1 — %2 %").arg(m_names.value(index)).arg(double(p) * 100, 0, 'f', 1), m_list);
    item->setData(Qt::UserRole, index);
    item->setToolTip(tr("class %1").arg(index));
}

bool TargetPicker::setTarget(int index)
{
    if (index < 0 || index >= int(m_names.size())) return false;
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(Qt::UserRole).toInt() == index) {
            m_list->setCurrentRow(row);
            return true;
        }
    addRow(index);
    m_list->setCurrentRow(m_list->count() - 1);
    return true;
}

bool TargetPicker::isPinned() const
{
    return m_pin->isChecked();
}

void TargetPicker::setPinned(bool pinned)
{
    m_pin->setChecked(pinned);
    m_pinned = pinned ? m_target : -1;
}

bool TargetPicker::setTargetByName(const QString& name)
{
    for (int i = 0; i < m_names.size(); ++i)
        if (m_names[i].compare(name.trimmed(), Qt::CaseInsensitive) == 0) return setTarget(i);
    return false;
}

} // namespace loupe::views
