// SPDX-License-Identifier: MIT
#include "views/captions/tagcompleter.h"

#include <QLineEdit>
#include <QStringListModel>

namespace loupe::views {

TagCompleter::TagCompleter(QObject* parent) : QCompleter(parent), m_model(new QStringListModel(this))
{
    setModel(m_model);
    setCaseSensitivity(Qt::CaseInsensitive);
    setCompletionMode(QCompleter::PopupCompletion);
}

void TagCompleter::setTags(const QStringList& tags)
{
    m_model->setStringList(tags);
}

QStringList TagCompleter::tags() const
{
    return m_model->stringList();
}

QStringList TagCompleter::splitPath(const QString& path) const
{
    return {path.section(QLatin1Char(','), -1).trimmed()};
}

QString TagCompleter::pathFromIndex(const QModelIndex& index) const
{
    const QString tag = index.data(Qt::EditRole).toString();
    const auto* edit = qobject_cast<const QLineEdit*>(widget());
    const QString text = edit ? edit->text() : QString();
    const int comma = int(text.lastIndexOf(QLatin1Char(',')));
    return comma < 0 ? tag : text.left(comma + 1) + QLatin1Char(' ') + tag;
}

} // namespace loupe::views
