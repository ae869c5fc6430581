// SPDX-License-Identifier: MIT
#pragma once

#include "views/profiler/profilerview.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace loupe::views {

// The profiler as plain Qt tables: per-op and per-layer sums (sortable by clicking a header), the last
// run's nodes in order, and a line of gauges. Used where imgui was not built in or OpenGL is missing.
class TableProfilerView final : public QWidget, public ProfilerView
{
    Q_OBJECT
public:
    explicit TableProfilerView(const QString& note, QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    void setSnapshot(const ProfilerSnapshot& snapshot) override;
    QString kind() const override { return QStringLiteral("tables"); }
    QStringList shownOps() const override;
    QStringList shownTimeline() const override;
    QRect opsHeaderRect(int column) const override;

private:
    void showBackend();

    ProfilerSnapshot m_snapshot;
    QComboBox* m_backend;
    QLabel* m_gauges;
    QTableWidget* m_ops;
    QTableWidget* m_layers;
    QTableWidget* m_timeline;
};

} // namespace loupe::views
