// SPDX-License-Identifier: MIT
#include "views/explain/explainpanel.h"

#include "compute/error.h"
#include "core/imageio.h"
#include "core/jobs/jobtracker.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/compareview.h"
#include "views/explain/explaincharts.h"
#include "views/explain/headgrid.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/heatmaprender.h"
#include "views/explain/mapexport.h"
#include "views/explain/methodform.h"
#include "views/explain/methodnames.h"
#include "views/explain/patchprobetool.h"
#include "views/explain/targetpicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QLoggingCategory>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcExplain, "loupe.views.explain")

namespace loupe::views {

ExplainPanel::ExplainPanel(ImageCanvas* canvas, QWidget* parent) : QWidget(parent), m_canvas(canvas)
{
    setObjectName(QStringLiteral("ExplainPanel"));
    m_layer = new HeatMapLayer(this);
    m_probe = new PatchProbeTool(this);
    if (m_canvas) m_canvas->addLayer(m_layer);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildControls());
    layout->addWidget(buildTabs(), 1);
    // Many controls for a side dock: scroll rather than squeeze.
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_scroll);

    connect(&m_watcher, &QFutureWatcher<ExplainOutcome>::finished, this, &ExplainPanel::onJobFinished);
    connect(&m_prepare, &QFutureWatcher<ExplainOutcome>::finished, this, &ExplainPanel::onPrepareFinished);
    connect(m_probe, &PatchProbeTool::probed, this, &ExplainPanel::probeAt);
    connect(m_probe, &PatchProbeTool::deactivated, this, [this] {
        const QSignalBlocker block(m_probeButton);
        m_probeButton->setChecked(false);
    });
    connect(m_probeButton, &QPushButton::toggled, this, [this](bool on) {
        if (!m_canvas) return;
        if (on)
            m_canvas->setTool(m_probe);
        else if (m_canvas->tool() == m_probe)
            m_canvas->setTool(nullptr);
    });
    connect(m_layer, &HeatMapLayer::hovered, this, [this](bool over, QPoint pixel, float value) {
        emit statusMessage(over ? tr("%1 = %2 at (%3, %4)")
                                      .arg(methodDisplayName(m_shown.params.method))
                                      .arg(double(value), 0, 'g', 4)
                                      .arg(pixel.x())
                                      .arg(pixel.y())
                                : QString());
    });
}

ExplainPanel::~ExplainPanel()
{
    if (m_cancel) *m_cancel = true; // a closing window does not wait for RISE to finish
    m_watcher.waitForFinished();
    m_prepare.waitForFinished();
    if (m_canvas && m_canvas->tool() == m_probe) m_canvas->setTool(nullptr);
}

void ExplainPanel::setProject(core::Project* project)
{
    m_project = project;
    m_assetId = -1;
    m_imagePath.clear();
    m_forward.reset();
    refreshModels();
    m_stored.clear();
    m_storedList->clear();
    clearShown(project ? tr("Select a model and an image.") : tr("No project open."));
}

void ExplainPanel::refreshModels()
{
    const QSignalBlocker block(m_models);
    m_models->clear();
    if (m_project)
        for (const core::ModelRecord& m : m_project->models())
            m_models->addItem(m.name.isEmpty() ? QFileInfo(m.path).fileName() : m.name,
                              m_project->absolutePath(m.path)); // as the Models dock names it
    // A project's first registered model is the natural default (the sample ships one).
    if (m_folder.isEmpty() && m_models->count() > 0) m_folder = m_models->itemData(0).toString();
    if (!m_folder.isEmpty() && m_models->findData(m_folder) < 0)
        m_models->addItem(QFileInfo(m_folder).fileName(), m_folder);
    m_models->setCurrentIndex(m_models->findData(m_folder));
}

void ExplainPanel::setModelFolder(const QString& folder)
{
    if (folder == m_folder) return;
    m_folder = folder;
    m_failedKey.clear();
    refreshModels();
    m_forward.reset();
    m_targets->clear();
    m_heads->setForward(nullptr, Colormap(m_colormap->currentIndex()));
    if (m_hasShown && m_shown.runId == 0) clearShown(tr("Model changed."));
    syncForward();
}

