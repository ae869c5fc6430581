// SPDX-License-Identifier: MIT
#include "views/mainwindow/recentprojects.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace loupe::views {

namespace {
const char* kKey = "recentProjects";
}

RecentProjects::RecentProjects(QObject* parent) : QObject(parent) {}

QStringList RecentProjects::paths() const
{
    return QSettings().value(QLatin1String(kKey)).toStringList();
}

void RecentProjects::save(const QStringList& paths)
{
    QSettings().setValue(QLatin1String(kKey), paths.mid(0, kMax));
}

void RecentProjects::add(const QString& path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = paths();
    list.removeAll(abs);
    list.prepend(abs);
    save(list);
}

void RecentProjects::remove(const QString& path)
{
    QStringList list = paths();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    save(list);
}

void RecentProjects::clear()
{
    save({});
}

void RecentProjects::attach(QMenu* menu)
{
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { rebuild(menu); });
    rebuild(menu);
}

void RecentProjects::rebuild(QMenu* menu)
{
    menu->clear();
    QStringList list = paths();
    list.erase(
        std::remove_if(list.begin(), list.end(), [](const QString& p) { return !QFileInfo::exists(p); }),
        list.end());
    int n = 0;
    for (const QString& path : list) {
        const QString label = QStringLiteral("&%1 %2").arg(++n % 10).arg(QDir::toNativeSeparators(path));
        QAction* a = menu->addAction(label);
        connect(a, &QAction::triggered, this, [this, path] { emit openRequested(path); });
    }
    if (list.isEmpty()) menu->addAction(tr("No recent projects"))->setEnabled(false);
    menu->addSeparator();
    QAction* clearAction = menu->addAction(tr("Clear Menu"));
    clearAction->setEnabled(!list.isEmpty());
    connect(clearAction, &QAction::triggered, this, &RecentProjects::clear);
}

} // namespace loupe::views
