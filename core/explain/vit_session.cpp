// SPDX-License-Identifier: MIT
#include "core/explain/vit_session.h"

#include "compute/error.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "core/inference/pixel_values.h"

#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QLoggingCategory>
#include <atomic>

namespace loupe::core {

namespace {
std::atomic<long> g_passes{0};
} // namespace

VitSession VitSession::open(const QString& folder, const compute::EngineOptions& options)
{
    const std::filesystem::path dir = folder.toStdString();
    compute::Checkpoint ckpt = compute::Checkpoint::open(dir, options);
    compute::VitModel model = compute::VitModel::fromCheckpoint(ckpt);
    const std::filesystem::path pp = dir / "preprocessor_config.json";
    if (!std::filesystem::exists(pp))
        throw compute::Error(pp.string(),
                             "missing: the image processor settings are needed to prepare images");
    VitSession s{std::move(ckpt), std::move(model), compute::ImageProcessorConfig::fromFile(pp)};
    s.processorSource = pp.string();
    return s;
}

compute::Tensor VitSession::pixelValues(const QString& imagePath) const
{
    // A processor that resizes to a size the model cannot take is refused here, naming the file and the
    // field, before any pixel is decoded (with interpolation the sizes only need to be reachable).
    compute::checkProcessorFitsModel(processor, model.config(), processorSource, interpolatePosEncoding);
    // The same decoding as import and classify (EXIF orientation, the pixel limit, truncation): an image the
    // project accepted is never refused here for Qt's own 128 MB default.
    return core::loadPixelValues(imagePath, processor);
}

std::string VitSession::label(int64_t index) const
{
    const auto& labels = model.config().id2label;
    auto it = labels.find(index);
    return it == labels.end() ? "LABEL_" + std::to_string(index) : it->second;
}

compute::VitOutput VitSession::forward(const compute::Tensor& pixelValues,
                                       const compute::VitRunOptions& options) const
{
    g_passes.fetch_add(1, std::memory_order_relaxed);
    compute::VitRunOptions o = options;
    o.interpolatePosEncoding = o.interpolatePosEncoding || interpolatePosEncoding;
    return model.forward(pixelValues, o);
}

compute::VitGradients VitSession::gradients(const compute::Tensor& pixelValues, int64_t targetClass) const
{
    const int64_t B = pixelValues.dim() > 0 ? pixelValues.size(0) : 0;
    return gradients(pixelValues, std::vector<int64_t>(size_t(B), targetClass), {});
}

compute::VitGradients VitSession::gradients(const compute::Tensor& pixelValues,
                                            const std::vector<int64_t>& targets,
                                            const compute::VitGradientRequest& request) const
{
    g_passes.fetch_add(1, std::memory_order_relaxed);
    compute::VitGradientRequest r = request;
    r.interpolatePosEncoding = r.interpolatePosEncoding || interpolatePosEncoding;
    return compute::vitGradients(model, pixelValues, targets, r);
}

long VitSession::passCount()
{
    return g_passes.load(std::memory_order_relaxed);
}

} // namespace loupe::core