compute::EngineOptions ExplainPanel::engine() const
{
    return core::modelEngineOptions(m_folder);
}

void ExplainPanel::setAsset(qint64 assetId)
{
    m_assetId = assetId;
    m_imagePath.clear();
    m_forward.reset();
    m_failedKey.clear();
    // Nothing of the previous image may look current: its classes, heads and probe go at once.
    m_targets->clear();
    m_heads->setForward(nullptr, Colormap(m_colormap->currentIndex()));
    m_layer->setProbe({});
    if (m_project && assetId >= 0)
        if (const std::optional<core::AssetRow> row = m_project->asset(assetId))
            m_imagePath = m_project->absolutePath(row->storedPath);
    clearShown(m_imagePath.isEmpty() ? tr("Select an image.") : QString());
    refreshStored();
    if (!m_stored.isEmpty()) show(m_stored.first()); // the newest stored explanation, at once
    syncForward();
}

void ExplainPanel::setActive(bool active)
{
    if (active == m_active) return;
    m_active = active;
    if (m_active && !m_forward) syncForward();
}

void ExplainPanel::refreshStored()
{
    m_stored.clear();
    if (m_project && m_assetId >= 0)
        for (const core::RunRecord& run :
             m_project->runs(m_assetId, QString::fromLatin1(core::kExplainRunKind))) {
            QString why;
            if (std::optional<core::Explanation> e = core::fromRun(run, &why))
                m_stored << *e;
            else
                qCWarning(lcExplain).noquote() << m_project->path() << why;
        }
    const QSignalBlocker block(m_storedList);
    m_storedList->clear();
    for (const core::Explanation& e : std::as_const(m_stored)) {
        auto* item =
            new QListWidgetItem(QStringLiteral("%1\n%2 · %3")
                                    .arg(overlayCaption(e), QFileInfo(e.modelPath).fileName(),
                                         QLocale().toString(e.when.toLocalTime(), QLocale::ShortFormat)),
                                m_storedList);
        item->setData(Qt::UserRole, e.runId);
        if (m_hasShown && e.runId == m_shown.runId) m_storedList->setCurrentItem(item);
    }
}

bool ExplainPanel::showStored(qint64 runId)
{
    for (const core::Explanation& e : std::as_const(m_stored))
        if (e.runId == runId) {
            show(e);
            return true;
        }
    return false;
}

void ExplainPanel::syncForward()
{
    m_forward = m_forwards.value(cacheKey());
    if (m_forward) {
        onForwardReady();
        return;
    }
    if (!m_active || m_folder.isEmpty() || m_imagePath.isEmpty() || m_prepare.isRunning() ||
        cacheKey() == m_failedKey)
        return; // retried after the running forward
    ExplainRequest r;
    r.kind = ExplainRequest::Kind::Prepare;
    r.modelFolder = m_folder;
    r.imagePath = m_imagePath;
    r.engine = engine();
    r.session = m_sessions.value(sessionKey());
    r.checkpointHash = m_hashes.value(m_folder);
    if (!m_watcher.isRunning())
        setCaption(tr("Running the model on %1…").arg(QFileInfo(m_imagePath).fileName()));
    startPrepare(std::move(r));
}

void ExplainPanel::startPrepare(ExplainRequest request)
{
    m_prepare.setFuture(QtConcurrent::run(
        [request = std::move(request)] { return runExplainJob(request, core::ExplainControl{}); }));
}

