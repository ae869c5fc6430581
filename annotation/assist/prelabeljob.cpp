// SPDX-License-Identifier: MIT
// Pre-labelling a selection: detector proposals as shapes, or CLIP tags, one stored run per image,
// resumable.
#include "annotation/assist/prelabeljob.h"

#include "annotation/assist/decodeahead.h"
#include "annotation/assist/prelabelstore.h"
#include "annotation/assist/proposalshapes.h"
#include "core/inference/detector.h"
#include "core/inference/execution.h"
#include "core/inference/matcher.h"
#include "core/models/checkpoint_hash.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace loupe::annotation {

namespace {

// What both kinds of job share: the project, the request, the counters and the stop signal.
struct Pass
{
    core::Project& project;
    const PrelabelRequest& request;
    const std::function<void(int, int)>& progress;
    const std::function<bool()>& cancelled;
    PrelabelReport& report;
    QString folder; // absolute
    QString hash;
    QStringList labels;
    compute::EngineOptions engine; // the request's, or the model's stored choice
    int done = 0;

    bool isCancelled() const { return cancelled && cancelled(); }
    void step()
    {
        ++done;
        if (progress) progress(done, report.total);
    }
    void fail(qint64 id, const QString& reason)
    {
        report.failed << PrelabelFailure{id, reason};
        step();
    }
    core::RunRecord run(qint64 assetId, const QJsonObject& parameters) const
    {
        core::RunRecord r;
        r.assetId = assetId;
        r.kind = QString::fromLatin1(kPrelabelRunKindName);
        r.modelPath = folder;
        r.checkpointHash = hash;
        r.parameters = parameters;
        return r;
    }
};

QJsonObject parseObject(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// A precision other than the default changes what a model proposes, so it is one of the parameters resume
// compares; the backend is not (every backend gives the CPU's answers).
void withPrecision(QJsonObject& parameters, const compute::EngineOptions& engine)
{
    if (engine.precision != compute::Precision::Default)
        parameters.insert(QStringLiteral("precision"),
                          QString::fromUtf8(compute::precisionName(engine.precision).data()));
}

double msSince(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// The images still to do, in the order asked; those already done count as skipped, unknown ones fail.
std::vector<DecodeItem> pending(Pass& pass, const QJsonObject& parameters)
{
    std::vector<DecodeItem> todo;
    for (qint64 id : pass.request.assetIds) {
        const std::optional<core::AssetRow> asset = pass.project.asset(id);
        if (!asset) {
            pass.fail(id,
                      QStringLiteral("%1: image %2 is not in the project").arg(pass.project.path()).arg(id));
        } else if (hasPrelabelRun(pass.project.db(), id, pass.folder, pass.hash, parameters)) {
            ++pass.report.skipped;
            pass.step();
        } else {
            todo.push_back({id, pass.project.absolutePath(asset->storedPath)});
        }
    }
    return todo;
}

void runDetector(Pass& pass)
{
    PrelabelReport& report = pass.report;
    core::DetectorOptions options;
    options.modelFolder = pass.folder;
    options.labels = pass.labels;
    options.threshold = pass.request.threshold;
    options.settings = pass.request.settings;
    options.engine = pass.engine;
    QString labellerHash;
    if (!pass.request.labellerFolder.isEmpty()) {
        options.labellerFolder = QFileInfo(pass.request.labellerFolder).absoluteFilePath();
        labellerHash = core::checkpointHash(options.labellerFolder, &report.error);
        if (labellerHash.isEmpty()) return;
    }
    std::unique_ptr<core::Detector> detector;
    try {
        detector = core::openDetector(options, &report.error);
    } catch (const std::exception& e) {
        report.error = QString::fromStdString(e.what());
    }
    if (!detector) {
        if (report.error.isEmpty())
            report.error = QStringLiteral("%1: cannot open a detector").arg(pass.folder);
        return;
    }
    report.detector = detector->name();
    QJsonObject parameters{{QStringLiteral("detector"), detector->name()},
                           {QStringLiteral("detector_parameters"), parseObject(detector->parameters())},
                           {QStringLiteral("threshold"), pass.request.threshold},
                           {QStringLiteral("labels"), QJsonArray::fromStringList(pass.labels)},
                           {QStringLiteral("labeller"), options.labellerFolder},
                           {QStringLiteral("labeller_hash"), labellerHash}};
    withPrecision(parameters, pass.engine);
    QHash<QString, qint64> labelIds;
    for (const core::Label& l : pass.project.labels())
        labelIds.insert(l.name, l.id);

    std::vector<DecodeItem> todo = pending(pass, parameters);
    if (todo.empty()) return;
    DecodeAhead ahead(std::move(todo), 3);
    for (;;) {
        if (pass.isCancelled()) {
            report.cancelled = true;
            return;
        }
        std::optional<DecodedImage> next = ahead.next();
        if (!next) return;
        if (next->image.isNull()) {
            pass.fail(next->assetId, next->error);
            continue;
        }
        core::RunRecord run = pass.run(next->assetId, parameters);
        std::vector<core::Detection> detections;
        QElapsedTimer timer;
        timer.start();
        const core::ExecutionScope execution(pass.engine);
        try {
            detections = detector->detect(next->image);
        } catch (const std::exception& e) {
            pass.fail(next->assetId,
                      QStringLiteral("%1: %2").arg(next->path, QString::fromStdString(e.what())));
            continue;
        }
        run.durationMs = msSince(timer);
        report.execution = execution.finish();
        core::applyExecution(run, report.execution);
        std::vector<Shape> shapes = proposalShapes(detections, next->assetId, 0, labelIds,
                                                   pass.request.threshold, QDateTime::currentDateTimeUtc());
        run.result = {{QStringLiteral("detector"), detector->name()},
                      {QStringLiteral("detections"), qint64(detections.size())},
                      {QStringLiteral("shapes"), qint64(shapes.size())}};
        if (!storeProposals(pass.project, run, shapes, &report.error)) return;
        ++report.stored;
        report.proposals += int(shapes.size());
        pass.step();
    }
}

void runClipTags(Pass& pass)
{
    PrelabelReport& report = pass.report;
    report.tags = true;
    report.detector = QStringLiteral("CLIP image tags");
    std::unique_ptr<core::Matcher> matcher;
    try {
        matcher = core::Matcher::open(pass.folder, pass.engine);
    } catch (const std::exception& e) {
        report.error = QString::fromStdString(e.what());
        return;
    }
    // CLIP's zero-shot prompt, as the Match dock starts with.
    QStringList texts;
    for (const QString& l : pass.labels)
        texts << QStringLiteral("a photo of a %1").arg(l);
    QJsonObject parameters{{QStringLiteral("mode"), QStringLiteral("tags")},
                           {QStringLiteral("texts"), QJsonArray::fromStringList(texts)},
                           {QStringLiteral("threshold"), pass.request.threshold}};
    withPrecision(parameters, pass.engine);
    // The matcher reads and preprocesses each file itself (it keeps the last image's pixels), so there
    // is nothing to decode ahead here.
    for (const DecodeItem& item : pending(pass, parameters)) {
        if (pass.isCancelled()) {
            report.cancelled = true;
            return;
        }
        core::RunRecord run = pass.run(item.assetId, parameters);
        core::MatchScores scores;
        QElapsedTimer timer;
        timer.start();
        const core::ExecutionScope execution(pass.engine);
        try {
            scores = matcher->match(item.path, texts);
        } catch (const std::exception& e) {
            pass.fail(item.assetId, QString::fromStdString(e.what()));
            continue;
        }
        run.durationMs = msSince(timer);
        report.execution = execution.finish();
        core::applyExecution(run, report.execution);
        QStringList tags;
        QJsonArray probs;
        for (qsizetype i = 0; i < pass.labels.size(); ++i) {
            const double p = scores.probs[size_t(i)];
            probs.append(p);
            if (p >= pass.request.threshold) tags << pass.labels[i];
        }
        run.result = {{QStringLiteral("labels"), QJsonArray::fromStringList(pass.labels)},
                      {QStringLiteral("probs"), probs},
                      {QStringLiteral("tags"), QJsonArray::fromStringList(tags)}};
        int added = 0;
        if (!storeTags(pass.project, run, tags, &added, &report.error)) return;
        ++report.stored;
        report.proposals += added;
        pass.step();
    }
}

} // namespace

bool isClipFolder(const QString& folder)
{
    const QStringList names = core::checkpointModelNames(folder);
    return names.contains(QStringLiteral("CLIPModel")) || names.contains(QStringLiteral("clip"));
}

bool isDetectorFolder(const QString& folder)
{
    return core::hasDetector(folder);
}

PrelabelReport runPrelabel(core::Project& project, const PrelabelRequest& request,
                           const std::function<void(int done, int total)>& progress,
                           const std::function<bool()>& cancelled)
{
    PrelabelReport report;
    report.total = int(request.assetIds.size());
    Pass pass{project, request, progress, cancelled, report, {}, {}, {}, {}, 0};
    if (!(request.threshold >= 0 && request.threshold <= 1)) {
        report.error = QStringLiteral("threshold %1 is outside [0, 1]").arg(request.threshold);
        return report;
    }
    for (const core::Label& l : project.labels())
        pass.labels << l.name;
    if (pass.labels.isEmpty()) {
        report.error = QStringLiteral("%1: the project has no labels to propose").arg(project.path());
        return report;
    }
    pass.folder = QFileInfo(request.modelFolder).absoluteFilePath();
    if (!QFileInfo(pass.folder).isDir()) {
        report.error = QStringLiteral("%1: no such model folder").arg(pass.folder);
        return report;
    }
    pass.hash = core::checkpointHash(pass.folder, &report.error);
    if (pass.hash.isEmpty()) {
        if (report.error.isEmpty())
            report.error = QStringLiteral("%1: cannot hash the checkpoint").arg(pass.folder);
        return report;
    }
    report.error.clear();
    pass.engine = core::engineOptionsOr(request.engine, pass.folder);
    if (isClipFolder(pass.folder))
        runClipTags(pass);
    else
        runDetector(pass);
    return report;
}

QString prelabelSummary(const PrelabelReport& r)
{
    QString s =
        r.tags ? QStringLiteral("%1 image(s) tagged, %2 tag(s) added").arg(r.stored).arg(r.proposals)
               : QStringLiteral("%1 image(s) pre-labelled, %2 proposal(s)").arg(r.stored).arg(r.proposals);
    s += QStringLiteral(", %1 already done").arg(r.skipped);
    if (!r.failed.isEmpty())
        s += QStringLiteral(", %1 failed (first: %2)").arg(r.failed.size()).arg(r.failed.front().reason);
    return s;
}

} // namespace loupe::annotation
