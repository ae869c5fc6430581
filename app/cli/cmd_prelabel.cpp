// SPDX-License-Identifier: MIT
// loupe prelabel PROJECT --model DIR [--labeller CLIP_DIR] [--images QUERY] [--threshold T] [--set K=V]...
// [--json] Pre-labels a project's images: a detector checkpoint's proposals become shapes (source model,
// their run, score, review state new) or, for a CLIP checkpoint, the project's labels reaching the threshold
// become image tags. Resumable: images already done with the same model and settings are skipped, so
// after Ctrl-C (the current image is finished and kept) running the same command finishes the rest.
#include "annotation/assist/prelabeljob.h"
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "core/store/busywait.h"
#include "core/store/project.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace loupe::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int)
{
    g_interrupted = 1;
}

// Ctrl-C and SIGTERM ask the job to stop between images while this lives, then the defaults return.
struct InterruptGuard
{
    InterruptGuard()
    {
        g_interrupted = 0;
        m_int = std::signal(SIGINT, onInterrupt);
        m_term = std::signal(SIGTERM, onInterrupt);
    }
    ~InterruptGuard()
    {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
    }
    void (*m_int)(int);
    void (*m_term)(int);
};

// Every image whose stored path contains `query` (the Dataset dock's search; empty: all), by id.
QList<qint64> selectImages(const core::Project& project, const QString& query)
{
    core::AssetFilter filter;
    filter.text = query;
    QList<qint64> ids;
    const int page = 1000;
    for (qint64 offset = 0;; offset += page) {
        const QVector<core::AssetRow> rows = project.assetPage(filter, offset, page);
        for (const core::AssetRow& r : rows)
            ids << r.id;
        if (rows.size() < page) break;
    }
    return ids;
}

QJsonObject reportJson(const core::Project& project, const annotation::PrelabelRequest& request,
                       const annotation::PrelabelReport& r)
{
    QJsonArray failed;
    for (const annotation::PrelabelFailure& f : r.failed)
        failed.append(
            QJsonObject{{QStringLiteral("image_id"), f.assetId}, {QStringLiteral("reason"), f.reason}});
    QJsonObject o{{QStringLiteral("project"), project.path()},
                  {QStringLiteral("model"), request.modelFolder},
                  {QStringLiteral("method"), r.detector},
                  {QStringLiteral("output"), r.tags ? QStringLiteral("tags") : QStringLiteral("shapes")},
                  {QStringLiteral("total"), r.total},
                  {QStringLiteral("stored"), r.stored},
                  {QStringLiteral("skipped"), r.skipped},
                  {QStringLiteral("proposals"), r.proposals},
                  {QStringLiteral("failed"), failed},
                  {QStringLiteral("cancelled"), r.cancelled}};
    if (!r.error.isEmpty()) o.insert(QStringLiteral("error"), r.error);
    if (r.stored > 0) addExecutionJson(o, r.execution); // what ran the model, when it ran
    return o;
}