void ExplainPanel::startJob(ExplainRequest request)
{
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    core::ExplainControl control;
    if (m_jobs && request.kind == ExplainRequest::Kind::Explain) {
        const QString image = QFileInfo(request.imagePath).fileName();
        m_handle =
            m_jobs->start(tr("Explaining %1 (%2)").arg(image, methodDisplayName(request.params.method)),
                          [this] { cancel(); });
    } else {
        m_handle = nullptr;
    }
    control.progress = [this, cancel = m_cancel, handle = m_handle](int done, int total) {
        if (handle) handle->setProgress(done, total); // thread-safe; null once the job was cleared
        // Queued to the GUI thread; the panel outlives the job (its destructor waits).
        QMetaObject::invokeMethod(
            this,
            [this, done, total] {
                m_progress->setRange(0, total);
                m_progress->setValue(done);
                emit progressChanged(done, total);
            },
            Qt::QueuedConnection);
        return !cancel->load();
    };
    if (request.kind == ExplainRequest::Kind::Explain && request.params.method == QLatin1String("rise")) {
        const QString key = cacheKey();
        const int rows = request.forward ? request.forward->grid.rows : 0;
        const int cols = request.forward ? request.forward->grid.cols : 0;
        core::Explanation what;
        what.params = request.params;
        what.target = request.target;
        what.targetLabel = targetName(request.target);
        const QString caption = tr("%1 · estimate").arg(overlayCaption(what));
        control.partial = [this, key, rows, cols, caption](const std::vector<float>& grid) {
            QMetaObject::invokeMethod(
                this,
                [this, key, rows, cols, caption, grid] {
                    // The estimate so far, on the canvas only (it is neither scored nor stored).
                    if (key == cacheKey() && m_watcher.isRunning() && rows > 0)
                        m_layer->setMap(grid, rows, cols, caption);
                },
                Qt::QueuedConnection);
        };
    }
    m_jobAsset = m_assetId;
    setBusy(true, tr("Explaining with %1…").arg(methodDisplayName(request.params.method)));
    m_watcher.setFuture(QtConcurrent::run(
        [request = std::move(request), control] { return runExplainJob(request, control); }));
}

void ExplainPanel::cancel()
{
    if (!m_watcher.isRunning() || !m_cancel) return;
    *m_cancel = true;
    setCaption(tr("Cancelling…"));
}

void ExplainPanel::keepOutcome(const ExplainOutcome& out)
{
    if (out.session) m_sessions.insert(modelKey(out.modelFolder, out.engine), out.session);
    if (!out.checkpointHash.isEmpty()) m_hashes.insert(out.modelFolder, out.checkpointHash);
    const QString key = modelKey(out.modelFolder, out.engine) + QLatin1Char('\n') + out.imagePath;
    if (out.forward && !m_forwards.contains(key)) {
        m_forwards.insert(key, out.forward);
        m_forwardOrder << key;
        while (m_forwardOrder.size() > kCachedForwards)
            m_forwards.remove(m_forwardOrder.takeFirst());
    }
    if (!out.preview.isNull()) m_previews.insert(out.imagePath, out.preview);
}

void ExplainPanel::onPrepareFinished()
{
    const ExplainOutcome out = m_prepare.result();
    keepOutcome(out);
    const QString key = modelKey(out.modelFolder, out.engine) + QLatin1Char('\n') + out.imagePath;
    if (key == cacheKey() && !out.error.isEmpty()) {
        m_failedKey = key;
        m_lastError = out.error;
        qCWarning(lcExplain).noquote() << m_lastError;
        setCaption(m_lastError);
        emit ready(false);
    }
    // The selection may have moved while the forward ran.
    if (!m_forward) syncForward();
}

void ExplainPanel::onJobFinished()
{
    setBusy(false);
    const ExplainOutcome out = m_watcher.result();
    if (m_handle) {
        using State = core::JobHandle::State;
        const State state = out.cancelled          ? State::Cancelled
                            : !out.error.isEmpty() ? State::Failed
                                                   : State::Succeeded;
        m_handle->finish(state, out.error.isEmpty() ? QString() : out.error);
        m_handle = nullptr;
    }
    keepOutcome(out);
    const QString key = modelKey(out.modelFolder, out.engine) + QLatin1Char('\n') + out.imagePath;
    const bool current = key == cacheKey() && m_jobAsset == m_assetId;
    if (out.cancelled) {
        restoreLayer();
        m_lastError = tr("Cancelled.");
        if (current) setCaption(m_lastError);
        emit finished(false);
    } else if (!out.error.isEmpty() || !out.explanation) {
        restoreLayer();
        m_lastError = out.error.isEmpty() ? tr("The run gave no result.") : out.error;
        qCWarning(lcExplain).noquote() << m_lastError;
        if (current) setCaption(m_lastError);
        emit finished(false);
    } else {
        core::Explanation e = *out.explanation;
        e.when = QDateTime::currentDateTimeUtc();
        m_lastError.clear();
        if (m_project && m_jobAsset >= 0) {
            QString error;
            if (const std::optional<qint64> id = m_project->addRun(core::toRun(e, m_jobAsset), &error))
                e.runId = *id;
            else
                m_lastError = tr("The explanation could not be stored: %1").arg(error);
        }
        if (current) {
            show(e);
            refreshStored();
        } else {
            restoreLayer(); // a partial map of the image left behind must not stay
        }
        if (!m_lastError.isEmpty()) setCaption(m_lastError);
        emit finished(m_lastError.isEmpty());
    }
    if (!m_forward) syncForward();
}

