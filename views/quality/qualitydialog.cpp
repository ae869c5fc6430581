// SPDX-License-Identifier: MIT
#include "views/quality/qualitydialog.h"

#include "core/explain/quality_export.h"
#include "core/explain/quality_folder.h"
#include "core/jobs/jobtracker.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"
#include "views/explain/methodnames.h"
#include "views/quality/datasetqualitysource.h"
#include "views/quality/qualitycharts.h"

#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <optional>

namespace loupe::views {

namespace {

QLineEdit* folderField(QWidget* parent, QLayout* row, const QString& caption)
{
    auto* edit = new QLineEdit(parent);
    auto* browse = new QPushButton(QObject::tr("Browse…"), parent);
    QObject::connect(browse, &QPushButton::clicked, parent, [edit, parent, caption] {
        const QString dir = QFileDialog::getExistingDirectory(parent, caption, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    row->addWidget(edit);
    row->addWidget(browse);
    return edit;
}

bool writeFile(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile f(path);
    if (f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() && f.commit()) return true;
    *error = QObject::tr("%1: cannot write: %2").arg(path, f.errorString());
    return false;
}

} // namespace

QualityDialog::QualityDialog(const Setup& setup, QWidget* parent)
    : QDialog(parent), m_projectSource(setup.projectSource), m_jobs(setup.jobs)
{
    setWindowTitle(tr("Explanation quality"));
    buildUi(setup);
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &QualityDialog::onFinished);
}

QualityDialog::~QualityDialog()
{
    // The job reads this dialog's inputs by value only, but it must not outlive the models it opened
    // on our behalf: stop it and wait.
    if (m_cancel) m_cancel->store(true);
    m_watcher.waitForFinished();
    if (m_handle && m_handle->isRunning()) m_handle->finish(core::JobHandle::State::Cancelled);
}

QualityDialog* QualityDialog::show(QWidget* parent, const Setup& setup)
{
    auto* dialog = new QualityDialog(setup, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->QDialog::show();
    return dialog;
}

QualityDialog* QualityDialog::showForProject(QWidget* parent, core::Project* project, core::JobTracker* jobs)
{
    Setup setup;
    setup.jobs = jobs;
    QString note;
    if (project) {
        QString error;
        int skipped = 0;
        setup.projectSource = projectQualitySource(*project, &error, &skipped);
        setup.projectName = tr("Project images with masks");
        if (setup.projectSource.count == 0)
            note = tr("The project offers no images to measure: %1.").arg(error);
        else if (skipped > 0)
            note = tr("%n project image(s) without a polygon or mask are left out.", nullptr, skipped);
    }
    QualityDialog* dialog = show(parent, setup);
    if (setup.projectSource.count > 0) dialog->setSource(SourceKind::Project);
    dialog->m_status->setText(note);
    return dialog;
}

void QualityDialog::buildUi(const Setup& setup)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    auto* modelRow = new QHBoxLayout;
    m_model = folderField(this, modelRow, tr("Model folder"));
    form->addRow(tr("Model:"), modelRow);
    auto* randomRow = new QHBoxLayout;
    m_randomModel = folderField(this, randomRow, tr("Re-initialised model folder"));
    m_randomModel->setPlaceholderText(tr("optional: same architecture, random weights"));
    form->addRow(tr("Random model:"), randomRow);
    m_model->setText(setup.modelFolder.isEmpty() ? core::findShippedModel() : setup.modelFolder);
    m_randomModel->setText(setup.randomModelFolder.isEmpty()
                               ? core::findShippedModel(QStringLiteral("shapes-vit-random"))
                               : setup.randomModelFolder);

    m_source = new QComboBox(this);
    m_source->addItem(tr("Generated shapes"));
    m_source->addItem(tr("Image folder with masks"));
    if (m_projectSource.count > 0)
        m_source->addItem(setup.projectName.isEmpty() ? tr("Open project") : setup.projectName);
    form->addRow(tr("Images:"), m_source);
    m_sourcePages = new QStackedWidget(this);
    auto* shapesPage = new QWidget(m_sourcePages);
    auto* shapesRow = new QHBoxLayout(shapesPage);
    shapesRow->setContentsMargins(0, 0, 0, 0);
    m_count = new QSpinBox(shapesPage);
    m_count->setRange(1, 100000);
    m_count->setValue(100);
    m_seed = new QSpinBox(shapesPage);
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(2026);
    shapesRow->addWidget(new QLabel(tr("Count"), shapesPage));
    shapesRow->addWidget(m_count);
    shapesRow->addWidget(new QLabel(tr("Seed"), shapesPage));
    shapesRow->addWidget(m_seed);
    shapesRow->addStretch();
    m_sourcePages->addWidget(shapesPage);
    auto* folderPage = new QWidget(m_sourcePages);
    auto* folderForm = new QFormLayout(folderPage);
    folderForm->setContentsMargins(0, 0, 0, 0);
    auto* imagesRow = new QHBoxLayout;
    m_images = folderField(folderPage, imagesRow, tr("Image folder"));
    folderForm->addRow(tr("Images:"), imagesRow);
    auto* masksRow = new QHBoxLayout;
    m_masks = folderField(folderPage, masksRow, tr("Mask folder (same names, non-zero = object)"));
    folderForm->addRow(tr("Masks:"), masksRow);
    m_sourcePages->addWidget(folderPage);
    m_sourcePages->addWidget(new QLabel(tr("%n image(s) with masks", nullptr, m_projectSource.count), this));
    form->addRow(QString(), m_sourcePages);
    connect(m_source, &QComboBox::currentIndexChanged, m_sourcePages, &QStackedWidget::setCurrentIndex);

    // A grid, not a row: ten method names side by side would make the dialog wider than a laptop screen.
    auto* methodsGrid = new QGridLayout;
    QStringList methods = core::forwardMethods();
    methods.removeAll(QStringLiteral("head-importance"));
    for (const QString& m : methods) {
        auto* box = new QCheckBox(methodDisplayName(m), this);
        box->setProperty("method", m);
        // Occlusion, RISE and integrated gradients cost tens to hundreds of forwards per image.
        box->setChecked(m != QLatin1String("occlusion") && m != QLatin1String("rise") &&
                        m != QLatin1String("integrated-gradients"));
        const int i = int(m_methodBoxes.size());
        methodsGrid->addWidget(box, i / 3, i % 3);
        m_methodBoxes.push_back(box);
    }
    form->addRow(tr("Methods:"), methodsGrid);
    layout->addLayout(form);

    auto* runRow = new QHBoxLayout;
    m_run = new QPushButton(tr("Run"), this);
    m_stop = new QPushButton(tr("Cancel"), this);
    m_stop->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_exportJson = new QPushButton(tr("Export JSON…"), this);
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportJson->setEnabled(false);
    m_exportCsv->setEnabled(false);
    runRow->addWidget(m_run);
    runRow->addWidget(m_stop);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_exportJson);
    runRow->addWidget(m_exportCsv);
    layout->addLayout(runRow);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_tabs = new QTabWidget(this);
    m_table = new QTableWidget(this);
    m_tabs->addTab(m_table, tr("Table"));
    layout->addWidget(m_tabs, 1);
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (!start()) m_status->setText(m_lastError);
    });
    connect(m_stop, &QPushButton::clicked, this, &QualityDialog::cancel);
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportAs(true); });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportAs(false); });
    resize(960, 720);
}

