// SPDX-License-Identifier: MIT
#include "app/gui.h"

#include <QApplication>
#include <QMainWindow>

namespace loupe {

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("Loupe"));
    window.resize(1280, 800);
    window.show();
    return app.exec();
}

} // namespace loupe
