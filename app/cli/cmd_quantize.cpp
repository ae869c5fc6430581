// SPDX-License-Identifier: MIT
// loupe quantize MODEL_DIR --to bf16|f16|int8 [--group-size G] -o OUT_DIR [--report [--images N]]
// Writes a Hugging Face checkpoint folder whose linear weights are stored at a reduced precision (see
// compute/quantize/quantize_checkpoint.h); Loupe loads it back and runs it at that precision unless
// --dtype asks for another. --report measures what the precision costs against f32 on this model
// (app/cli/quantize_report.h) and writes OUT_DIR/quantization_report.{json,md}.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "app/cli/quantize_report.h"
#include "compute/error.h"
#include "compute/quantize/quantize_checkpoint.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace loupe::cli {

namespace {

int quantize(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Store a checkpoint's linear weights at bf16, f16 or int8 (symmetric, per output channel or per "
        "group of --group-size inputs) in a new Hugging Face checkpoint folder that Loupe loads back."));
    p.addHelpOption();
    p.addOption({QStringLiteral("to"), QStringLiteral("Target precision: bf16, f16 or int8."),
                 QStringLiteral("DTYPE")});
    p.addOption({QStringLiteral("group-size"),
                 QStringLiteral("int8: inputs sharing one scale (default: one scale per output channel)."),
                 QStringLiteral("G")});
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                 QStringLiteral("Output folder (new or empty)."),
                 QStringLiteral("OUT_DIR")});
    p.addOption({QStringLiteral("report"),
                 QStringLiteral("Measure logit error, top-1 agreement, map correlation and caption agreement "
                                "against f32; writes quantization_report.json and .md into OUT_DIR.")});
    p.addOption({QStringLiteral("images"),
                 QStringLiteral("--report: shapes-world images to compare on (default 1000)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("map-images"),
                 QStringLiteral("--report: images whose rollout and Chefer maps are compared (default 50)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("goldens"),
                 QStringLiteral("--report: a folder of golden cases (tests/data/golden) to compare on too."),
                 QStringLiteral("DIR")});
    p.addPositionalArgument(QStringLiteral("MODEL_DIR"), QStringLiteral("The f32 (or f16/bf16) checkpoint."));
    QTextStream out(stdout), err(stderr);
    const QString usage =
        QStringLiteral("usage: loupe quantize MODEL_DIR --to bf16|f16|int8 [--group-size G] "
                       "-o OUT_DIR [--report [--images N]]\n");
    if (!p.parse(QStringList{QStringLiteral("loupe quantize")} + args)) {
        err << "loupe quantize: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("quantize"));
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1 || !p.isSet(QStringLiteral("to")) ||
        !p.isSet(QStringLiteral("output"))) {
        err << usage;
        return ExitUsage;
    }
    const QString to = p.value(QStringLiteral("to"));
    const auto precision = compute::parsePrecision(to.toStdString());
    if (!precision || (*precision != compute::Precision::BF16 && *precision != compute::Precision::F16 &&
                       *precision != compute::Precision::Int8)) {
        err << "loupe quantize: --to takes bf16, f16 or int8, got '" << to << "'\n";
        return ExitUsage;
    }
    compute::WeightFormat format{*precision};
    if (p.isSet(QStringLiteral("group-size"))) {
        bool ok = false;
        const int g = p.value(QStringLiteral("group-size")).toInt(&ok);
        if (!ok || g <= 0 || *precision != compute::Precision::Int8) {
            err << "loupe quantize: --group-size takes a positive integer, with --to int8\n";
            return ExitUsage;
        }
        format.groupSize = g;
    }
    auto count = [&](const char* name, int fallback, int& value) {
        if (!p.isSet(QLatin1String(name))) {
            value = fallback;
            return true;
        }
        bool ok = false;
        value = p.value(QLatin1String(name)).toInt(&ok);
        if (ok && value > 0) return true;
        err << "loupe quantize: --" << name << " takes a positive integer\n";
        return false;
    };
    ReportOptions ro;
    if (!count("images", 1000, ro.images) || !count("map-images", 50, ro.mapImages)) return ExitUsage;
    ro.goldens = p.value(QStringLiteral("goldens"));
    const QString model = p.positionalArguments().front(), output = p.value(QStringLiteral("output"));
    try {
        const compute::QuantizeSummary s =
            compute::quantizeCheckpoint(model.toStdString(), output.toStdString(), format);
        out << "loupe quantize: wrote " << output << ": " << s.quantised.size() << " linear weights at " << to
            << (format.groupSize ? QStringLiteral(" (groups of %1)").arg(format.groupSize) : QString())
            << ", " << s.kept.size() << " other tensors unchanged; weights "
            << QString::number(s.bytesIn / 1e6, 'f', 2) << " MB -> "
            << QString::number(s.bytesOut / 1e6, 'f', 2) << " MB\n";
        if (p.isSet(QStringLiteral("report"))) {
            const QuantizeReport r = accuracyReport(model, output, ro);
            const QString json = output + QStringLiteral("/quantization_report.json");
            const QString md = output + QStringLiteral("/quantization_report.md");
            QFile j(json), m(md);
            if (!j.open(QIODevice::WriteOnly) || !m.open(QIODevice::WriteOnly))
                throw compute::Error(json.toStdString(), "cannot write the report");
            j.write(QJsonDocument(r.json()).toJson());
            m.write(r.markdown().toUtf8());
            out << r.markdown();
        }
    } catch (const compute::Error& e) {
        err << "loupe quantize: " << e.what() << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

CommandRegistrar
    reg({QStringLiteral("quantize"),
         QStringLiteral("Store a checkpoint's linear weights at bf16, f16 or int8 (--report: accuracy)"),
         quantize});

} // namespace

} // namespace loupe::cli
