// SPDX-License-Identifier: MIT
// loupe propagate PROJECT --from FRAME --to FRAME [--tracker sam|opencv] [--model DIR] [--shape ID]...
//                 [--min-iou T] [--interpolate] [--json] [--threads N]
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/propagation/frameorder.h"
#include "annotation/propagation/interpolation.h"
#include "annotation/propagation/onestep.h"
#include "annotation/propagation/propagationruns.h"
#include "annotation/propagation/propagator.h"
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace loupe::cli {

namespace {

using namespace loupe::annotation;

const char* kUsage =
    "usage: loupe propagate PROJECT --from FRAME --to FRAME [--tracker sam|opencv] [--model DIR]\n"
    "                       [--shape ID]... [--min-iou T] [--interpolate] [--json] [--threads N]\n"
    "                       [--backend auto|cpu|vulkan|cuda] [--dtype f32|bf16|f16|int8]\n"
    "  FRAME is an image id, an image's path (absolute, relative to the project file, or relative to\n"
    "  the folder holding the project's images) or SEQUENCE:N (frame N of an imported video); both\n"
    "  frames belong to one sequence (a video's frames, or the images of one folder by file name) and\n"
    "  FROM plays first.\n";

struct Failure
{
    QString message;
    int code = ExitFailure;
};

// SEQUENCE:N, else an image id, else the path of one of the project's images: absolute, relative to the
// project's file (as the project stores it), relative to the folder holding all its images, or to the working
// folder.
qint64 resolveFrame(const QString& text, const core::Project& project, const ProjectAccess& access,
                    const std::vector<ProjectImage>& images)
{
    // SEQUENCE:N, frame N of an imported video.
    if (const qsizetype colon = text.lastIndexOf(QLatin1Char(':')); colon > 0) {
        const QString name = text.left(colon);
        bool isIndex = false;
        const qint64 index = text.mid(colon + 1).toLongLong(&isIndex);
        if (isIndex && project.sequenceNames().contains(name)) {
            core::SequenceKey key;
            key.name = name;
            for (const core::SequenceFrame& f : project.sequenceFrames(key))
                if (f.frame == index) return f.assetId;
            throw Failure{QStringLiteral("%1: the sequence %2 has no frame %3").arg(text, name).arg(index)};
        }
    }
    bool isNumber = false;
    const qint64 id = text.toLongLong(&isNumber);
    if (isNumber)
        for (const ProjectImage& im : images)
            if (im.id == id) return id;
    const QString root = access.imageRoot();
    const QString given = QDir::fromNativeSeparators(text);
    QStringList candidates{QDir::cleanPath(QFileInfo(given).absoluteFilePath())};
    if (QFileInfo(given).isRelative())
        candidates << QDir::cleanPath(project.absolutePath(given))
                   << QDir::cleanPath(QDir(root).filePath(given));
    for (const ProjectImage& im : images)
        if (candidates.contains(QDir::cleanPath(QDir(root).filePath(im.path)))) return im.id;
    throw Failure{
        QStringLiteral("%1 is neither an image id nor the path of an image of the project").arg(text)};
}

QJsonObject trackJson(const TrackReport& t)
{
    QJsonObject o{{QStringLiteral("shape"), t.shapeId},
                  {QStringLiteral("track"), t.track},
                  {QStringLiteral("frames"), t.carried}};
    if (t.skipped) o.insert(QStringLiteral("skipped"), t.reason);
    if (t.lostAt) {
        o.insert(QStringLiteral("lost_at"), t.lostAt);
        o.insert(QStringLiteral("reason"), t.reason);
    }
    return o;
}

struct Request
{
    QString project, from, to, tracker, model;
    QStringList shapeIds;
    double minIou = 0.5;
    bool interpolate = false, json = false;
    compute::EngineOptions engine;
};

int run(const Request& r, QTextStream& out)
{
    QString error;
    std::unique_ptr<core::Project> project = core::Project::open(r.project, &error);
    if (!project) throw Failure{error};
    ProjectStoreAccess access(*project);
    const std::vector<ProjectImage> images = access.images();
    const qint64 from = resolveFrame(r.from, *project, access, images);
    const qint64 to = resolveFrame(r.to, *project, access, images);
    const ProjectFrameOrder order(*project);
    const std::vector<Frame> frames = framesFromTo(order, from, to, &error);
    if (frames.empty()) throw Failure{error};

    ProjectAnnotations annotations(*project);
    AnnotationDocument& doc = *annotations.document();
    QJsonObject report{{QStringLiteral("from"), from},
                       {QStringLiteral("to"), to},
                       {QStringLiteral("frames"), int(frames.size())}};
    std::vector<Shape> made;
    std::optional<compute::ExecutionRecord> execution; // set when SAM ran
    QString stepText;
    QElapsedTimer clock;
    clock.start();
    if (r.interpolate) {
        std::vector<qint64> ids;
        std::map<qint64, std::vector<Shape>> shapes;
        for (const Frame& f : frames) {
            ids.push_back(f.id);
            shapes[f.id] = doc.shapes(f.id);
        }
        InterpolationResult result = interpolateBoxes(ids, shapes);
        report.insert(QStringLiteral("mode"), QStringLiteral("interpolate"));
        report.insert(QStringLiteral("tracks"), result.tracks);
        if (!r.json)
            out << "interpolated " << result.tracks << " track(s) between keyframes of frames " << from
                << ".." << to << "\n";
        made = std::move(result.shapes);
        stepText = QObject::tr("Interpolate %n box(es)", nullptr, int(made.size()));
    } else {
        PropagationRequest request;
        request.frames = frames;
        for (const Shape& s : doc.shapes(from))
            if (r.shapeIds.isEmpty() || r.shapeIds.contains(QString::number(s.id)))
                request.shapes.push_back(s);
        for (const QString& id : r.shapeIds)
            if (std::none_of(request.shapes.begin(), request.shapes.end(),
                             [&](const Shape& s) { return QString::number(s.id) == id; }))
                throw Failure{QStringLiteral("image %1 has no shape %2").arg(from).arg(id)};
        if (request.shapes.empty())
            throw Failure{QStringLiteral("image %1 has no shapes to propagate").arg(from)};
        const QString tracker = r.tracker.isEmpty()
                                    ? (r.model.isEmpty() ? QStringLiteral("opencv") : QStringLiteral("sam"))
                                    : r.tracker;
        request.boxTracker = tracker == QLatin1String("sam") ? BoxTrackerKind::Sam : BoxTrackerKind::OpenCv;
        if (request.boxTracker == BoxTrackerKind::Sam && r.model.isEmpty())
            throw Failure{QStringLiteral("--tracker sam needs --model DIR (a SAM checkpoint folder)"),
                          ExitUsage};
        if (request.boxTracker == BoxTrackerKind::OpenCv && !core::openCvTrackerAvailable()) {
            QString why;
            core::makeOpenCvTracker({}, &why);
            throw Failure{why};
        }
        if (!r.model.isEmpty()) request.sam = core::SamCheckpoint::open(r.model, r.engine);
        request.samOptions.minIou = r.minIou;
        const core::ExecutionScope scope(r.engine);
        PropagationResult result = propagate(request);
        if (request.sam) {
            execution = scope.finish();
            reportFallback(*execution, QStringLiteral("propagate"));
            addExecutionJson(report, *execution);
        }
        if (!result.error.isEmpty()) throw Failure{result.error + QStringLiteral(": nothing was added")};
        QJsonArray tracks;
        for (const TrackReport& t : result.tracks) {
            tracks.append(trackJson(t));
            if (r.json) continue;
            out << "shape " << t.shapeId << " (track " << t.track << "): ";
            if (t.skipped)
                out << "skipped: " << t.reason << "\n";
            else if (t.lostAt)
                out << t.carried << " frame(s), lost at image " << t.lostAt << ": " << t.reason << "\n";
            else
                out << t.carried << " frame(s)\n";
        }
        report.insert(QStringLiteral("mode"), QStringLiteral("track"));
        report.insert(QStringLiteral("tracker"), tracker);
        report.insert(QStringLiteral("tracks"), tracks);
        made = std::move(result.shapes);
        stepText = QObject::tr("Propagate to %n shape(s)", nullptr, int(made.size()));
    }
    PropagationRunInfo info;
    info.kind = QString::fromLatin1(r.interpolate ? kInterpolateRunKind : kPropagateRunKind);
    info.durationMs = double(clock.elapsed());
    info.parameters = {{QStringLiteral("from"), from}, {QStringLiteral("to"), to}};
    if (!r.interpolate) {
        info.modelFolder = r.model;
        info.parameters.insert(QStringLiteral("tracker"), report.value(QStringLiteral("tracker")));
        info.parameters.insert(QStringLiteral("min_iou"), r.minIou);
        info.execution = execution;
    }
    if (!recordPropagationRuns(*project, made, info, &error))
        throw Failure{r.project + QStringLiteral(": ") + error};
    const int count = int(made.size());
    const std::vector<qint64> ids = addAsOneStep(doc, std::move(made), stepText, &error);
    if (count && ids.empty()) throw Failure{r.project + QStringLiteral(": ") + error};
    QJsonArray created;
    for (qint64 id : ids)
        created.append(id);
    report.insert(QStringLiteral("created"), created);
    if (r.json)
        out << QJsonDocument(report).toJson(QJsonDocument::Compact) << "\n";
    else
        out << count << " new shape(s) as one undo step\n";
    return ExitOk;
}

int propagateCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Carry the shapes of one frame to the following frames of its sequence (boxes with OpenCV's MIL "
        "tracker or SAM, masks and polygons with SAM refining the previous mask), or with --interpolate "
        "fill boxes between keyframes. What it adds is one undo step, model proposals in review state new. "
        "FRAME is an image id, an image's path (absolute, relative to the project file, or relative to the "
        "folder holding the project's images) or SEQUENCE:N (frame N of an imported video); both frames "
        "belong to one sequence and FROM plays first."));
    p.addHelpOption();
    p.addOption({QStringLiteral("from"), QStringLiteral("The frame whose shapes are carried."),
                 QStringLiteral("FRAME")});
    p.addOption(
        {QStringLiteral("to"), QStringLiteral("The last frame to carry them to."), QStringLiteral("FRAME")});
    p.addOption({QStringLiteral("tracker"),
                 QStringLiteral("How boxes follow: sam or opencv (default: sam with --model, else opencv)."),
                 QStringLiteral("sam|opencv")});
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("SAM checkpoint folder (masks and polygons need one)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("shape"), QStringLiteral("Carry only this shape of FROM. Repeatable."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("min-iou"),
                 QStringLiteral("A SAM track stops where SAM's predicted IoU falls below T (default 0.5)."),
                 QStringLiteral("T")});
    p.addOption(
        {QStringLiteral("interpolate"),
         QStringLiteral("Fill boxes between keyframes in FROM..TO by linear interpolation instead.")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print the report as JSON.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The .loupe project."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe propagate")} + args)) {
        err << "loupe propagate: " << p.errorText() << "\n" << kUsage;
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("propagate"));
        return ExitOk;
    }
    Request r;
    r.from = p.value(QStringLiteral("from"));
    r.to = p.value(QStringLiteral("to"));
    r.tracker = p.value(QStringLiteral("tracker"));
    r.model = p.value(QStringLiteral("model"));
    r.shapeIds = p.values(QStringLiteral("shape"));
    r.interpolate = p.isSet(QStringLiteral("interpolate"));
    r.json = p.isSet(QStringLiteral("json"));
    if (p.positionalArguments().size() != 1 || r.from.isEmpty() || r.to.isEmpty()) {
        err << "loupe propagate: expected PROJECT, --from and --to\n" << kUsage;
        return ExitUsage;
    }
    r.project = p.positionalArguments().front();
    if (!r.tracker.isEmpty() && r.tracker != QLatin1String("sam") && r.tracker != QLatin1String("opencv")) {
        err << "loupe propagate: --tracker " << r.tracker << ": must be sam or opencv\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("min-iou"))) {
        bool ok = false;
        r.minIou = p.value(QStringLiteral("min-iou")).toDouble(&ok);
        if (!ok || r.minIou < 0 || r.minIou > 1) {
            err << "loupe propagate: --min-iou " << p.value(QStringLiteral("min-iou"))
                << ": must be a number in 0..1\n";
            return ExitUsage;
        }
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("propagate"));
    if (!engine) return ExitUsage;
    r.engine = *engine;
    try {
        return run(r, out);
    } catch (const Failure& f) {
        err << "loupe propagate: " << f.message << "\n";
        return f.code;
    } catch (const compute::Error& e) {
        err << "loupe propagate: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("propagate"),
     QStringLiteral("Carry shapes to the next frames (SAM or OpenCV tracking) or "
                    "interpolate boxes between keyframes"),
     propagateCommand}};

} // namespace

} // namespace loupe::cli
