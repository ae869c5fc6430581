// SPDX-License-Identifier: MIT
// Batch captioning and matching over a project's images, one stored run per image, resumable.
#include "core/jobs/batchinference.h"

#include "compute/generate/generation_config.h"
#include "core/inference/captioner.h"
#include "core/inference/execution.h"
#include "core/inference/matcher.h"
#include "core/models/checkpoint_hash.h"
#include "core/models/engine_choice.h"
#include "core/store/captions.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <nlohmann/json.hpp>

namespace loupe::core {

namespace {

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// The same text Project::addRun stores for parameters, so equal settings compare equal.
bool hasRun(Database& db, qint64 assetId, const QString& kind, const QString& model, const QString& hash,
            const QString& parameters)
{
    Statement s =
        db.prepare(QStringLiteral("SELECT 1 FROM runs WHERE asset_id = ?1 AND kind = ?2 AND model_path = ?3 "
                                  "AND checkpoint_hash = ?4 AND parameters = ?5 LIMIT 1"));
    s.bind(1, assetId).bind(2, kind).bind(3, model).bind(4, hash).bind(5, parameters);
    return s.step();
}

QJsonArray idArray(const std::vector<int64_t>& ids)
{
    QJsonArray a;
    for (int64_t id : ids)
        a.append(qint64(id));
    return a;
}

QJsonArray floatArray(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

// The run and, for a caption, its captions row: both or neither, so resume never meets a run whose
// caption is missing.
bool store(Project& project, const RunRecord& run, const QString& caption, QString* error)
{
    Transaction t(project.db());
    if (!t.isActive()) {
        *error = QStringLiteral("%1: %2").arg(project.path(), project.db().lastError());
        return false;
    }
    const std::optional<qint64> runId = project.addRun(run, error);
    if (!runId) return false;
    if (!caption.isNull() &&
        !insertCaption(project.db(), run.assetId, caption, QStringLiteral("model"), runId, error))
        return false;
    if (!t.commit()) {
        *error = QStringLiteral("%1: %2").arg(project.path(), project.db().lastError());
        return false;
    }
    return true;
}

} // namespace

QJsonObject BatchRequest::parameters() const
{
    QJsonObject p =
        kind == Kind::Match
            ? QJsonObject{{QStringLiteral("texts"), QJsonArray::fromStringList(texts)}}
            : QJsonObject{{QStringLiteral("prompt"), prompt}, {QStringLiteral("decoding"), decoding}};
    const compute::EngineOptions options = engineOptionsOr(engine, modelFolder);
    if (options.precision != compute::Precision::Default)
        p.insert(QStringLiteral("precision"),
                 QString::fromUtf8(compute::precisionName(options.precision).data()));
    return p;
}

QString BatchRequest::runKind() const
{
    return kind == Kind::Match ? QStringLiteral("match") : QStringLiteral("caption");
}

BatchReport runBatch(Project& project, const BatchRequest& request,
                     const std::function<void(int done, int total)>& progress,
                     const std::function<bool()>& cancelled)
{
    BatchReport report;
    report.total = int(request.assetIds.size());
    const auto isCancelled = [&] { return cancelled && cancelled(); };
    if (request.kind == BatchRequest::Kind::Match && request.texts.isEmpty()) {
        report.error = QStringLiteral("match: at least one text is required");
        return report;
    }
    const QString folder = QFileInfo(request.modelFolder).absoluteFilePath();
    const QString hash = checkpointHash(folder, &report.error);
    if (hash.isEmpty()) {
        if (report.error.isEmpty())
            report.error = QStringLiteral("%1: cannot hash the checkpoint").arg(folder);
        return report;
    }
    const compute::EngineOptions engine = engineOptionsOr(request.engine, folder);
    std::unique_ptr<Captioner> captioner;
    std::unique_ptr<Matcher> matcher;
    try {
        if (request.kind == BatchRequest::Kind::Caption) {
            auto settings = compute::generate::GenerationConfig::fromModelFolder(folder.toStdString());
            settings.merge(nlohmann::json::parse(compact(request.decoding).toStdString()),
                           "the batch's decoding settings");
            captioner = openCaptioner(folder, settings, engine);
            captioner->setPrompt(request.prompt.toStdString());
        } else {
            matcher = Matcher::open(folder, engine);
        }
    } catch (const std::exception& e) {
        report.error = QString::fromStdString(e.what());
        return report;
    }

    const QString kind = request.runKind();
    const QJsonObject parameters = request.parameters();
    const QString parametersText = compact(parameters);
    int done = 0;
    for (qint64 id : request.assetIds) {
        if (isCancelled()) {
            report.cancelled = true;
            break;
        }
        const std::optional<AssetRow> asset = project.asset(id);
        if (!asset) {
            report.failed << BatchFailure{
                id, QStringLiteral("%1: image %2 is not in the project").arg(project.path()).arg(id)};
        } else if (hasRun(project.db(), id, kind, folder, hash, parametersText)) {
            ++report.skipped;
        } else {
            const QString image = project.absolutePath(asset->storedPath);
            RunRecord run;
            run.assetId = id;
            run.kind = kind;
            run.modelPath = folder;
            run.checkpointHash = hash;
            run.parameters = parameters;
            QString caption; // null for matches
            QElapsedTimer timer;
            timer.start();
            const ExecutionScope execution(engine);
            try {
                if (captioner) {
                    CaptionRequest r;
                    r.cancelled = cancelled;
                    const Caption c = captioner->caption(image, r);
                    if (isCancelled()) { // cut short mid-decoding: not a caption to keep
                        report.cancelled = true;
                        break;
                    }
                    caption = QString::fromStdString(c.text);
                    run.result = {{QStringLiteral("text"), caption},
                                  {QStringLiteral("token_ids"), idArray(c.sequence.tokens)}};
                } else {
                    const MatchScores m = matcher->match(image, request.texts);
                    run.result = {{QStringLiteral("texts"), QJsonArray::fromStringList(request.texts)},
                                  {QStringLiteral("probs"), floatArray(m.probs)},
                                  {QStringLiteral("logits"), floatArray(m.logits)}};
                }
                run.durationMs = double(timer.nsecsElapsed()) / 1e6;
                report.execution = execution.finish();
                applyExecution(run, report.execution);
            } catch (const std::exception& e) {
                report.failed << BatchFailure{id, QString::fromStdString(e.what())};
                ++done;
                if (progress) progress(done, report.total);
                continue;
            }
            QString error;
            if (!store(project, run, caption, &error)) {
                report.error = error;
                return report;
            }
            ++report.stored;
        }
        ++done;
        if (progress) progress(done, report.total);
    }
    return report;
}

} // namespace loupe::core