void QualityDialog::setModelFolders(const QString& model, const QString& randomModel)
{
    m_model->setText(model);
    m_randomModel->setText(randomModel);
}

void QualityDialog::setSource(SourceKind kind)
{
    m_source->setCurrentIndex(std::min(int(kind), m_source->count() - 1));
}

void QualityDialog::setShapes(int count, int seed)
{
    m_count->setValue(count);
    m_seed->setValue(seed);
}

void QualityDialog::setFolders(const QString& images, const QString& masks)
{
    m_images->setText(images);
    m_masks->setText(masks);
}

void QualityDialog::setMethods(const QStringList& methods)
{
    for (QCheckBox* box : m_methodBoxes)
        box->setChecked(methods.contains(box->property("method").toString()));
}

QStringList QualityDialog::methods() const
{
    QStringList out;
    for (const QCheckBox* box : m_methodBoxes)
        if (box->isChecked()) out << box->property("method").toString();
    return out;
}

bool QualityDialog::start()
{
    if (isRunning()) {
        m_lastError = tr("A measurement is already running.");
        return false;
    }
    core::QualityOptions options;
    options.methods = methods();
    const QString bad = core::checkQualityMethods(options.methods);
    if (!bad.isEmpty()) {
        m_lastError = tr("Choose at least one method (%1).").arg(bad);
        return false;
    }
    const QString model = m_model->text().trimmed(), randomModel = m_randomModel->text().trimmed();
    if (model.isEmpty()) {
        m_lastError = tr("Choose a model folder.");
        return false;
    }
    // The source is built here, on the GUI thread, so a missing mask is reported before anything runs.
    core::QualitySource source;
    std::shared_ptr<core::ShapesWorld> world;
    const auto kind = SourceKind(m_source->currentIndex());
    if (kind == SourceKind::Shapes) {
        world = std::make_shared<core::ShapesWorld>(uint64_t(m_seed->value()));
        source = core::shapesQualitySource(*world, m_count->value());
    } else if (kind == SourceKind::Folder) {
        QString error;
        source = core::folderQualitySource(m_images->text().trimmed(), m_masks->text().trimmed(), {}, &error);
        if (source.count == 0) {
            m_lastError = error;
            return false;
        }
    } else {
        source = m_projectSource;
    }
    m_options = options;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_report = {};
    m_lastError.clear();
    setBusy(true);
    m_progress->setRange(0, source.count);
    m_progress->setValue(0);
    QStringList names;
    for (const QString& m : options.methods)
        names << methodDisplayName(m);
    m_status->setText(
        tr("Measuring %1 on %n image(s)…", nullptr, source.count).arg(names.join(QStringLiteral(", "))));
    m_handle = m_jobs ? m_jobs->start(tr("Explanation quality: %n image(s)", nullptr, source.count),
                                      [this] { cancel(); })
                      : nullptr;
    QPointer<QualityDialog> self(this);
    auto cancel = m_cancel;
    // Finished (and so kept by the tracker) only after the worker ends, on the GUI thread: safe to use there.
    core::JobHandle* handle = m_handle.data();
    m_watcher.setFuture(QtConcurrent::run([=]() -> Outcome {
        Outcome out;
        try {
            const core::VitSession s = core::VitSession::open(model);
            std::optional<core::VitSession> random;
            if (!randomModel.isEmpty()) random.emplace(core::VitSession::open(randomModel));
            core::QualityCallbacks cb;
            cb.canceled = [cancel] { return cancel->load(); };
            cb.progress = [self, handle](int done, int total) {
                if (handle) handle->setProgress(done, total); // thread-safe
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, done, total] {
                        if (!self) return;
                        self->m_progress->setValue(done);
                        emit self->progressed(done, total);
                    },
                    Qt::QueuedConnection);
            };
            (void)world; // keeps the generator alive while the source's items are drawn
            out.report = core::runQuality(s, random ? &*random : nullptr, source, options, cb);
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
        }
        return out;
    }));
    return true;
}

