// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;

namespace loupe::views {

// Where and at what precision one model runs: a backend (auto and the kinds of device found here) and a
// precision, kept per model folder in the settings (core::setModelEngineOptions). Views read the choice
// when they next open the model, so a change never swaps a model out from under a running job.
class ModelEngineForm : public QWidget
{
    Q_OBJECT
public:
    explicit ModelEngineForm(QWidget* parent = nullptr);

    // Shows the folder's stored choice; an empty folder disables the form.
    void setFolder(const QString& folder);
    QString folder() const { return m_folder; }
    QComboBox* backendBox() const { return m_backend; }
    QComboBox* precisionBox() const { return m_precision; }
    // "auto runs on …", and what a named backend that is absent falls back to.
    QString note() const;

signals:
    void engineOptionsChanged(const QString& folder);

private:
    void store();
    void updateNote();

    QString m_folder;
    QComboBox* m_backend = nullptr;
    QComboBox* m_precision = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace loupe::views
