// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace loupe::core {
class JobHandle;
class JobTracker;
} // namespace loupe::core

namespace loupe::views {

// The Jobs dock: one row per job of a JobTracker (title, progress bar, Cancel), finished jobs keep
// their outcome until dismissed or cleared.
class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(core::JobTracker* tracker, QWidget* parent = nullptr);

    // The row widget of a job (objectName "job"), for tests and tooltips.
    QWidget* rowOf(const core::JobHandle* job) const { return m_rows.value(job); }

private:
    void addRow(core::JobHandle* job);
    void removeRow(core::JobHandle* job);
    void updateRow(core::JobHandle* job);
    void updateIdle();

    core::JobTracker* m_tracker;
    QVBoxLayout* m_list = nullptr;
    QLabel* m_idle = nullptr;
    QPushButton* m_clear = nullptr;
    QHash<const core::JobHandle*, QWidget*> m_rows;
};

} // namespace loupe::views