int prelabel(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Pre-label a project's images with a model, as proposals to review. A detector checkpoint (an "
        "architecture with a registered detector, such as SamModel) proposes shapes: each is stored with "
        "source model, its run, its score and review state new. A CLIP checkpoint (CLIPModel) instead adds "
        "to each image the project labels whose probability for \"a photo of a {label}\" reaches the "
        "threshold as tags. Every image gets one run (model, checkpoint hash, method and parameters, "
        "duration); images that already have one with the same model and settings are skipped, so an "
        "interrupted run (Ctrl-C keeps what is done) is finished by running the same command again.\n"
        "Exit status: 0 every image done or skipped, 1 some images failed (the others were stored), the "
        "run was interrupted or the project or model could not be opened, 2 usage error."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Checkpoint folder: a detector (config.json names a registered "
                                "architecture) or a CLIP model for image tags."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("labeller"),
                 QStringLiteral("CLIP checkpoint folder naming what a class-agnostic detector found."),
                 QStringLiteral("CLIP_DIR")});
    p.addOption({QStringLiteral("images"),
                 QStringLiteral("Only images whose stored path contains QUERY (as the Dataset dock's search "
                                "box; default: every image)."),
                 QStringLiteral("QUERY")});
    p.addOption({QStringLiteral("threshold"),
                 QStringLiteral("Lowest score a proposal, or probability a tag, needs (0..1, default 0.5)."),
                 QStringLiteral("T"), QStringLiteral("0.5")});
    p.addOption(
        {QStringLiteral("set"),
         QStringLiteral("A detector setting by its reference name, e.g. pred_iou_thresh=0.5 or "
                        "points_per_side=16 for SAM's automatic masks (repeatable; a checkpoint folder "
                        "may ship its own in automask_config.json)."),
         QStringLiteral("KEY=VALUE")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON summary instead of text.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The .loupe project file."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe prelabel")} + args)) {
        err << "loupe prelabel: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("prelabel"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1 || !p.isSet(QStringLiteral("model"))) {
        err << "usage: loupe prelabel PROJECT --model DIR [--labeller CLIP_DIR] [--images QUERY] "
               "[--threshold T] [--set KEY=VALUE]... [--json] [--threads N]"
            << engineUsage() << "\n";
        return ExitUsage;
    }
    bool ok = false;
    const double threshold = p.value(QStringLiteral("threshold")).toDouble(&ok);
    if (!ok || !(threshold >= 0 && threshold <= 1)) {
        err << "loupe prelabel: --threshold takes a number from 0 to 1, got '"
            << p.value(QStringLiteral("threshold")) << "'\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("prelabel"));
    if (!engine) return ExitUsage;

    core::setBusyNotice(
        [](const QString& message) { QTextStream(stderr) << "loupe prelabel: " << message << "\n"; });
    QString error;
    auto project = core::Project::open(pos[0], &error);
    if (!project) {
        err << "loupe prelabel: " << error << "\n";
        return ExitFailure;
    }
    annotation::PrelabelRequest request;
    request.modelFolder = p.value(QStringLiteral("model"));
    request.labellerFolder = p.value(QStringLiteral("labeller"));
    request.threshold = threshold;
    request.engine = *engine; // the command line's choice, not the GUI's per-model one
    for (const QString& kv : p.values(QStringLiteral("set"))) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0 || eq == kv.size() - 1) {
            err << "loupe prelabel: --set takes KEY=VALUE, got '" << kv << "'\n";
            return ExitUsage;
        }
        request.settings.insert(kv.left(eq).trimmed(), kv.mid(eq + 1).trimmed());
    }
    request.assetIds = selectImages(*project, p.value(QStringLiteral("images")));
    if (request.assetIds.isEmpty()) {
        err << "loupe prelabel: " << project->path() << ": no image matches '"
            << p.value(QStringLiteral("images")) << "'\n";
        return ExitFailure;
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    const auto progress = [tty](int done, int total) {
        std::fprintf(stderr, tty ? "\rpre-labelled %d/%d" : "pre-labelled %d/%d\n", done, total);
        std::fflush(stderr);
    };
    InterruptGuard interrupts;
    const annotation::PrelabelReport r =
        annotation::runPrelabel(*project, request, progress, [] { return g_interrupted != 0; });
    if (tty) std::fputs("\n", stderr);
    if (r.stored > 0) reportFallback(r.execution, QStringLiteral("prelabel"));
    if (p.isSet(QStringLiteral("json"))) {
        out << QJsonDocument(reportJson(*project, request, r)).toJson(QJsonDocument::Indented);
    } else if (r.error.isEmpty()) {
        out << annotation::prelabelSummary(r) << " (" << r.detector << ")\n";
    }
    for (const annotation::PrelabelFailure& f : r.failed)
        err << "failed: " << f.reason << "\n";
    if (!r.error.isEmpty()) {
        err << "loupe prelabel: " << r.error << "\n";
        return ExitFailure;
    }
    if (r.cancelled) {
        err << "loupe prelabel: interrupted; run the same command again to finish the rest\n";
        return ExitFailure;
    }
    return r.failed.isEmpty() ? ExitOk : ExitFailure;
}

const CommandRegistrar registrar{{QStringLiteral("prelabel"),
                                  QStringLiteral("Propose shapes or image tags for a project's images with a "
                                                 "model (resumable)"),
                                  prelabel}};

} // namespace

} // namespace loupe::cli
