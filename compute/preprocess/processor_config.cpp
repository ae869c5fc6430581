// SPDX-License-Identifier: MIT
#include "compute/preprocess/processor_config.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"

#include <algorithm>
#include <cmath>

namespace loupe::compute {

namespace {

using json = nlohmann::json;

struct Reader
{
    const json& j;
    const std::string& source;

    [[noreturn]] void bad(const std::string& field, const std::string& why) const
    {
        throw Error(source, "field \"" + field + "\" " + why);
    }
    const json* get(const char* field) const
    {
        const auto it = j.find(field);
        return it == j.end() || it->is_null() ? nullptr : &*it;
    }
    void boolean(const char* field, bool& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_boolean()) bad(field, "must be true or false, got " + v->dump());
            out = v->get<bool>();
        }
    }
    int dim(const json& v, const std::string& field) const
    {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0)
            bad(field, "must be a positive integer, got " + v.dump());
        if (v.get<int64_t>() > kMaxProcessorSide)
            bad(field, "(" + v.dump() + ") is above the limit of " + std::to_string(kMaxProcessorSide) +
                           " pixels per side");
        return int(v.get<int64_t>());
    }
    // {height, width} (or an int: a square), for crop_size and pad_size.
    void hw(const char* field, int& h, int& w) const
    {
        const json* v = get(field);
        if (!v) return;
        if (v->is_number()) {
            h = w = dim(*v, field);
            return;
        }
        if (!v->is_object() || !v->contains("height") || !v->contains("width"))
            bad(field, "must be {\"height\": H, \"width\": W}, got " + v->dump());
        h = dim((*v)["height"], std::string(field) + ".height");
        w = dim((*v)["width"], std::string(field) + ".width");
    }
    void triple(const char* field, std::array<float, 3>& out) const
    {
        const json* v = get(field);
        if (!v) return;
        if (v->is_number()) {
            out.fill(v->get<float>());
            if (!std::isfinite(out[0])) bad(field, "must be finite, got " + v->dump());
            return;
        }
        if (!v->is_array() || v->size() != 3)
            bad(field, "must be a list of 3 numbers (one per RGB channel), got " + v->dump());
        for (size_t i = 0; i < 3; ++i) {
            if (!(*v)[i].is_number()) bad(field, "must be a list of 3 numbers, got " + v->dump());
            // transformers casts mean/std to the image's float32 before normalising.
            out[i] = (*v)[i].get<float>();
            if (!std::isfinite(out[i])) bad(field, "must be finite, got " + v->dump());
        }
    }
};

} // namespace