void ExplainPanel::restoreLayer()
{
    // A RISE estimate drawn while the job ran is not a result: put back what the panel shows.
    if (m_hasShown && m_shown.params.method != QLatin1String("head-importance"))
        m_layer->setMap(m_shown.grid, m_shown.rows, m_shown.cols, overlayCaption(m_shown));
    else
        m_layer->clearMap();
}

void ExplainPanel::onForwardReady()
{
    const core::VitSession* s = m_sessions.value(sessionKey()).get();
    QStringList names;
    for (int i = 0; i < int(m_forward->logits.size()); ++i)
        names << (s ? QString::fromStdString(s->label(i)) : QString::number(i));
    {
        const QSignalBlocker block(m_targets);
        m_targets->setScores(names, m_forward->probabilities(), m_forward->ranking());
    }
    {
        const QSignalBlocker block(m_form);
        m_form->setModelShape(m_forward->layers, m_forward->heads);
    }
    m_heads->setForward(m_forward, Colormap(m_colormap->currentIndex()));
    if (!m_hasShown) {
        if (core::isAttentionMethod(m_form->method()))
            recomputeLive();
        else
            setCaption(tr("Ready: press Explain to run %1.").arg(methodDisplayName(m_form->method())));
    }
    emit ready(true);
}

void ExplainPanel::onFormChanged()
{
    const core::ExplainParams p = m_form->params();
    m_heads->setSelected(
        p.method == QLatin1String("attention") ? (p.layer < 0 ? m_heads->layers() - 1 : p.layer) : -1,
        p.method == QLatin1String("attention") ? p.head : -1);
    if (!core::isAttentionMethod(p.method) || p.token == 0) m_layer->setProbe({});
    if (core::isAttentionMethod(p.method) && m_forward) {
        recomputeLive();
        return;
    }
    const QString prompt =
        tr("Press Explain to run %1 for %2.")
            .arg(methodDisplayName(p.method), m_targets->list()->currentItem()
                                                  ? m_targets->list()->currentItem()->text()
                                                  : tr("the top class"));
    // A map of another method or target is not the answer to what the form now asks: it goes. One of the
    // same method with other settings stays, its caption on the canvas saying which settings made it.
    const bool stale =
        m_hasShown && (m_shown.params.method != p.method || m_shown.target != m_targets->target());
    if (stale && !m_watcher.isRunning())
        clearShown(m_forward ? prompt : QString());
    else if (m_forward)
        setCaption(prompt);
}

void ExplainPanel::recomputeLive()
{
    if (!m_forward) return;
    core::Explanation e;
    e.params = m_form->params();
    if (!core::isAttentionMethod(e.params.method)) return;
    QElapsedTimer timer;
    timer.start();
    try {
        e.grid = core::attentionMap(*m_forward, e.params);
    } catch (const compute::Error& error) {
        m_lastError = QString::fromStdString(error.what());
        setCaption(m_lastError);
        return;
    }
    e.durationMs = double(timer.nsecsElapsed()) / 1e6;
    e.rows = m_forward->grid.rows;
    e.cols = m_forward->grid.cols;
    e.target = m_targets->target();
    e.targetLabel = targetName(e.target);
    e.modelPath = m_folder;
    e.checkpointHash = m_hashes.value(m_folder);
    const compute::ExecutionRecord& x = m_forward->execution; // the map is read from this forward
    e.backend = QString::fromStdString(x.backend);
    e.device = QString::fromStdString(x.device);
    e.precision = QString::fromStdString(x.precision);
    e.fallbackReason = QString::fromStdString(x.fallbackReason);
    show(e);
}