void QualityDialog::cancel()
{
    if (m_cancel) m_cancel->store(true);
    m_status->setText(tr("Canceling after the current image…"));
}

void QualityDialog::onFinished()
{
    setBusy(false);
    Outcome out = m_watcher.result();
    if (m_handle) {
        using State = core::JobHandle::State;
        m_handle->finish(!out.error.isEmpty()  ? State::Failed
                         : out.report.canceled ? State::Cancelled
                                               : State::Succeeded,
                         out.error);
        m_handle = nullptr;
    }
    if (!out.error.isEmpty()) {
        m_lastError = out.error;
        m_status->setText(tr("Failed: %1").arg(out.error));
        emit finished(false);
        return;
    }
    m_report = std::move(out.report);
    m_status->setText(m_report.canceled ? tr("Canceled after %n image(s).", nullptr, m_report.images)
                                        : tr("Measured %n image(s).", nullptr, m_report.images));
    showReport();
    emit finished(true);
}

void QualityDialog::showReport()
{
    while (m_tabs->count() > 1) {
        QWidget* w = m_tabs->widget(1);
        m_tabs->removeTab(1);
        w->deleteLater();
    }
    auto addChart = [this](QChart* chart, const QString& title) {
        auto* view = new QChartView(chart, m_tabs);
        view->setRenderHint(QPainter::Antialiasing);
        m_tabs->addTab(view, title);
    };
    addChart(qualityMetricChart(m_report), tr("Metrics"));
    addChart(qualityCurveChart(m_report, true), tr("Deletion"));
    addChart(qualityCurveChart(m_report, false), tr("Insertion"));
    const QStringList headers{tr("Method"),         tr("Pointing ↑"),      tr("Inside mask ↑"),
                              tr("Deletion AUC ↓"), tr("Insertion AUC ↑"), tr("Randomisation ρ ↓"),
                              tr("s / map")};
    m_table->clear();
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(m_report.methods.size()));
    for (int r = 0; r < int(m_report.methods.size()); ++r) {
        const core::MethodQuality& m = m_report.methods[size_t(r)];
        const QStringList cells{methodDisplayName(m.method),
                                QString::number(m.pointing, 'f', 3),
                                QString::number(m.inside, 'f', 3),
                                QString::number(m.deletion, 'f', 3),
                                QString::number(m.insertion, 'f', 3),
                                m.randomisedImages ? QString::number(m.randomisation, 'f', 3)
                                                   : QStringLiteral("—"),
                                QString::number(m.mapSeconds, 'f', 3)};
        for (int c = 0; c < int(cells.size()); ++c)
            m_table->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tabs->setCurrentIndex(1);
}

