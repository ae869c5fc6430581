// SPDX-License-Identifier: MIT
#include "app/gui.h"

#include "app/sampleproject_path.h"
#include "app/screenshot.h"
#include "plugins/host/plugin_host.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/storebackend.h"
#include "views/theme.h"

#include <QApplication>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QTimer>

namespace loupe {

Q_LOGGING_CATEGORY(lcGui, "loupe.gui")

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QGuiApplication::setDesktopFileName(QStringLiteral("org.loupe.Loupe")); // Wayland ties the window to the menu entry
    plugins::loadInstalledPlugins(); // formats, models and explanation methods plugins add
    views::applyTheme(app);

    QString projectPath;
    bool sample = false;
    for (const QString& arg : app.arguments().mid(1)) {
        if (arg == QLatin1String("--sample"))
            sample = true;
        else if (!arg.startsWith(QLatin1Char('-')))
            projectPath = arg;
    }

    views::MainWindow window(views::StoreBackend::opener());
    const QString screenshot = qEnvironmentVariable("LOUPE_SCREENSHOT");
    if (!screenshot.isEmpty()) {
        qputenv("LOUPE_NO_DIALOGS", "1"); // nothing may wait for a click
        new ScreenshotOnFirstImage(&window, screenshot, sample || !projectPath.isEmpty());
    }
    window.show();

    // Open after the window is up, so a slow or failing open never leaves the user with nothing.
    QTimer::singleShot(0, &window, [&window, projectPath, sample] {
        QString path = projectPath;
        if (sample) {
            QString error;
            path = ensureSampleProject(&error);
            if (path.isEmpty()) {
                qCWarning(lcGui).noquote() << error;
                if (!qEnvironmentVariableIsSet("LOUPE_NO_DIALOGS"))
                    QMessageBox::warning(&window, QObject::tr("Cannot create the sample project"), error);
                return;
            }
        }
        if (!path.isEmpty()) window.openProject(QFileInfo(path).absoluteFilePath());
    });
    return app.exec();
}

} // namespace loupe