void ExplainPanel::show(const core::Explanation& e)
{
    m_shown = e;
    m_hasShown = true;
    if (e.runId > 0) {
        // The controls show how a stored map was made, without recomputing it.
        const QSignalBlocker blockForm(m_form);
        const QSignalBlocker blockTargets(m_targets);
        m_form->setParams(e.params);
        m_targets->setTarget(e.target);
    }
    const bool heads = e.params.method == QLatin1String("head-importance");
    if (heads) {
        m_layer->clearMap();
        m_headChart->showHeads(e);
        m_tabs->setCurrentWidget(m_headChart);
    } else {
        m_layer->setMap(e.grid, e.rows, e.cols, overlayCaption(e));
        m_curves->showCurves(e);
        if (!e.hasMetrics)
            m_curves->clear(e.runId > 0 ? tr("Stored without curves.")
                                        : tr("Press Explain to score this map."));
        m_compare->setSide(1, overlayPreview(e), overlayCaption(e));
    }
    QString text = overlayCaption(e);
    text += e.runId > 0 ? tr("\nStored %1 · %2 · %3 ms")
                              .arg(QLocale().toString(e.when.toLocalTime(), QLocale::ShortFormat),
                                   QFileInfo(e.modelPath).fileName())
                              .arg(e.durationMs, 0, 'f', 1)
                        : tr("\nLive from the cached forward · %1 ms").arg(e.durationMs, 0, 'f', 2);
    if (!e.precisionBadge().isEmpty())
        text += tr("\nComputed at reduced precision (%1) on %2: compare with an f32 map before trusting fine "
                   "detail")
                    .arg(e.precisionBadge(), e.device.isEmpty() ? e.backend : e.device);
    if (!e.fallbackReason.isEmpty()) text += QLatin1Char('\n') + e.fallbackReason;
    if (e.hasMetrics)
        text += tr("\nDeletion AUC %1 · insertion AUC %2")
                    .arg(double(e.deletion.auc), 0, 'f', 3)
                    .arg(double(e.insertion.auc), 0, 'f', 3);
    setCaption(text);
    if (e.runId > 0)
        for (int row = 0; row < m_storedList->count(); ++row)
            if (m_storedList->item(row)->data(Qt::UserRole).toLongLong() == e.runId) {
                const QSignalBlocker block(m_storedList);
                m_storedList->setCurrentRow(row);
            }
    emit shownChanged();
}

void ExplainPanel::clearShown(const QString& caption)
{
    m_shown = core::Explanation();
    m_hasShown = false;
    m_layer->clearMap();
    m_curves->clear();
    m_headChart->clear();
    if (!caption.isEmpty()) setCaption(caption);
    emit shownChanged();
}

QString ExplainPanel::targetName(int target) const
{
    if (target < 0) return {};
    if (const core::VitSession* s = m_sessions.value(sessionKey()).get())
        return QString::fromStdString(s->label(target));
    return tr("class %1").arg(target);
}

QString ExplainPanel::overlayCaption(const core::Explanation& e) const
{
    const QString target = !e.targetLabel.isEmpty() ? e.targetLabel
                           : e.target >= 0          ? tr("class %1").arg(e.target)
                                                    : QString();
    QString caption = target.isEmpty() ? methodSummary(e.params)
                                       : tr("%1 · target %2").arg(methodSummary(e.params), target);
    // A map made below f32 says so on the canvas and in the comparison, not only in the details.
    if (const QString badge = e.precisionBadge(); !badge.isEmpty())
        caption += QStringLiteral(" · [%1]").arg(badge);
    return caption;
}

QImage ExplainPanel::overlayPreview(const core::Explanation& e) const
{
    const QImage base = m_previews.value(m_imagePath);
    const QSize size = base.isNull() ? QSize(e.cols * 16, e.rows * 16) : base.size();
    const QImage heat =
        renderHeatMap(e.grid, e.rows, e.cols, size, m_layer->colormap(), m_layer->threshold());
    return base.isNull() ? heat : blendOver(base, heat, m_layer->opacity());
}

