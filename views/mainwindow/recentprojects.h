// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace loupe::views {

// The File ▸ Recent list, kept in QSettings: most recent first, no duplicates, at most kMax,
// files that no longer exist are dropped when the menu is shown.
class RecentProjects : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMax = 10;
    explicit RecentProjects(QObject* parent = nullptr);

    QStringList paths() const;
    void add(const QString& path);
    void remove(const QString& path);
    void clear();
    // Fills `menu` (rebuilt each time it is about to show).
    void attach(QMenu* menu);

signals:
    void openRequested(const QString& path);

private:
    void save(const QStringList& paths);
    void rebuild(QMenu* menu);
};

} // namespace loupe::views
