// SPDX-License-Identifier: MIT
#pragma once

#include "core/jobs/batchinference.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// "Caption Selection…" / "Match Selection…": the model (the project's registered checkpoints of a
// fitting architecture, or any folder) and, for captions, the prompt and decoding (0 keeps the
// checkpoint's own generation_config.json), for matching the texts, one per line ("a photo of a
// {label}" for the project's labels to start with).
class BatchDialog : public QDialog
{
    Q_OBJECT
public:
    BatchDialog(core::BatchRequest::Kind kind, core::Project* project, int imageCount,
                QWidget* parent = nullptr);

    // Everything but the images.
    core::BatchRequest request() const;
    // Empty when the request can run, else what is missing.
    QString problem() const;

    QComboBox* modelField() const { return m_model; }
    QPlainTextEdit* textsField() const { return m_texts; }
    QSpinBox* maxNewTokensField() const { return m_maxNewTokens; }
    QSpinBox* beamsField() const { return m_beams; }
    QLineEdit* promptField() const { return m_prompt; }

    void accept() override;

private:
    core::BatchRequest::Kind m_kind;
    QComboBox* m_model;
    QLineEdit* m_prompt = nullptr;
    QSpinBox* m_maxNewTokens = nullptr;
    QSpinBox* m_beams = nullptr;
    QPlainTextEdit* m_texts = nullptr;
    QLabel* m_problem;
};

} // namespace loupe::views
