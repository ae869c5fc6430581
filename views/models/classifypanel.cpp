// SPDX-License-Identifier: MIT
#include "views/models/classifypanel.h"

#include "core/imageio.h"
#include "core/inference/execution.h"
#include "core/models/checkpoint_hash.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QImageReader>
#include <QLabel>
#include <QLayoutItem>
#include <QLoggingCategory>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcClassify, "loupe.views.classify")

namespace loupe::views {

ClassifyPanel::ClassifyPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_runButton = new QPushButton(tr("Classify"), this);
    m_runButton->setObjectName(QStringLiteral("classifyButton"));
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0); // indeterminate: a forward pass reports no progress
    m_busy->setVisible(false);
    m_caption = new QLabel(tr("Select a model and an image."), this);
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rows = new QGridLayout;
    layout->addWidget(m_runButton);
    layout->addWidget(m_busy);
    layout->addWidget(m_caption);
    layout->addLayout(m_rows);
    layout->addStretch(1);
    connect(m_runButton, &QPushButton::clicked, this, [this] { run(); });
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &ClassifyPanel::onFinished);
}

ClassifyPanel::~ClassifyPanel()
{
    m_watcher.waitForFinished(); // the job reads nothing of the panel, but its result must land first
}

void ClassifyPanel::setProject(core::Project* project)
{
    m_project = project;
    m_assetId = -1;
    // The project's first registered model is the default, as in the Explain panel (the sample ships one),
    // so a project with one model classifies without a trip to the Models dock.
    if (project && !project->models().isEmpty()) {
        bool known = false;
        for (const core::ModelRecord& m : project->models())
            known = known || project->absolutePath(m.path) == m_folder;
        if (!known) m_folder = project->absolutePath(project->models().first().path);
    }
    show({}, project ? tr("Select a model and an image.") : tr("No project open."));
}

void ClassifyPanel::setModelFolder(const QString& folder)
{
    m_folder = folder;
}

void ClassifyPanel::setAsset(qint64 assetId)
{
    m_assetId = assetId;
    if (!m_project || assetId < 0) {
        show({}, QString());
        return;
    }
    const QVector<core::RunRecord> runs = m_project->runs(assetId, QStringLiteral("classify"));
    if (runs.isEmpty()) {
        show({}, tr("Not classified yet."));
        return;
    }
    const core::RunRecord& last = runs.first(); // newest first
    show(core::Classification::fromJson(last.result),
         tr("%1 — %2").arg(QFileInfo(last.modelPath).fileName(),
                           QLocale().toString(last.when.toLocalTime(), QLocale::ShortFormat)));
}

bool ClassifyPanel::run()
{
    m_lastError.clear();
    if (!m_project)
        m_lastError = tr("No project is open.");
    else if (m_assetId < 0)
        m_lastError = tr("No image is selected.");
    else if (m_folder.isEmpty())
        m_lastError = tr("No model is selected: pick one in the Models dock.");
    else if (m_watcher.isRunning())
        m_lastError = tr("A classification is already running.");
    std::optional<core::AssetRow> asset;
    if (m_lastError.isEmpty()) {
        asset = m_project->asset(m_assetId);
        if (!asset) m_lastError = tr("Image %1 is not in the project.").arg(m_assetId);
    }
    if (!m_lastError.isEmpty()) {
        m_caption->setText(m_lastError);
        return false;
    }
    const QString imagePath = m_project->absolutePath(asset->storedPath);
    const QString folder = m_folder;
    const int topk = m_topk;
    const qint64 assetId = m_assetId;
    // The choice is read when the model is opened, so a change in the Models panel applies from the next run.
    const compute::EngineOptions engine = core::modelEngineOptions(folder);
    const QString key = folder + QLatin1Char('\t') +
                        QString::fromUtf8(compute::backendChoiceName(engine.backend).data()) +
                        QLatin1Char('/') + QString::fromUtf8(compute::precisionName(engine.precision).data());
    auto classifier = m_classifiers.value(key);
    QString hash = m_hashes.value(folder);
    setBusy(true);
    m_watcher.setFuture(QtConcurrent::run([=]() mutable {
        Outcome out;
        out.assetId = assetId;
        out.folder = folder;
        out.classifierKey = key;
        // The project's one reader: EXIF orientation, the pixel limit and truncation, as the canvas reads it.
        const QImage image = core::readImage(imagePath, &out.error);
        if (image.isNull()) return out;
        if (!classifier) classifier = core::ImageClassifier::open(folder, &out.error, engine);
        if (!classifier) return out;
        if (hash.isEmpty()) hash = core::checkpointHash(folder, &out.error);
        if (hash.isEmpty()) return out;
        out.classifier = classifier;
        out.checkpointHash = hash;
        const core::ExecutionScope scope(engine);
        out.result = classifier->classify(image, topk, &out.error);
        out.execution = scope.finish();
        return out;
    }));
    return true;
}

void ClassifyPanel::onFinished()
{
    setBusy(false);
    m_lastError.clear(); // a refusal while the job ran is not this run's outcome
    const Outcome out = m_watcher.result();
    if (out.classifier) m_classifiers.insert(out.classifierKey, out.classifier);
    if (!out.checkpointHash.isEmpty()) m_hashes.insert(out.folder, out.checkpointHash);
    if (!out.error.isEmpty() || out.result.top.isEmpty()) {
        m_lastError = out.error.isEmpty() ? tr("The model returned no classes.") : out.error;
        qCWarning(lcClassify) << "classify failed:" << m_lastError;
        m_caption->setText(m_lastError);
        emit finished(false);
        return;
    }
    if (m_project) {
        core::RunRecord rec;
        rec.assetId = out.assetId;
        rec.kind = QStringLiteral("classify");
        rec.modelPath = out.folder;
        rec.checkpointHash = out.checkpointHash;
        rec.parameters = QJsonObject{{QStringLiteral("topk"), m_topk}};
        core::applyExecution(rec, out.execution);
        rec.durationMs = out.result.durationMs;
        rec.when = QDateTime::currentDateTimeUtc();
        rec.result = out.result.toJson();
        QString error;
        if (!m_project->addRun(rec, &error)) {
            m_lastError = tr("The result could not be stored: %1").arg(error);
            qCWarning(lcClassify) << m_lastError;
        }
    }
    if (out.assetId == m_assetId)
        show(out.result, tr("%1 — %2 ms — %3")
                             .arg(QFileInfo(out.folder).fileName())
                             .arg(out.result.durationMs, 0, 'f', 1)
                             .arg(core::executionSummary(out.execution)));
    emit finished(m_lastError.isEmpty());
}

void ClassifyPanel::show(const core::Classification& result, const QString& caption)
{
    m_shown = result;
    if (!caption.isNull()) m_caption->setText(caption);
    while (QLayoutItem* item = m_rows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int row = 0;
    for (const core::Classification::Entry& e : result.top) {
        auto* name = new QLabel(e.label, this);
        name->setToolTip(tr("class %1, logit %2").arg(e.index).arg(e.logit, 0, 'g', 6));
        auto* bar = new QProgressBar(this);
        bar->setRange(0, 1000);
        bar->setValue(int(e.prob * 1000 + 0.5));
        bar->setFormat(QStringLiteral("%1 %").arg(e.prob * 100, 0, 'f', 1));
        m_rows->addWidget(name, row, 0);
        m_rows->addWidget(bar, row, 1);
        ++row;
    }
}

void ClassifyPanel::setBusy(bool busy)
{
    m_busy->setVisible(busy);
    m_runButton->setEnabled(!busy);
    if (busy) m_caption->setText(tr("Classifying…"));
}

} // namespace loupe::views
