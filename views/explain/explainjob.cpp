// SPDX-License-Identifier: MIT
#include "views/explain/explainjob.h"

#include "compute/error.h"
#include "core/explain/explain_method_registry.h"
#include "core/imageio.h"
#include "core/inference/execution.h"
#include "core/models/checkpoint_hash.h"

#include <QElapsedTimer>
#include <QImageReader>

namespace loupe::views {

namespace {

core::Explanation explain(const ExplainRequest& r, const ExplainOutcome& o,
                          const core::ExplainControl& control)
{
    const core::VitSession& s = *o.session;
    const core::CachedForward& f = *o.forward;
    core::Explanation e;
    e.params = r.params;
    // Stored in full, defaults included, so the record says what made the map.
    e.params.methodSettings = core::completeExplainMethodSettings(r.params.method, r.params.methodSettings);
    e.target = r.target >= 0 ? r.target : f.ranking().front();
    if (e.target >= int(f.logits.size()))
        throw compute::Error("explain", "target class " + std::to_string(e.target) + " is outside 0.." +
                                            std::to_string(f.logits.size() - 1));
    e.targetLabel = QString::fromStdString(s.label(e.target));
    e.modelPath = r.modelFolder;
    e.checkpointHash = o.checkpointHash;
    // Attention maps are read from the cached forward and share what ran it; other methods run the model
    // here.
    const core::ExecutionScope execution(r.engine);
    const auto record = [&] {
        const compute::ExecutionRecord x =
            core::isAttentionMethod(r.params.method) ? f.execution : execution.finish();
        e.backend = QString::fromStdString(x.backend);
        e.device = QString::fromStdString(x.device);
        e.precision = QString::fromStdString(x.precision);
        e.fallbackReason = QString::fromStdString(x.fallbackReason);
    };
    QElapsedTimer timer;
    timer.start();
    if (r.params.method == QLatin1String("head-importance")) {
        const compute::attribution::HeadImportance h =
            core::explainHeads(s, f.image, e.target, r.params.batchSize, &control);
        e.rows = h.layers;
        e.cols = h.heads;
        e.grid = h.delta;
        e.layerDelta = h.layerDelta;
        e.durationMs = double(timer.nsecsElapsed()) / 1e6;
        record();
        return e; // a layers × heads table has no pixels to perturb
    }
    e.rows = f.grid.rows;
    e.cols = f.grid.cols;
    if (r.givenMap) {
        e.grid = *r.givenMap;
        e.durationMs = r.givenMapMs;
    } else {
        e.grid = core::isAttentionMethod(r.params.method)
                     ? core::attentionMap(f, r.params)
                     : core::explainMapWithSettings(s, f.image, e.target, r.params, e.params.methodSettings,
                                                    &control);
        e.durationMs = double(timer.nsecsElapsed()) / 1e6;
    }
    record();
    if (r.metrics) {
        const core::FaithfulnessCurves c =
            core::faithfulnessCurves(s, f.image, e.target, e.grid, e.rows, e.cols, 20, &control);
        e.hasMetrics = true;
        e.deletion = c.deletion;
        e.insertion = c.insertion;
    }
    return e;
}

} // namespace

QString modelKey(const QString& folder, const compute::EngineOptions& engine)
{
    return folder + QLatin1Char('\t') + QString::fromUtf8(compute::backendChoiceName(engine.backend).data()) +
           QLatin1Char('/') + QString::fromUtf8(compute::precisionName(engine.precision).data());
}

ExplainOutcome runExplainJob(const ExplainRequest& r, const core::ExplainControl& control)
{
    ExplainOutcome o;
    o.kind = r.kind;
    o.modelFolder = r.modelFolder;
    o.engine = r.engine;
    o.imagePath = r.imagePath;
    o.session = r.session;
    o.checkpointHash = r.checkpointHash;
    o.forward = r.forward;
    try {
        if (!o.session)
            o.session =
                std::make_shared<const core::VitSession>(core::VitSession::open(r.modelFolder, r.engine));
        if (o.checkpointHash.isEmpty()) {
            o.checkpointHash = core::checkpointHash(r.modelFolder, &o.error);
            if (o.checkpointHash.isEmpty()) return o;
        }
        if (!o.forward) {
            const compute::attribution::PlanarImage image =
                core::toPlanar(o.session->pixelValues(r.imagePath));
            o.forward =
                std::make_shared<const core::CachedForward>(core::forwardWithAttentions(*o.session, image));
        }
        if (r.kind == ExplainRequest::Kind::Prepare) {
            const QImage image = core::readImage(r.imagePath, nullptr); // as the canvas shows it
            if (!image.isNull())
                o.preview = image.width() > kPreviewSide || image.height() > kPreviewSide
                                ? image.scaled(kPreviewSide, kPreviewSide, Qt::KeepAspectRatio,
                                               Qt::SmoothTransformation)
                                : image;
        }
        if (r.kind == ExplainRequest::Kind::Explain) o.explanation = explain(r, o, control);
    } catch (const core::ExplainCancelled&) {
        o.cancelled = true;
    } catch (const std::exception& e) {
        o.error = QString::fromStdString(e.what());
    }
    return o;
}

} // namespace loupe::views
