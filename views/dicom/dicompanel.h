// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;

namespace loupe::views {

class ImageCanvas;

// What the canvas's DICOM image is (modality, size, bits, photometric interpretation, transfer
// syntax, rescale), its window presets with a reset, and the patient and study tags behind a
// "Show patient" button: shown on request, never written anywhere. Empty text for other images.
class DicomPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DicomPanel(ImageCanvas* canvas, QWidget* parent = nullptr);

    QComboBox* presetBox() const { return m_presets; }
    QPushButton* resetButton() const { return m_reset; }
    QPushButton* showPatientButton() const { return m_showPatient; }
    QGroupBox* patientBox() const { return m_patient; }
    // The description rows as "Name: value" lines (for tests and the accessible description).
    QString descriptionText() const;
    QString patientText() const;

private:
    void refreshImage();
    void refreshWindow();

    ImageCanvas* m_canvas;
    QLabel* m_empty;
    QWidget* m_details;
    QFormLayout* m_form;
    QComboBox* m_presets;
    QPushButton* m_reset;
    QPushButton* m_showPatient;
    QGroupBox* m_patient;
    QFormLayout* m_patientForm;
};

} // namespace loupe::views