void QualityDialog::setBusy(bool busy)
{
    m_run->setEnabled(!busy);
    m_stop->setEnabled(busy);
    m_exportJson->setEnabled(!busy && m_report.images > 0);
    m_exportCsv->setEnabled(!busy && m_report.images > 0);
}

bool QualityDialog::exportJson(const QString& path)
{
    if (m_report.images == 0) {
        m_lastError = tr("Nothing measured yet.");
        return false;
    }
    QJsonObject j = core::qualityJson(m_report, m_options);
    j[QStringLiteral("model")] = m_model->text();
    if (!m_randomModel->text().isEmpty()) j[QStringLiteral("random_model")] = m_randomModel->text();
    return writeFile(path, QJsonDocument(j).toJson(QJsonDocument::Indented), &m_lastError);
}

bool QualityDialog::exportCsv(const QString& path)
{
    if (m_report.images == 0) {
        m_lastError = tr("Nothing measured yet.");
        return false;
    }
    return writeFile(path, core::qualitySummaryCsv(m_report) + "\n" + core::qualityImagesCsv(m_report),
                     &m_lastError);
}

void QualityDialog::exportAs(bool json)
{
    const QString path = QFileDialog::getSaveFileName(this, json ? tr("Export JSON") : tr("Export CSV"),
                                                      json ? QStringLiteral("explanation-quality.json")
                                                           : QStringLiteral("explanation-quality.csv"),
                                                      json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    if (!(json ? exportJson(path) : exportCsv(path))) m_status->setText(m_lastError);
}

} // namespace loupe::views
