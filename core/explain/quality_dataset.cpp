// SPDX-License-Identifier: MIT
#include "core/explain/quality_dataset.h"

#include "compute/error.h"
#include "compute/preprocess/image_processor.h"
#include "core/explain/explain_method_registry.h"
#include "core/samples/shapesworld.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

namespace loupe::core {

using compute::attribution::PlanarImage;

namespace {

int argmax(const std::vector<float>& v)
{
    return int(std::max_element(v.begin(), v.end()) - v.begin());
}

int resolveTarget(const VitSession& s, const QualityItem& item, const std::vector<float>& logits)
{
    const int classes = int(logits.size());
    if (item.target >= 0) {
        if (item.target >= classes)
            throw compute::Error(item.name.toStdString(), "target class " + std::to_string(item.target) +
                                                              " is out of range (the model has " +
                                                              std::to_string(classes) + " classes)");
        return item.target;
    }
    if (item.targetName.isEmpty()) return argmax(logits);
    for (const auto& [index, name] : s.model.config().id2label)
        if (QString::fromStdString(name) == item.targetName && index < classes) return int(index);
    throw compute::Error(item.name.toStdString(),
                         "target '" + item.targetName.toStdString() + "' is not one of the model's labels");
}

ExplainParams paramsFor(const VitSession& s, const QString& method, const QualityOptions& o, uint64_t seed)
{
    ExplainParams p;
    p.method = method;
    p.riseMasks = o.riseMasks;
    p.igSteps = o.igSteps;
    p.seed = seed;
    // Non-overlapping patch windows keep the harness affordable: one forward per patch.
    p.occlusionStride = int(s.model.config().patchSize);
    p.batchSize = o.batchSize;
    p.methodSettings = o.methodSettings.value(method);
    return p;
}

} // namespace

PlanarImage modelInput(const VitSession& s, const QImage& image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const compute::ImageU8 view{rgb.width(), rgb.height(), 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, s.processor);
    return toPlanar(compute::Tensor::fromF32(pre.shape(), pre.pixels));
}

QualitySource shapesQualitySource(const ShapesWorld& world, int count, int first)
{
    QualitySource src;
    src.count = count;
    src.description = first == 0 ? QStringLiteral("shapes world, seed %1").arg(world.seed())
                                 : QStringLiteral("shapes world, seed %1, images %2..%3")
                                       .arg(world.seed())
                                       .arg(first)
                                       .arg(first + count - 1);
    src.item = [world, first](int k) {
        const int i = first + k;
        const ShapesSample sample = world.generate(i);
        const ShapeObject& obj = sample.objects[size_t(sample.prominent)];
        QualityItem item;
        item.name = QStringLiteral("shapes/%1").arg(i, 6, 10, QLatin1Char('0'));
        item.image = sample.image;
        item.target = int(sample.label());
        item.seed = uint64_t(i);
        item.mask.width = obj.mask.width();
        item.mask.height = obj.mask.height();
        item.mask.pixels.resize(size_t(item.mask.width) * item.mask.height);
        for (int y = 0; y < item.mask.height; ++y)
            for (int x = 0; x < item.mask.width; ++x)
                item.mask.pixels[size_t(y) * item.mask.width + x] = obj.mask.constScanLine(y)[x] ? 1 : 0;
        return item;
    };
    return src;
}

QString checkQualityMethods(const QStringList& methods)
{
    if (methods.isEmpty()) return QStringLiteral("no methods to measure");
    QStringList usable = forwardMethods();
    usable.removeAll(QStringLiteral("head-importance"));
    for (const QString& m : methods)
        if (!usable.contains(m))
            return QStringLiteral("'%1' is not a map method this build can run (%2)")
                .arg(m, usable.join(", "));
    return {};
}

QualityReport runQuality(const VitSession& model, const VitSession* randomModel, const QualitySource& source,
                         const QualityOptions& options, const QualityCallbacks& callbacks)
{
    const QString bad = checkQualityMethods(options.methods);
    if (!bad.isEmpty()) throw compute::Error("explanation quality", bad.toStdString());
    QualityReport report;
    for (const QString& m : options.methods) {
        MethodQuality mq;
        mq.method = m;
        mq.settings = completeExplainMethodSettings(m, options.methodSettings.value(m));
        report.methods.push_back(mq);
    }
    auto canceled = [&] { return callbacks.canceled && callbacks.canceled(); };
    MapQualityOptions mo;
    mo.steps = options.steps;
    mo.batchSize = 16;
    for (int i = 0; i < source.count; ++i) {
        if (canceled()) {
            report.canceled = true;
            break;
        }
        const QualityItem item = source.item(i);
        if (item.image.isNull()) throw compute::Error(item.name.toStdString(), "no image");
        if (item.mask.width != item.image.width() || item.mask.height != item.image.height())
            throw compute::Error(item.name.toStdString(), "mask is " + std::to_string(item.mask.width) + "×" +
                                                              std::to_string(item.mask.height) +
                                                              " but the image is " +
                                                              std::to_string(item.image.width()) + "×" +
                                                              std::to_string(item.image.height()));
        const uint64_t seed = item.seed.value_or(uint64_t(i));
        const PlanarImage input = modelInput(model, item.image);
        const std::vector<float> logits = logitsOf(model, input);
        const int target = resolveTarget(model, item, logits);
        if (item.target >= 0 || !item.targetName.isEmpty()) {
            ++report.labelled;
            report.labelledCorrect += argmax(logits) == target;
        }
        const auto grid = patchGrid(model, input.height, input.width);
        const QualitySubstrates substrates = riseSubstrates(input);
        const auto score = probabilityScore(model, target);
        std::optional<PlanarImage> randomInput;
        if (randomModel) randomInput = modelInput(*randomModel, item.image);
        // An image counts only once every method has scored it, so a cancel never leaves uneven means.
        std::vector<std::pair<MapQuality, QualityImageRow>> done;
        std::vector<double> seconds;
        for (const MethodQuality& mq : report.methods) {
            if (canceled()) break;
            const ExplainParams params = paramsFor(model, mq.method, options, seed);
            const auto t0 = std::chrono::steady_clock::now();
            const std::vector<float> map = explainMap(model, input, target, params);
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            MapQuality q = scoreMap(map, grid.rows, grid.cols, item.mask, input, substrates, score, mo);
            QualityImageRow row{item.name, mq.method,      target,         q.pointing,
                                q.inside,  q.deletion.auc, q.insertion.auc};
            if (randomModel) {
                // RISE with the same masks would share its sampling noise between the two maps and
                // inflate their correlation; other masks leave only what the models have in common.
                ExplainParams rparams = paramsFor(*randomModel, mq.method, options, seed);
                rparams.seed = params.seed + 0x9E3779B9ull;
                const std::vector<float> rmap = explainMap(*randomModel, *randomInput, target, rparams);
                if (rmap.size() == map.size()) {
                    row.hasRandomisation = true;
                    row.randomisation = randomisationCorrelation(map, rmap);
                }
            }
            done.emplace_back(std::move(q), row);
        }
        if (done.size() < report.methods.size()) {
            report.canceled = true;
            break;
        }
        for (size_t m = 0; m < done.size(); ++m) {
            MethodQuality& mq = report.methods[m];
            const MapQuality& q = done[m].first;
            const QualityImageRow& row = done[m].second;
            mq.pointing += q.pointing ? 1 : 0;
            mq.inside += q.inside;
            mq.deletion += q.deletion.auc;
            mq.insertion += q.insertion.auc;
            mq.mapSeconds += seconds[m];
            if (row.hasRandomisation) {
                mq.randomisation += row.randomisation;
                ++mq.randomisedImages;
            }
            if (mq.meanDeletion.empty()) {
                report.fractions = q.deletion.fractions;
                mq.meanDeletion.assign(q.deletion.scores.size(), 0.0);
                mq.meanInsertion.assign(q.insertion.scores.size(), 0.0);
            }
            for (size_t k = 0; k < q.deletion.scores.size() && k < mq.meanDeletion.size(); ++k)
                mq.meanDeletion[k] += q.deletion.scores[k];
            for (size_t k = 0; k < q.insertion.scores.size() && k < mq.meanInsertion.size(); ++k)
                mq.meanInsertion[k] += q.insertion.scores[k];
            ++mq.images;
            if (options.keepPerImage) report.rows.push_back(row);
        }
        ++report.images;
        if (callbacks.progress) callbacks.progress(i + 1, source.count);
    }
    for (MethodQuality& mq : report.methods) {
        if (mq.images == 0) continue;
        const double n = mq.images;
        mq.pointing /= n;
        mq.inside /= n;
        mq.deletion /= n;
        mq.insertion /= n;
        mq.mapSeconds /= n;
        for (double& v : mq.meanDeletion)
            v /= n;
        for (double& v : mq.meanInsertion)
            v /= n;
        if (mq.randomisedImages) mq.randomisation /= mq.randomisedImages;
    }
    return report;
}

} // namespace loupe::core
