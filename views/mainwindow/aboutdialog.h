// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

namespace loupe::views {

// Help ▸ About: version, the compute backends compiled in, and the devices found.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    // The text shown (HTML), for tests.
    static QString aboutHtml();
    // "CPU: <model name>, N threads" from /proc/cpuinfo (the model name falls back to the architecture).
    static QString cpuDescription();
    // One line per device the engine can use (CPU, each Vulkan device with type, driver and memory,
    // each CUDA GPU or why there is none), the one auto picks marked, as HTML list items.
    static QString devicesHtml();
};

} // namespace loupe::views
