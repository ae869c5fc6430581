// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/assist/prelabelrequest.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// "Pre-label Selection…": the model (the project's registered checkpoints that a detector takes or that
// are CLIP, or any folder), the CLIP labeller that names what a class-agnostic detector finds, and the
// threshold.
class PrelabelDialog : public QDialog
{
    Q_OBJECT
public:
    PrelabelDialog(core::Project* project, int imageCount, QWidget* parent = nullptr);

    // Everything but the images.
    annotation::PrelabelRequest request() const;
    // Empty when the request can run, else what is missing.
    QString problem() const;

    QComboBox* modelField() const { return m_model; }
    QComboBox* labellerField() const { return m_labeller; }
    QDoubleSpinBox* thresholdField() const { return m_threshold; }

    void accept() override;

private:
    void modelChanged();

    QComboBox* m_model;
    QComboBox* m_labeller;
    QDoubleSpinBox* m_threshold;
    QLabel* m_kind;
    QLabel* m_problem;
};

} // namespace loupe::views
