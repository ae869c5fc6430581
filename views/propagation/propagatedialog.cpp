// SPDX-License-Identifier: MIT
#include "views/propagation/propagatedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <algorithm>

namespace loupe::views {

namespace {
const char* kFramesKey = "propagate/frames";
const char* kTrackerKey = "propagate/tracker";
} // namespace

PropagateDialog::PropagateDialog(const QString& what, const QString& samFolder, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Propagate to Next Frames"));
    auto* form = new QFormLayout(this);
    auto* intro = new QLabel(tr("Carry %1 to the following frames of this sequence. The new shapes are "
                                "proposals to review, added as one undo step.")
                                 .arg(what),
                             this);
    intro->setWordWrap(true);
    form->addRow(intro);
    QSettings settings;
    m_frames = new QSpinBox(this);
    m_frames->setObjectName(QStringLiteral("propagateFrames"));
    m_frames->setRange(1, 10000);
    m_frames->setValue(settings.value(QLatin1String(kFramesKey), 10).toInt());
    form->addRow(tr("&Frames:"), m_frames);
    m_tracker = new QComboBox(this);
    m_tracker->setObjectName(QStringLiteral("propagateTracker"));
    m_tracker->addItem(tr("SAM: refine the previous mask"), int(annotation::BoxTrackerKind::Sam));
    m_tracker->addItem(tr("OpenCV tracker (boxes)"), int(annotation::BoxTrackerKind::OpenCv));
    auto* model = qobject_cast<QStandardItemModel*>(m_tracker->model());
    if (samFolder.isEmpty() && model) model->item(0)->setEnabled(false);
    if (!core::openCvTrackerAvailable() && model) model->item(1)->setEnabled(false);
    const int saved = settings.value(QLatin1String(kTrackerKey), samFolder.isEmpty() ? 1 : 0).toInt();
    m_tracker->setCurrentIndex(samFolder.isEmpty() ? 1 : std::clamp(saved, 0, 1));
    form->addRow(tr("Boxes follow &with:"), m_tracker);
    auto* modelNote =
        new QLabel(samFolder.isEmpty() ? tr("No SAM model in the project: masks and polygons are skipped.")
                                       : tr("SAM model: %1").arg(QFileInfo(samFolder).fileName()),
                   this);
    modelNote->setWordWrap(true);
    form->addRow(modelNote);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings s;
        s.setValue(QLatin1String(kFramesKey), m_frames->value());
        s.setValue(QLatin1String(kTrackerKey), m_tracker->currentIndex());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

int PropagateDialog::frames() const
{
    return m_frames->value();
}

annotation::BoxTrackerKind PropagateDialog::tracker() const
{
    return annotation::BoxTrackerKind(m_tracker->currentData().toInt());
}

} // namespace loupe::views
