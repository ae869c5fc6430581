// SPDX-License-Identifier: MIT
#include "views/dicom/dicompanel.h"

#include "views/canvas/imagecanvas.h"
#include "views/canvas/windowlevel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace loupe::views {

namespace {

void clearForm(QFormLayout* form)
{
    while (form->rowCount() > 0)
        form->removeRow(0);
}

QString formText(const QFormLayout* form)
{
    QStringList lines;
    for (int i = 0; i < form->rowCount(); ++i) {
        const auto* label = qobject_cast<QLabel*>(form->itemAt(i, QFormLayout::LabelRole)
                                                      ? form->itemAt(i, QFormLayout::LabelRole)->widget()
                                                      : nullptr);
        const auto* field = qobject_cast<QLabel*>(form->itemAt(i, QFormLayout::FieldRole)
                                                      ? form->itemAt(i, QFormLayout::FieldRole)->widget()
                                                      : nullptr);
        if (label && field) lines << label->text() + QLatin1Char(' ') + field->text();
    }
    return lines.join(QLatin1Char('\n'));
}

QString presetText(const core::DicomWindow& w)
{
    return QStringLiteral("%1 (C %2, W %3)").arg(w.name).arg(w.center).arg(w.width);
}

} // namespace

DicomPanel::DicomPanel(ImageCanvas* canvas, QWidget* parent)
    : QWidget(parent), m_canvas(canvas), m_empty(new QLabel(tr("Not a DICOM image."), this)),
      m_details(new QWidget(this)), m_form(new QFormLayout), m_presets(new QComboBox(m_details)),
      m_reset(new QPushButton(tr("Reset Window"), m_details)),
      m_showPatient(new QPushButton(tr("Show Patient"), m_details)),
      m_patient(new QGroupBox(tr("Patient"), m_details)), m_patientForm(new QFormLayout(m_patient))
{
    // A side panel: the image keeps the room.
    setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 26);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_empty);
    layout->addWidget(m_details);
    layout->addStretch(1);
    auto* details = new QVBoxLayout(m_details);
    details->setContentsMargins(0, 0, 0, 0);
    details->addLayout(m_form);
    auto* presetRow = new QFormLayout;
    presetRow->addRow(tr("Window:"), m_presets);
    details->addLayout(presetRow);
    details->addWidget(m_reset);
    m_presets->setObjectName(QStringLiteral("dicomPresets"));
    m_reset->setToolTip(tr("Back to the file's first window preset (right-drag on the image changes it)"));
    // The patient stays hidden until asked for: screenshots and screen sharing show the image only.
    m_showPatient->setCheckable(true);
    m_showPatient->setObjectName(QStringLiteral("dicomShowPatient"));
    details->addWidget(m_showPatient);
    details->addWidget(m_patient);
    m_patient->hide();
    connect(m_showPatient, &QPushButton::toggled, m_patient, &QWidget::setVisible);
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        const auto presets = m_canvas->windowLevel()->presets();
        if (index >= 0 && index < presets.size()) m_canvas->windowLevel()->setWindow(presets[index]);
    });
    connect(m_reset, &QPushButton::clicked, this, [this] { m_canvas->windowLevel()->reset(); });
    connect(canvas, &ImageCanvas::imageChanged, this, &DicomPanel::refreshImage);
    connect(canvas->windowLevel(), &WindowLevel::windowChanged, this, &DicomPanel::refreshWindow);
    refreshImage();
}

void DicomPanel::refreshImage()
{
    const core::DicomImage* dicom = m_canvas->windowLevel()->dicom();
    m_empty->setVisible(!dicom);
    m_details->setVisible(dicom);
    clearForm(m_form);
    clearForm(m_patientForm);
    if (!dicom) return;
    const core::DicomInfo& i = dicom->info;
    auto row = [this](const QString& name, const QString& value) {
        auto* field = new QLabel(value);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(new QLabel(name), field);
    };
    row(tr("Modality:"), i.modality.isEmpty() ? tr("(none)") : i.modality);
    row(tr("Size:"), tr("%1 × %2, %n frame(s)", nullptr, i.frames).arg(i.columns).arg(i.rows));
    row(tr("Bits:"), tr("%1 stored of %2%3")
                         .arg(i.bitsStored)
                         .arg(i.bitsAllocated)
                         .arg(i.signedPixels ? tr(", signed") : QString()));
    row(tr("Photometric:"), i.photometric);
    row(tr("Transfer syntax:"), i.transferSyntax);
    row(tr("Rescale:"), tr("slope %1, intercept %2").arg(i.slope).arg(i.intercept));
    row(tr("Values:"), tr("%1 to %2").arg(double(dicom->frame.minValue)).arg(double(dicom->frame.maxValue)));
    for (const auto& [name, value] : i.patient.fields) {
        auto* field = new QLabel(value);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        field->setToolTip(value); // long UIDs are cut at the panel's width
        field->setMinimumWidth(0);
        field->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        m_patientForm->addRow(new QLabel(name + QLatin1Char(':')), field);
    }
    m_showPatient->setEnabled(!i.patient.isEmpty());
    const bool grey = m_canvas->windowLevel()->isActive();
    m_presets->setEnabled(grey);
    m_reset->setEnabled(grey);
    refreshWindow();
}

void DicomPanel::refreshWindow()
{
    const WindowLevel* wl = m_canvas->windowLevel();
    const QSignalBlocker block(m_presets);
    m_presets->clear();
    if (!wl->isActive()) return;
    const auto presets = wl->presets();
    int current = -1;
    for (int k = 0; k < presets.size(); ++k) {
        m_presets->addItem(presetText(presets[k]));
        if (presets[k].center == wl->window().center && presets[k].width == wl->window().width) current = k;
    }
    if (current < 0) { // a dragged window: shown as its own entry
        m_presets->addItem(presetText(wl->window()));
        current = m_presets->count() - 1;
    }
    m_presets->setCurrentIndex(current);
}

QString DicomPanel::descriptionText() const
{
    return formText(m_form);
}

QString DicomPanel::patientText() const
{
    return formText(m_patientForm);
}

} // namespace loupe::views
