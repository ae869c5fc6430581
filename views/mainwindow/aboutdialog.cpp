// SPDX-License-Identifier: MIT
#include "views/mainwindow/aboutdialog.h"

#include "core/version.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QSysInfo>
#include <QThread>
#include <QVBoxLayout>

namespace loupe::views {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("About Loupe"));
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(aboutHtml(), this);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString AboutDialog::cpuDescription()
{
    QString model;
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        for (const QByteArray& line : f.readAll().split('\n'))
            if (line.startsWith("model name")) {
                model = QString::fromUtf8(line.mid(line.indexOf(':') + 1)).trimmed();
                break;
            }
    }
    if (model.isEmpty()) model = QSysInfo::currentCpuArchitecture();
    return QStringLiteral("CPU: %1, %2 threads").arg(model).arg(QThread::idealThreadCount());
}

QString AboutDialog::aboutHtml()
{
    QString backends;
    for (const QString& b : core::builtBackends())
        backends += QStringLiteral("<li>%1</li>").arg(b.toHtmlEscaped());
    return QStringLiteral("<h2>Loupe %1</h2>"
                          "<p>Annotate image datasets, ask models what they see, and see why.</p>"
                          "<p><b>Compute backends in this build</b></p><ul>%2</ul>"
                          "<p><b>Devices found</b></p><ul><li>%3</li></ul>"
                          "<p>Qt %4 · %5</p>")
        .arg(core::versionString(), backends, cpuDescription().toHtmlEscaped(),
             QString::fromLatin1(qVersion()), QSysInfo::prettyProductName().toHtmlEscaped());
}

} // namespace loupe::views
