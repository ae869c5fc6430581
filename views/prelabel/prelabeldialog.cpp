// SPDX-License-Identifier: MIT
#include "views/prelabel/prelabeldialog.h"

#include "annotation/assist/prelabeljob.h"
#include "core/store/project.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace loupe::views {

namespace {

QString displayName(const core::ModelRecord& m)
{
    return m.name.isEmpty() ? QFileInfo(QDir::cleanPath(m.path)).fileName() : m.name;
}

// The folder a combo names: its item's data for a listed model, else the text typed.
QString folderOf(const QComboBox* box)
{
    const int index = box->findText(box->currentText());
    return index >= 0 && box->itemData(index).isValid() ? box->itemData(index).toString()
                                                        : box->currentText().trimmed();
}

} // namespace

PrelabelDialog::PrelabelDialog(core::Project* project, int imageCount, QWidget* parent)
    : QDialog(parent), m_model(new QComboBox(this)), m_labeller(new QComboBox(this)),
      m_threshold(new QDoubleSpinBox(this)), m_kind(new QLabel(this)), m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("PrelabelDialog"));
    setWindowTitle(tr("Pre-label %n Image(s)", nullptr, imageCount));
    m_model->setObjectName(QStringLiteral("prelabelModel"));
    m_model->setEditable(true); // any folder may be typed or browsed to
    m_model->setMinimumContentsLength(30);
    m_labeller->setObjectName(QStringLiteral("prelabelLabeller"));
    m_labeller->setEditable(true);
    m_labeller->addItem(tr("(none)"), QString());
    if (project)
        for (const core::ModelRecord& m : project->models()) {
            const bool clip = annotation::isClipFolder(m.path);
            if (clip || annotation::isDetectorFolder(m.path)) m_model->addItem(displayName(m), m.path);
            if (clip) m_labeller->addItem(displayName(m), m.path);
        }
    // A detector first: CLIP alone gives tags, the less common wish.
    for (int i = 0; i < m_model->count(); ++i)
        if (!annotation::isClipFolder(m_model->itemData(i).toString())) {
            m_model->setCurrentIndex(i);
            break;
        }
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model Folder"));
        if (!dir.isEmpty()) m_model->setCurrentText(dir);
    });
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    m_threshold->setObjectName(QStringLiteral("prelabelThreshold"));
    m_threshold->setRange(0, 1);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setValue(0.5);
    m_kind->setObjectName(QStringLiteral("prelabelKind"));
    m_kind->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Model:"), modelRow);
    form->addRow(tr("Labeller (CLIP):"), m_labeller);
    form->addRow(tr("Threshold:"), m_threshold);
    m_problem->setObjectName(QStringLiteral("prelabelProblem"));
    m_problem->setWordWrap(true);
    auto* note = new QLabel(tr("Proposals are shapes in review state New, drawn dashed until accepted; the "
                               "Review dock walks them lowest score first. Images already pre-labelled by "
                               "this model with these settings are skipped, so running again finishes a "
                               "cancelled job."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Pre-label"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PrelabelDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PrelabelDialog::reject);
    connect(m_model, &QComboBox::currentTextChanged, this, &PrelabelDialog::modelChanged);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_kind);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    modelChanged();
}

void PrelabelDialog::modelChanged()
{
    const QString folder = folderOf(m_model);
    const bool clip = annotation::isClipFolder(folder);
    // CLIP tags whole images itself: a labeller would have nothing to name.
    m_labeller->setEnabled(!clip);
    if (folder.isEmpty())
        m_kind->clear();
    else if (clip)
        m_kind->setText(tr("CLIP: the project's labels reaching the threshold become image tags."));
    else if (annotation::isDetectorFolder(folder))
        m_kind->setText(tr("Detector: proposals become shapes to review."));
    else
        m_kind->setText(tr("No detector takes this model."));
}

annotation::PrelabelRequest PrelabelDialog::request() const
{
    annotation::PrelabelRequest r;
    r.modelFolder = folderOf(m_model);
    if (m_labeller->isEnabled()) r.labellerFolder = folderOf(m_labeller); // "(none)" names no folder
    r.threshold = m_threshold->value();
    return r;
}

QString PrelabelDialog::problem() const
{
    const annotation::PrelabelRequest r = request();
    if (r.modelFolder.isEmpty()) return tr("Choose a model folder.");
    if (!QFileInfo(r.modelFolder).isDir()) return tr("%1: no such folder.").arg(r.modelFolder);
    if (!annotation::isClipFolder(r.modelFolder) && !annotation::isDetectorFolder(r.modelFolder))
        return tr("%1: neither a detector nor CLIP takes this model.").arg(r.modelFolder);
    if (!r.labellerFolder.isEmpty() && !annotation::isClipFolder(r.labellerFolder))
        return tr("%1: the labeller must be a CLIP model.").arg(r.labellerFolder);
    return {};
}

void PrelabelDialog::accept()
{
    const QString why = problem();
    m_problem->setText(why);
    if (why.isEmpty()) QDialog::accept();
}

} // namespace loupe::views
