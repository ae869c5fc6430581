// SPDX-License-Identifier: MIT
#include "views/exchange/exchangeactions.h"

#include "views/exchange/exportdialog.h"
#include "views/exchange/importannotationsdialog.h"

#include <QMenu>

namespace loupe::views {

void addExchangeActions(QMenu* menu, QWidget* window, std::function<core::Project*()> project)
{
    QAction* importAction = menu->addAction(QObject::tr("Import &Annotations…"), window, [window, project] {
        ImportAnnotationsDialog::openFor(project(), window);
    });
    QAction* exportAction = menu->addAction(QObject::tr("&Export Annotations…"), window,
                                            [window, project] { ExportDialog::openFor(project(), window); });
    importAction->setObjectName(QStringLiteral("importAnnotationsAction"));
    exportAction->setObjectName(QStringLiteral("exportAnnotationsAction"));
    // Checked when the menu opens, so no signal of the window's is needed to keep them current.
    QObject::connect(menu, &QMenu::aboutToShow, window, [importAction, exportAction, project] {
        const bool open = project() != nullptr;
        importAction->setEnabled(open);
        exportAction->setEnabled(open);
    });
}

} // namespace loupe::views
