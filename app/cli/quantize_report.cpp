// SPDX-License-Identifier: MIT
#include "app/cli/quantize_report.h"

#include "compute/error.h"
#include "compute/generate/generation_config.h"
#include "compute/io/checkpoint.h"
#include "compute/quantize/quantize_checkpoint.h"
#include "core/explain/explainer.h"
#include "core/explain/vit_session.h"
#include "core/inference/captioner.h"
#include "core/inference/pixel_values.h"
#include "core/samples/shapesworld.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace loupe::cli {

namespace {

using compute::EngineOptions;
using compute::Precision;

double pearson(const std::vector<float>& a, const std::vector<float>& b)
{
    const size_t n = std::min(a.size(), b.size());
    if (n < 2) return 1;
    const double ma = std::accumulate(a.begin(), a.begin() + long(n), 0.0) / double(n);
    const double mb = std::accumulate(b.begin(), b.begin() + long(n), 0.0) / double(n);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (saa == 0 && sbb == 0) return 1; // two flat maps agree
    if (saa == 0 || sbb == 0) return 0;
    return sab / std::sqrt(saa * sbb);
}

int64_t argmax(const std::vector<float>& v)
{
    return int64_t(std::max_element(v.begin(), v.end()) - v.begin());
}

struct LogitAccumulator
{
    LogitRow row;
    double sum = 0;
    int64_t count = 0, agree = 0;

    void add(const std::vector<float>& f32, const std::vector<float>& q)
    {
        for (size_t i = 0; i < f32.size() && i < q.size(); ++i) {
            const double e = std::fabs(double(f32[i]) - double(q[i]));
            row.maxAbs = std::max(row.maxAbs, e);
            sum += e;
            ++count;
        }
        agree += argmax(f32) == argmax(q);
        ++row.images;
    }
    LogitRow finish()
    {
        row.meanAbs = count ? sum / double(count) : 0;
        row.top1Agreement = row.images ? double(agree) / row.images : 0;
        return row;
    }
};

std::string architectureOf(const QString& dir)
{
    const nlohmann::json cfg =
        compute::readJsonFile(QDir(dir).filePath(QStringLiteral("config.json")).toStdString());
    const auto a = cfg.find("architectures");
    if (a != cfg.end() && a->is_array() && !a->empty() && a->front().is_string())
        return a->front().get<std::string>();
    const auto t = cfg.find("model_type");
    return t != cfg.end() && t->is_string() ? t->get<std::string>() : std::string();
}

void classifierRows(QuantizeReport& r, const QString& f32Dir, const QString& qDir, const ReportOptions& o)
{
    const core::VitSession f =
        core::VitSession::open(f32Dir, EngineOptions{compute::BackendChoice::Cpu, Precision::F32});
    const core::VitSession q =
        core::VitSession::open(qDir, EngineOptions{compute::BackendChoice::Cpu, Precision::Default});
    core::ShapesWorldOptions wo;
    wo.size = int(f.model.config().imageSize);
    const core::ShapesWorld world(o.seed, wo);
    LogitAccumulator acc;
    acc.row.set = QStringLiteral("shapes world (seed %1)").arg(o.seed);
    MapRow rollout{QStringLiteral("rollout")}, chefer{QStringLiteral("chefer")};
    double rolloutSum = 0, cheferSum = 0;
    for (int i = 0; i < o.images; ++i) {
        const compute::Tensor px = core::pixelValuesFromImage(world.generate(i).image, f.processor);
        const std::vector<float> lf = f.forward(px).logits.toF32Vector(),
                                 lq = q.forward(px).logits.toF32Vector();
        acc.add(lf, lq);
        if (i >= o.mapImages) continue;
        const auto planar = core::toPlanar(px);
        const int target = int(argmax(lf));
        for (auto* row : {&rollout, &chefer}) {
            core::ExplainParams params;
            params.method = row->method;
            const double c = pearson(core::explainMap(f, planar, target, params),
                                     core::explainMap(q, planar, target, params));
            (row == &rollout ? rolloutSum : cheferSum) += c;
            row->minCorrelation = std::min(row->minCorrelation, c);
            ++row->images;
        }
    }
    r.logits.push_back(acc.finish());
    if (rollout.images) {
        rollout.meanCorrelation = rolloutSum / rollout.images;
        chefer.meanCorrelation = cheferSum / chefer.images;
        r.maps = {rollout, chefer};
    }
}

// Each vit_classify golden model quantised the same way, compared on its own input image.
void goldenRows(QuantizeReport& r, const QString& goldens, const compute::WeightFormat& format)
{
    QTemporaryDir tmp;
    LogitAccumulator acc;
    acc.row.set = QStringLiteral("golden vit_classify");
    for (const QFileInfo& d : QDir(goldens).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString folder = d.absoluteFilePath();
        if (!QFileInfo::exists(folder + "/model.safetensors") || !QFileInfo::exists(folder + "/input.png"))
            continue;
        if (architectureOf(folder) != "ViTForImageClassification") continue;
        const QString out = tmp.filePath(d.fileName());
        try {
            compute::quantizeCheckpoint(folder.toStdString(), out.toStdString(), format);
        } catch (const compute::Error& e) {
            r.notes
                << QStringLiteral("golden %1 left out: %2").arg(d.fileName(), QString::fromUtf8(e.what()));
            continue;
        }
        const core::VitSession f =
            core::VitSession::open(folder, EngineOptions{compute::BackendChoice::Cpu, Precision::F32});
        const core::VitSession q =
            core::VitSession::open(out, EngineOptions{compute::BackendChoice::Cpu, Precision::Default});
        const compute::Tensor px = f.pixelValues(folder + "/input.png");
        acc.add(f.forward(px).logits.toF32Vector(), q.forward(px).logits.toF32Vector());
    }
    if (acc.row.images) r.logits.push_back(acc.finish());
}

void captionRows(QuantizeReport& r, const QString& f32Dir, const QString& qDir, const ReportOptions& o)
{
    const auto settings = compute::generate::GenerationConfig::fromModelFolder(f32Dir.toStdString());
    auto f =
        core::openCaptioner(f32Dir, settings, EngineOptions{compute::BackendChoice::Cpu, Precision::F32});
    auto q =
        core::openCaptioner(qDir, settings, EngineOptions{compute::BackendChoice::Cpu, Precision::Default});
    f->setPrompt({}); // the start token alone, as `loupe caption` without --prompt
    q->setPrompt({});
    const nlohmann::json pre = compute::readJsonFile(
        QDir(f32Dir).filePath(QStringLiteral("preprocessor_config.json")).toStdString());
    core::ShapesWorldOptions wo;
    if (const auto s = pre.find("size"); s != pre.end() && s->is_object() && s->contains("height"))
        wo.size = (*s)["height"].get<int>();
    const core::ShapesWorld world(o.seed, wo);
    QTemporaryDir tmp;
    CaptionRow row;
    int64_t matching = 0, positions = 0;
    const int n = std::min(o.images, 200); // decoding is the slow part; 200 captions settle the rate
    for (int i = 0; i < n; ++i) {
        const QString path = tmp.filePath(QStringLiteral("%1.png").arg(i));
        world.generate(i).image.save(path);
        const auto a = f->caption(path, {}).sequence.tokens, b = q->caption(path, {}).sequence.tokens;
        const size_t len = std::max(a.size(), b.size());
        for (size_t k = 0; k < len; ++k)
            matching += k < a.size() && k < b.size() && a[k] == b[k];
        positions += int64_t(len);
        row.identical += a == b;
        ++row.images;
    }
    row.tokenAgreement = positions ? double(matching) / double(positions) : 1;
    r.captions.push_back(row);
}

} // namespace

