// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace loupe::cli {

// What a quantised checkpoint costs against its f32 original, measured on this model: logit error and
// top-1 agreement (shapes-world images at the model's size; golden cases when given), the correlation
// of its attention rollout and Chefer maps with f32's, and for captioners the agreement of generated
// tokens. Used by `loupe quantize --report`; the shapes classifier's model card shows its table.
struct ReportOptions
{
    int images = 1000;  // shapes-world images
    int mapImages = 50; // of those, the first N get rollout and Chefer maps
    QString goldens;    // a tests/data/golden folder: its vit_classify cases are compared too
    unsigned seed = 2026;
};

struct LogitRow
{
    QString set; // "shapes world (seed 2026)", "golden vit_classify"
    int images = 0;
    double maxAbs = 0, meanAbs = 0, top1Agreement = 0;
};

struct MapRow
{
    QString method; // "rollout", "chefer"
    int images = 0;
    double meanCorrelation = 0, minCorrelation = 1;
};

struct CaptionRow
{
    int images = 0;
    double tokenAgreement = 0; // matching tokens at the same position / the longer caption's tokens
    int identical = 0;         // captions identical token for token
};

struct QuantizeReport
{
    QString model, quantised, precision;
    std::vector<LogitRow> logits;
    std::vector<MapRow> maps;
    std::vector<CaptionRow> captions;
    QStringList notes; // what was left out and why (a golden case the group size does not fit)

    QJsonObject json() const;
    QString markdown() const;
};

// `f32Dir` as it is (Precision::F32) against `quantisedDir` at its saved precision. ViT classifiers get
// logits and maps, VisionEncoderDecoder captioners get captions; other architectures an empty report.
// Throws compute::Error naming the folder and problem.
QuantizeReport accuracyReport(const QString& f32Dir, const QString& quantisedDir,
                              const ReportOptions& options);

} // namespace loupe::cli
