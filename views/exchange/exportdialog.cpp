// SPDX-License-Identifier: MIT
#include "views/exchange/exportdialog.h"

#include "annotation/bridge/projectstoreaccess.h"
#include "core/store/project.h"
#include "views/exchange/backgroundrun.h"
#include "views/exchange/reportview.h"
#include "views/exchange/stagedexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <atomic>

namespace loupe::views {

using namespace annotation;

namespace {

struct ExportRun
{
    QString projectPath;
    ProjectExportOptions options;
    bool dryRun = true;
    std::atomic<bool> cancelled{false};
    FormatReport report;
    qsizetype images = 0;
    qsizetype shapes = 0;
    bool ok = false;
};

// On the worker: its own connection to the project, the dataset, then the dry run or the staged write.
void runExport(ExportRun& r)
{
    QString error;
    std::unique_ptr<core::Project> project = core::Project::open(r.projectPath, &error);
    if (!project) {
        r.report.error(r.projectPath, QString(), error);
        return;
    }
    ProjectStoreAccess store(*project);
    const std::optional<Dataset> data = projectDataset(store, r.options.split, r.options.labels, r.report);
    for (const QString& e : store.shapeErrors())
        r.report.warning(r.projectPath, QString(), QStringLiteral("skipped unreadable %1").arg(e));
    if (!data) return;
    r.images = qsizetype(data->images.size());
    for (const DatasetImage& im : data->images)
        r.shapes += qsizetype(im.shapes.size());
    ExportOptions eo;
    eo.split = r.options.split.isEmpty() ? QStringLiteral("default") : r.options.split;
    eo.yoloTask = r.options.yoloTask;
    if (r.options.copyImages) eo.imageRoot = store.imageRoot();
    r.ok = r.dryRun ? exportDryRun(r.options.format, *data, eo, r.report)
                    : exportStaged(r.options.format, *data, r.options.outDir, eo, r.report,
                                   [&r] { return r.cancelled.load(); });
    r.ok = r.ok && !r.report.hasErrors();
}

} // namespace

ExportDialog::ExportDialog(core::Project* project, QWidget* parent)
    : QDialog(parent), m_project(project), m_format(new QComboBox(this)), m_outDir(new QLineEdit(this)),
      m_yoloTask(new QComboBox(this)), m_split(new QComboBox(this)), m_labels(new QListWidget(this)),
      m_copyImages(new QCheckBox(tr("Copy the images into the dataset"), this)),
      m_check(new QPushButton(tr("&Check"), this)), m_export(new QPushButton(tr("&Export"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_report(new ReportView(this)),
      m_run(new BackgroundRun(this))
{
    setWindowTitle(tr("Export Annotations"));
    for (const QString& name : formatNames())
        m_format->addItem(name.toUpper(), name);
    for (YoloTask t : {YoloTask::Auto, YoloTask::Detect, YoloTask::Segment, YoloTask::Pose, YoloTask::Obb})
        m_yoloTask->addItem(yoloTaskName(t), int(t));
    m_split->addItem(tr("All images"), QString());
    m_copyImages->setChecked(true);
    if (m_project) {
        for (const QString& s : m_project->splits())
            if (!s.isEmpty()) m_split->addItem(s, s);
        for (const core::Label& l : m_project->labels()) {
            auto* item = new QListWidgetItem(l.name, m_labels);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Checked);
        }
    }
    m_labels->setMaximumHeight(110);
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_outDir, 1);
    outRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("To folder:"), outRow);
    form->addRow(tr("YOLO task:"), m_yoloTask);
    form->addRow(tr("Split:"), m_split);
    form->addRow(tr("Labels:"), m_labels);
    form->addRow(QString(), m_copyImages);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_check, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_export, QDialogButtonBox::AcceptRole);
    m_export->setEnabled(false);
    m_export->setAutoDefault(false);
    m_cancel->setVisible(false);
    m_check->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    resize(560, 560);
    m_report->showMessage(tr("Nothing checked yet"),
                          tr("Check shows what the format would drop or convert without writing anything."));
    updateFormatOptions();

    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        updateFormatOptions();
        invalidate();
    });
    for (QComboBox* box : {m_yoloTask, m_split})
        connect(box, &QComboBox::currentIndexChanged, this, &ExportDialog::invalidate);
    connect(m_outDir, &QLineEdit::textChanged, this, &ExportDialog::invalidate);
    connect(m_labels, &QListWidget::itemChanged, this, &ExportDialog::invalidate);
    connect(m_copyImages, &QCheckBox::toggled, this, &ExportDialog::invalidate);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export to"), m_outDir->text());
        if (!dir.isEmpty()) m_outDir->setText(dir);
    });
    connect(m_check, &QPushButton::clicked, this, &ExportDialog::check);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::exportChecked);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_run, &BackgroundRun::runningChanged, this, &ExportDialog::setBusy);
}

ExportDialog::~ExportDialog()
{
    // Closing the dialog mid-export stops it before anything reaches the folder.
    if (const auto run = std::static_pointer_cast<ExportRun>(m_exporting.lock())) run->cancelled = true;
}

ExportDialog* ExportDialog::openFor(core::Project* project, QWidget* parent)
{
    auto* dialog = new ExportDialog(project, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void ExportDialog::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(formatName(format)));
}

void ExportDialog::setOutputFolder(const QString& folder)
{
    m_outDir->setText(folder);
}

void ExportDialog::setYoloTask(YoloTask task)
{
    m_yoloTask->setCurrentIndex(m_yoloTask->findData(int(task)));
}

void ExportDialog::setSplit(const QString& split)
{
    m_split->setCurrentIndex(std::max(0, m_split->findData(split)));
}