ImageProcessorConfig ImageProcessorConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "is not a JSON object");
    ImageProcessorConfig c;
    const Reader r{j, source};
    if (const json* t = r.get("image_processor_type"); t && t->is_string())
        c.processorType = t->get<std::string>();
    else if (const json* t2 = r.get("feature_extractor_type"); t2 && t2->is_string())
        c.processorType = t2->get<std::string>();
    const bool isClip = c.processorType.rfind("CLIP", 0) == 0 || c.processorType.rfind("Chinese", 0) == 0;
    const bool isSam = c.processorType.rfind("Sam", 0) == 0;

    r.boolean("do_resize", c.doResize);
    r.boolean("do_center_crop", c.doCenterCrop);
    r.boolean("do_rescale", c.doRescale);
    r.boolean("do_normalize", c.doNormalize);
    r.boolean("do_pad", c.doPad);
    if (isSam) {
        c.resizeMode = ResizeMode::LongestEdge;
        c.sizeEdge = 1024;
    }
    if (const json* s = r.get("size")) {
        if (s->is_number()) {
            // Legacy integer sizes: transformers' get_size_dict reads them per processor.
            const int v = r.dim(*s, "size");
            if (isClip) {
                c.resizeMode = ResizeMode::ShortestEdge;
                c.sizeEdge = v;
            } else if (isSam) {
                c.resizeMode = ResizeMode::LongestEdge;
                c.sizeEdge = v;
            } else {
                c.resizeMode = ResizeMode::Exact;
                c.sizeHeight = c.sizeWidth = v;
            }
        } else if (s->is_object() && s->contains("height") && s->contains("width")) {
            c.resizeMode = ResizeMode::Exact;
            c.sizeHeight = r.dim((*s)["height"], "size.height");
            c.sizeWidth = r.dim((*s)["width"], "size.width");
        } else if (s->is_object() && s->contains("shortest_edge") && !s->contains("longest_edge")) {
            c.resizeMode = ResizeMode::ShortestEdge;
            c.sizeEdge = r.dim((*s)["shortest_edge"], "size.shortest_edge");
        } else if (s->is_object() && s->contains("longest_edge") && !s->contains("shortest_edge")) {
            c.resizeMode = ResizeMode::LongestEdge;
            c.sizeEdge = r.dim((*s)["longest_edge"], "size.longest_edge");
        } else {
            r.bad("size", "must be {height, width}, {shortest_edge} or {longest_edge}, got " + s->dump());
        }
    } else if (isClip) {
        c.resizeMode = ResizeMode::ShortestEdge;
    }
    if (const json* v = r.get("resample")) {
        if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > 5)
            r.bad("resample", "must be a PIL resampling filter 0..5, got " + v->dump());
        c.resample = Resample(v->get<int>());
    } else if (isClip) {
        c.resample = Resample::Bicubic;
    }
    r.hw("crop_size", c.cropHeight, c.cropWidth);
    r.hw("pad_size", c.padHeight, c.padWidth);
    if (const json* v = r.get("rescale_factor")) {
        if (!v->is_number() || !std::isfinite(v->get<double>()))
            r.bad("rescale_factor", "must be a finite number, got " + v->dump());
        c.rescaleFactor = v->get<double>();
        // Rescaling maps 0..255 into a small range (1/255, 1/127.5); anything else is a broken file
        // whose pixels would overflow to inf (1e308) or all become 0.
        if (!(c.rescaleFactor > 0 && c.rescaleFactor <= kMaxRescaleFactor))
            r.bad("rescale_factor",
                  "must be in (0, " + std::to_string(int(kMaxRescaleFactor)) + "], got " + v->dump());
    }
    if (isClip) {
        c.mean = {0.48145466f, 0.4578275f, 0.40821073f};
        c.std = {0.26862954f, 0.26130258f, 0.27577711f};
    } else if (isSam) {
        c.mean = {0.485f, 0.456f, 0.406f};
        c.std = {0.229f, 0.224f, 0.225f};
    }
    r.triple("image_mean", c.mean);
    r.triple("image_std", c.std);
    if (c.doNormalize) {
        for (float s : c.std)
            if (s == 0.0f) r.bad("image_std", "has a zero entry (division by zero when normalising)");
        // The largest value normalisation can produce: a tiny std (1e-30) makes every pixel huge and the
        // model's outputs NaN, which is a broken file rather than a choice.
        const double top = c.doRescale ? 255.0 * c.rescaleFactor : 255.0;
        for (size_t i = 0; i < 3; ++i) {
            const double worst = std::max(std::fabs(top - c.mean[i]), std::fabs(double(c.mean[i]))) /
                                 std::fabs(double(c.std[i]));
            if (!(worst <= kMaxNormalizedValue))
                r.bad("image_std", "(" + std::to_string(c.std[i]) + " with image_mean " +
                                       std::to_string(c.mean[i]) + ") normalises pixels to |" +
                                       std::to_string(worst) + "|, above the limit of " +
                                       std::to_string(int(kMaxNormalizedValue)));
        }
    }
    return c;
}

ImageProcessorConfig ImageProcessorConfig::fromFile(const std::filesystem::path& path)
{
    return fromJson(readJsonFile(path), path.string());
}

} // namespace loupe::compute
