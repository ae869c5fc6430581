// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

class QLabel;
class QPushButton;
class QTimer;
class QVBoxLayout;

namespace loupe::core {
class JobHandle;
class JobTracker;
} // namespace loupe::core

namespace loupe::views {

// The Jobs dock: one row per job of a JobTracker: the title on its own line (wrapped, never clipped), then
// the progress bar, the time ("0:12 · about 0:30 left") and Cancel. Finished jobs keep their outcome
// and how long they took until dismissed or cleared.
class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(core::JobTracker* tracker, QWidget* parent = nullptr);

    // The row widget of a job (objectName "job"), for tests and tooltips.
    QWidget* rowOf(const core::JobHandle* job) const { return m_rows.value(job); }
    // "m:ss" (or "h:mm:ss").
    static QString formatDuration(qint64 ms);

private:
    void addRow(core::JobHandle* job);
    void removeRow(core::JobHandle* job);
    void updateRow(core::JobHandle* job);
    void updateIdle();
    void updateTimes();

    core::JobTracker* m_tracker;
    QVBoxLayout* m_list = nullptr;
    QLabel* m_idle = nullptr;
    QPushButton* m_clear = nullptr;
    QHash<const core::JobHandle*, QWidget*> m_rows;
    QHash<const core::JobHandle*, QElapsedTimer> m_started; // since the row appeared (the job's start)
    QHash<const core::JobHandle*, qint64> m_tookMs;         // frozen when the job ends
    QTimer* m_tick = nullptr;
};

} // namespace loupe::views
