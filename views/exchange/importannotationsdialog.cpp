// SPDX-License-Identifier: MIT
#include "views/exchange/importannotationsdialog.h"

#include "annotation/bridge/collectingaccess.h"
#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "core/store/project.h"
#include "views/exchange/backgroundrun.h"
#include "views/exchange/reportview.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace loupe::views {

using namespace annotation;

struct ImportAnnotationsDialog::Pending
{
    QString projectPath;
    Format format = Format::Coco;
    QString path;
    FormatReport report;
    std::vector<ImportItem> items;
    bool ok = false;
};

namespace {

QString summaryOf(const std::vector<ImportItem>& items)
{
    QSet<qint64> images;
    for (const ImportItem& i : items)
        images.insert(i.shape.imageId);
    const auto count = [](qsizetype n, const char* one, const char* many) {
        return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
    };
    return QObject::tr("%1 on %2")
        .arg(count(qsizetype(items.size()), "shape", "shapes"), count(images.size(), "image", "images"));
}

} // namespace

ImportAnnotationsDialog::ImportAnnotationsDialog(core::Project* project, QWidget* parent)
    : QDialog(parent), m_project(project), m_format(new QComboBox(this)), m_path(new QLineEdit(this)),
      m_check(new QPushButton(tr("&Check"), this)), m_import(new QPushButton(tr("&Import"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_report(new ReportView(this)),
      m_run(new BackgroundRun(this))
{
    setWindowTitle(tr("Import Annotations"));
    for (const QString& name : formatNames())
        m_format->addItem(name.toUpper(), name);
    auto* file = new QPushButton(tr("File…"), this);
    auto* folder = new QPushButton(tr("Folder…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(file);
    pathRow->addWidget(folder);
    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("From:"), pathRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_check, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_import, QDialogButtonBox::AcceptRole);
    m_import->setEnabled(false);
    m_cancel->setVisible(false);
    m_import->setAutoDefault(false);
    m_check->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    resize(560, 420);
    m_report->showMessage(
        tr("Nothing checked yet"),
        tr("Check reads the annotations and shows what would be added, converted or dropped; "
           "the project changes only when you press Import."));

    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportAnnotationsDialog::invalidate);
    connect(m_path, &QLineEdit::textChanged, this, &ImportAnnotationsDialog::invalidate);
    connect(file, &QPushButton::clicked, this, [this] { browse(false); });
    connect(folder, &QPushButton::clicked, this, [this] { browse(true); });
    connect(m_check, &QPushButton::clicked, this, &ImportAnnotationsDialog::check);
    connect(m_import, &QPushButton::clicked, this, &ImportAnnotationsDialog::importChecked);
    connect(m_cancel, &QPushButton::clicked, this, &ImportAnnotationsDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_run, &BackgroundRun::runningChanged, this, &ImportAnnotationsDialog::setBusy);
}

ImportAnnotationsDialog::~ImportAnnotationsDialog() = default;

ImportAnnotationsDialog* ImportAnnotationsDialog::openFor(core::Project* project, QWidget* parent)
{
    auto* dialog = new ImportAnnotationsDialog(project, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void ImportAnnotationsDialog::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(formatName(format)));
}

void ImportAnnotationsDialog::setPath(const QString& path)
{
    m_path->setText(path);
}

bool ImportAnnotationsDialog::isBusy() const
{
    return m_run->isRunning();
}

void ImportAnnotationsDialog::invalidate()
{
    m_run->cancel();
    m_pending.reset();
    m_import->setEnabled(false);
}

void ImportAnnotationsDialog::browse(bool folder)
{
    const QString start = m_path->text();
    const QString chosen =
        folder ? QFileDialog::getExistingDirectory(this, tr("Annotations folder"), start)
               : QFileDialog::getOpenFileName(this, tr("Annotations file"), start,
                                              tr("Annotations (*.json *.xml *.txt);;All files (*)"));
    if (!chosen.isEmpty()) m_path->setText(chosen);
}

void ImportAnnotationsDialog::setBusy(bool busy)
{
    m_check->setEnabled(!busy);
    m_cancel->setVisible(busy);
    m_format->setEnabled(!busy);
    m_path->setEnabled(!busy);
    if (busy) m_import->setEnabled(false);
}

void ImportAnnotationsDialog::check()
{
    invalidate();
    if (!m_project) {
        m_report->showMessage(tr("No project is open"), tr("Open a project to import annotations into."));
        emit checkFinished(false);
        return;
    }
    const QString path = m_path->text().trimmed();
    if (path.isEmpty()) {
        m_report->showMessage(tr("Choose what to import"), tr("Pick the annotations file or folder first."));
        emit checkFinished(false);
        return;
    }
    auto pending = std::make_shared<Pending>();
    pending->projectPath = m_project->path();
    pending->format = *formatFromName(m_format->currentData().toString());
    pending->path = path;
    m_report->showBusy(tr("Reading %1…").arg(path));
    // The worker reads through its own connection: a Project belongs to the thread that opened it.
    m_run->start(
        [pending] {
            QString error;
            std::unique_ptr<core::Project> project = core::Project::open(pending->projectPath, &error);
            if (!project) {
                pending->report.error(pending->projectPath, QString(), error);
                return;
            }
            ProjectStoreAccess store(*project);
            CollectingAccess dryRun(store);
            pending->ok = importIntoProject(dryRun, pending->format, pending->path, pending->report) &&
                          !pending->report.hasErrors();
            pending->items = std::move(dryRun.collected);
        },
        [this, pending] {
            if (!pending->ok) {
                m_report->showReport(tr("Nothing can be imported from %1").arg(pending->path), QString(),
                                     pending->report);
                emit checkFinished(false);
                return;
            }
            m_pending = pending;
            m_import->setEnabled(!pending->items.empty());
            m_report->showReport(tr("Dry run: nothing has been imported yet"),
                                 tr("Import would add %1.").arg(summaryOf(pending->items)), pending->report);
            emit checkFinished(true);
        });
}

void ImportAnnotationsDialog::importChecked()
{
    if (!m_pending || !m_project) return;
    const std::shared_ptr<Pending> pending = std::exchange(m_pending, nullptr);
    m_import->setEnabled(false);
    ProjectStoreAccess store(*m_project);
    QString error;
    // One transaction on the window's own connection, so the editor and Edit > Undo see it at once.
    if (!store.importShapes(pending->items, &error)) {
        pending->report.error(pending->path, QString(),
                              tr("the project refused the import, nothing was changed: %1").arg(error));
        m_report->showReport(tr("Nothing was imported"), QString(), pending->report);
        emit importFinished(false);
        return;
    }
    m_report->showReport(tr("Imported %1").arg(summaryOf(pending->items)),
                         tr("Edit > Undo takes the whole import back."), pending->report);
    emit importFinished(true);
}

void ImportAnnotationsDialog::cancel()
{
    m_run->cancel();
    m_report->showMessage(tr("Cancelled"), tr("Nothing was imported."));
}

} // namespace loupe::views