void ExplainPanel::pinComparison()
{
    if (m_hasShown && !m_shown.grid.empty())
        m_compare->setSide(0, overlayPreview(m_shown), overlayCaption(m_shown));
    m_tabs->setCurrentWidget(m_compare);
}

void ExplainPanel::probeAt(QPointF imagePos)
{
    if (!m_forward || !m_canvas || m_canvas->imageSize().isEmpty()) return;
    const QSize size = m_canvas->imageSize();
    if (imagePos.x() < 0 || imagePos.y() < 0 || imagePos.x() >= size.width() || imagePos.y() >= size.height())
        return;
    const compute::attribution::PatchGrid& g = m_forward->grid;
    const int col = std::min(g.cols - 1, int(imagePos.x() * g.cols / size.width()));
    const int row = std::min(g.rows - 1, int(imagePos.y() * g.rows / size.height()));
    core::ExplainParams p = m_form->params();
    p.token = g.firstPatchToken + row * g.cols + col;
    if (!core::isAttentionMethod(p.method)) p.method = QStringLiteral("rollout");
    m_form->setParams(p); // recomputes through changed()
    m_form->setToken(p.token, tr("patch row %1, column %2").arg(row).arg(col));
    m_layer->setProbe(QRectF(double(col) * size.width() / g.cols, double(row) * size.height() / g.rows,
                             double(size.width()) / g.cols, double(size.height()) / g.rows));
}

QStringList ExplainPanel::exportShown(const QString& basePath, QString* error)
{
    if (!m_hasShown) {
        if (error) *error = tr("No explanation is shown.");
        return {};
    }
    const QImage image = core::readImage(m_imagePath, nullptr); // a missing image still exports the map alone
    MapExportStyle style{m_layer->colormap(), m_layer->opacity(), m_layer->threshold()};
    return exportExplanation(basePath, image, m_shown, style, error);
}

void ExplainPanel::setCurvesEnabled(bool on)
{
    m_curvesEnabled->setChecked(on);
}

bool ExplainPanel::explain()
{
    m_lastError.clear();
    if (!m_project)
        m_lastError = tr("No project is open.");
    else if (m_imagePath.isEmpty())
        m_lastError = tr("No image is selected.");
    else if (m_folder.isEmpty())
        m_lastError = tr("No model is selected: pick one in the Models dock.");
    else if (m_watcher.isRunning())
        m_lastError = tr("The model is busy: wait or cancel.");
    if (!m_lastError.isEmpty()) {
        setCaption(m_lastError);
        return false;
    }
    ExplainRequest r;
    r.kind = ExplainRequest::Kind::Explain;
    r.modelFolder = m_folder;
    r.imagePath = m_imagePath;
    r.engine = engine();
    r.session = m_sessions.value(sessionKey());
    r.checkpointHash = m_hashes.value(m_folder);
    r.forward = m_forward;
    r.params = m_form->params();
    r.target = m_targets->target();
    r.metrics = m_curvesEnabled->isChecked();
    if (m_forward && core::isAttentionMethod(r.params.method)) {
        QElapsedTimer timer;
        timer.start();
        try {
            r.givenMap = core::attentionMap(*m_forward, r.params);
        } catch (const compute::Error& error) {
            m_lastError = QString::fromStdString(error.what());
            setCaption(m_lastError);
            return false;
        }
        r.givenMapMs = double(timer.nsecsElapsed()) / 1e6;
    }
    startJob(std::move(r));
    return true;
}

QSize ExplainPanel::minimumSizeHint() const
{
    const QSize content = m_scroll->widget()->minimumSizeHint();
    const int bar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_scroll);
    return {content.width() + bar, std::min(content.height(), kMinimumHeight)};
}

QString ExplainPanel::caption() const
{
    return m_caption->text();
}

void ExplainPanel::setCaption(const QString& text)
{
    m_caption->setText(text);
}

void ExplainPanel::setBusy(bool busy, const QString& what)
{
    m_progress->setVisible(busy);
    m_progress->setRange(0, 0);
    m_explainButton->setEnabled(!busy);
    m_cancelButton->setEnabled(busy);
    if (busy) setCaption(what);
}

} // namespace loupe::views