QuantizeReport accuracyReport(const QString& f32Dir, const QString& qDir, const ReportOptions& o)
{
    QuantizeReport r;
    r.model = f32Dir;
    r.quantised = qDir;
    const compute::Checkpoint q = compute::Checkpoint::open(qDir.toStdString());
    const compute::WeightFormat format = q.savedWeightFormat();
    r.precision = QString::fromUtf8(compute::precisionName(format.precision).data());
    if (format.groupSize) r.precision += QStringLiteral(" (groups of %1)").arg(format.groupSize);
    const std::string arch = architectureOf(f32Dir);
    if (arch == "ViTForImageClassification" || arch == "DeiTForImageClassification") {
        classifierRows(r, f32Dir, qDir, o);
        if (!o.goldens.isEmpty()) goldenRows(r, o.goldens, format);
    } else if (arch == "VisionEncoderDecoderModel") {
        captionRows(r, f32Dir, qDir, o);
    }
    return r;
}

QJsonObject QuantizeReport::json() const
{
    QJsonArray l, m, c;
    for (const LogitRow& x : logits)
        l.append(QJsonObject{{"set", x.set},
                             {"images", x.images},
                             {"max_abs_logit_error", x.maxAbs},
                             {"mean_abs_logit_error", x.meanAbs},
                             {"top1_agreement", x.top1Agreement}});
    for (const MapRow& x : maps)
        m.append(QJsonObject{{"method", x.method},
                             {"images", x.images},
                             {"mean_pearson", x.meanCorrelation},
                             {"min_pearson", x.minCorrelation}});
    for (const CaptionRow& x : captions)
        c.append(QJsonObject{
            {"images", x.images}, {"token_agreement", x.tokenAgreement}, {"identical", x.identical}});
    return QJsonObject{{"model", model},
                       {"quantised", quantised},
                       {"precision", precision},
                       {"logits", l},
                       {"maps", m},
                       {"captions", c},
                       {"notes", QJsonArray::fromStringList(notes)}};
}

QString QuantizeReport::markdown() const
{
    QString s = QStringLiteral("Accuracy of %1 against f32\n\n").arg(precision);
    if (!logits.empty()) {
        s += "| images | n | max abs logit error | mean abs logit error | top-1 agreement |\n| --- | --- | "
             "--- | --- | --- |\n";
        for (const LogitRow& x : logits)
            s += QStringLiteral("| %1 | %2 | %3 | %4 | %5 % |\n")
                     .arg(x.set)
                     .arg(x.images)
                     .arg(x.maxAbs, 0, 'g', 3)
                     .arg(x.meanAbs, 0, 'g', 3)
                     .arg(100 * x.top1Agreement, 0, 'f', 1);
    }
    if (!maps.empty()) {
        s += "\n| map | images | mean Pearson r with f32 | min r |\n| --- | --- | --- | --- |\n";
        for (const MapRow& x : maps)
            s += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                     .arg(x.method)
                     .arg(x.images)
                     .arg(x.meanCorrelation, 0, 'f', 4)
                     .arg(x.minCorrelation, 0, 'f', 4);
    }
    if (!captions.empty()) {
        s += "\n| captions | token agreement | identical captions |\n| --- | --- | --- |\n";
        for (const CaptionRow& x : captions)
            s += QStringLiteral("| %1 | %2 % | %3 |\n")
                     .arg(x.images)
                     .arg(100 * x.tokenAgreement, 0, 'f', 1)
                     .arg(x.identical);
    }
    for (const QString& n : notes)
        s += QStringLiteral("\nNote: %1\n").arg(n);
    return s;
}

} // namespace loupe::cli
