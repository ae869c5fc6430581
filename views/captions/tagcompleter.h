// SPDX-License-Identifier: MIT
#pragma once

#include <QCompleter>

class QStringListModel;

namespace loupe::views {

// Completes the tag being typed in a comma-separated list ("night, ra" offers "rain"); choosing one keeps
// the tags before it.
class TagCompleter : public QCompleter
{
    Q_OBJECT
public:
    explicit TagCompleter(QObject* parent = nullptr);
    void setTags(const QStringList& tags);
    QStringList tags() const;

    QStringList splitPath(const QString& path) const override;
    QString pathFromIndex(const QModelIndex& index) const override;

private:
    QStringListModel* m_model;
};

} // namespace loupe::views
