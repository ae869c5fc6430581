// SPDX-License-Identifier: MIT
#include "views/mainwindow/aboutdialog.h"

#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "core/inference/execution.h"
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

namespace {

QString gib(uint64_t bytes)
{
    return QStringLiteral("%1 GiB").arg(double(bytes) / double(1ull << 30), 0, 'f', 1);
}

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

} // namespace

QString AboutDialog::devicesHtml()
{
    // What auto would run a model on, so the user knows what "Auto" in the Models panel means here.
    const compute::ExecutionRecord autoPick = core::plannedExecution({});
    const QString picked = QStringLiteral(" <b>← auto</b>");
    QString html = QStringLiteral("<li>%1%2</li>")
                       .arg(cpuDescription().toHtmlEscaped(), autoPick.backend == "cpu" ? picked : QString());
    const auto vk = compute::vulkanDeviceInfos();
    for (const compute::VulkanDeviceInfo& d : vk)
        html += QStringLiteral("<li>Vulkan %1: %2 (%3, %4, Vulkan %5, %6)%7</li>")
                    .arg(d.index)
                    .arg(esc(d.name), esc(d.type), esc(d.driver), esc(d.apiVersion), gib(d.memoryBytes),
                         autoPick.backend == "vulkan" && autoPick.device == d.name ? picked : QString());
    if (vk.empty()) html += QStringLiteral("<li>Vulkan: %1</li>").arg(esc(compute::vulkanStatus()));
    const auto cuda = compute::cudaDeviceInfos();
    for (const compute::CudaDeviceInfo& d : cuda)
        html += QStringLiteral("<li>CUDA %1: %2 (compute capability %3, driver %4, %5)%6</li>")
                    .arg(d.index)
                    .arg(esc(d.name), esc(d.computeCapability), esc(d.driver), gib(d.memoryBytes),
                         autoPick.backend == "cuda" && autoPick.device == d.name ? picked : QString());
    if (cuda.empty()) html += QStringLiteral("<li>CUDA: %1</li>").arg(esc(compute::cudaStatus()));
    return html;
}

QString AboutDialog::aboutHtml()
{
    QString backends;
    for (const QString& b : core::builtBackends())
        backends += QStringLiteral("<li>%1</li>").arg(b.toHtmlEscaped());
    return QStringLiteral("<h2>Loupe %1</h2>"
                          "<p>Annotate image datasets, ask models what they see, and see why.</p>"
                          "<p><b>Compute backends in this build</b></p><ul>%2</ul>"
                          "<p><b>Devices found</b></p><ul>%3</ul>"
                          "<p>Qt %4 · %5</p>")
        .arg(core::versionString(), backends, devicesHtml(), QString::fromLatin1(qVersion()),
             QSysInfo::prettyProductName().toHtmlEscaped());
}

} // namespace loupe::views