void ExportDialog::setLabels(const QStringList& labels)
{
    for (int i = 0; i < m_labels->count(); ++i)
        m_labels->item(i)->setCheckState(labels.contains(m_labels->item(i)->text()) ? Qt::Checked
                                                                                    : Qt::Unchecked);
}

void ExportDialog::setCopyImages(bool copy)
{
    m_copyImages->setChecked(copy);
}

ProjectExportOptions ExportDialog::options() const
{
    ProjectExportOptions o;
    o.format = *formatFromName(m_format->currentData().toString());
    o.outDir = m_outDir->text().trimmed();
    o.split = m_split->currentData().toString();
    o.yoloTask = YoloTask(m_yoloTask->currentData().toInt());
    o.copyImages = m_copyImages->isChecked();
    // Every label checked means every label, including ones added after the dialog opened.
    QStringList checked;
    for (int i = 0; i < m_labels->count(); ++i)
        if (m_labels->item(i)->checkState() == Qt::Checked) checked << m_labels->item(i)->text();
    if (checked.size() != m_labels->count()) o.labels = checked;
    return o;
}

bool ExportDialog::isBusy() const
{
    return m_run->isRunning();
}

void ExportDialog::invalidate()
{
    m_run->cancel();
    m_checked = false;
    m_export->setEnabled(false);
}

void ExportDialog::updateFormatOptions()
{
    // Only YOLO has a task; every format's layout can carry its images, so the export opens in its own tool.
    const bool yolo = m_format->currentData().toString() == formatName(Format::Yolo);
    m_yoloTask->setEnabled(yolo);
    m_copyImages->setEnabled(true);
}

void ExportDialog::setBusy(bool busy)
{
    m_check->setEnabled(!busy);
    m_cancel->setVisible(busy);
    for (QWidget* w : std::initializer_list<QWidget*>{m_format, m_outDir, m_split, m_labels})
        w->setEnabled(!busy);
    if (busy) {
        m_export->setEnabled(false);
        m_yoloTask->setEnabled(false);
        m_copyImages->setEnabled(false);
    } else {
        updateFormatOptions();
    }
}

void ExportDialog::check()
{
    invalidate();
    const ProjectExportOptions o = options();
    if (!m_project) {
        m_report->showMessage(tr("No project is open"), tr("Open a project to export its annotations."));
        emit checkFinished(false);
        return;
    }
    bool anyLabel = m_labels->count() == 0;
    for (int i = 0; i < m_labels->count(); ++i)
        anyLabel = anyLabel || m_labels->item(i)->checkState() == Qt::Checked;
    if (!anyLabel) {
        m_report->showMessage(tr("No label chosen"), tr("Check at least one label to export."));
        emit checkFinished(false);
        return;
    }
    auto run = std::make_shared<ExportRun>();
    run->projectPath = m_project->path();
    run->options = o;
    run->dryRun = true;
    m_report->showBusy(tr("Checking what %1 can hold…").arg(m_format->currentText()));
    m_run->start(
        [run] { runExport(*run); },
        [this, run] {
            const QString summary = tr("%1 images, %2 shapes.").arg(run->images).arg(run->shapes);
            if (!run->ok) {
                m_report->showReport(tr("This export would fail; nothing was written"), summary, run->report);
                emit checkFinished(false);
                return;
            }
            m_checked = true;
            m_export->setEnabled(!run->options.outDir.isEmpty());
            m_report->showReport(
                tr("Dry run: nothing has been written yet"),
                run->options.outDir.isEmpty() ? summary + tr(" Choose a folder to export to.") : summary,
                run->report);
            emit checkFinished(true);
        });
}

void ExportDialog::exportChecked()
{
    if (!m_checked || isBusy()) return;
    const QString outDir = options().outDir;
    if (!folderHasEntries(outDir)) {
        startExport();
        return;
    }
    // Asked without blocking, so the window (and a test) keeps running while the question is open.
    m_confirm =
        new QMessageBox(QMessageBox::Question, tr("Export"),
                        tr("%1 is not empty. Files of the same name will be replaced; other files are "
                           "kept. Export there?")
                            .arg(outDir),
                        QMessageBox::Yes | QMessageBox::No, this);
    m_confirm->setDefaultButton(QMessageBox::No);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_confirm, &QMessageBox::finished, this, [this](int result) {
        if (result == QMessageBox::Yes) startExport();
    });
    m_confirm->open();
}

void ExportDialog::startExport()
{
    if (!m_project) return;
    auto run = std::make_shared<ExportRun>();
    run->projectPath = m_project->path();
    run->options = options();
    run->dryRun = false;
    m_report->showBusy(tr("Exporting to %1…").arg(run->options.outDir));
    m_exporting = run;
    m_run->start([run] { runExport(*run); },
                 [this, run] {
                     const QString summary = tr("%1 images, %2 shapes.").arg(run->images).arg(run->shapes);
                     m_report->showReport(
                         run->ok ? tr("Exported to %1").arg(run->options.outDir)
                                 : tr("Export failed; %1 was left as it was").arg(run->options.outDir),
                         summary, run->report);
                     emit exportFinished(run->ok);
                 });
}

void ExportDialog::cancel()
{
    // The worker sees the flag before it moves anything into the folder and removes its staging folder,
    // so a cancelled export writes nothing (unless it had already finished moving).
    if (const auto run = std::static_pointer_cast<ExportRun>(m_exporting.lock())) run->cancelled = true;
    m_run->cancel();
    m_report->showMessage(tr("Cancelled"), tr("Nothing was written."));
}

} // namespace loupe::views
