// SPDX-License-Identifier: MIT
#include "views/ask/askjob.h"

#include "core/inference/execution.h"
#include "views/text/modelerror.h"

#include <exception>

namespace loupe::views {

AskOutcome runAskJob(AskJob job)
{
    AskOutcome out;
    out.question = job.question;
    try {
        const QString key = job.folder + QLatin1Char('\n') + job.decoding.key() + QLatin1Char('\n') +
                            QString::fromUtf8(compute::backendChoiceName(job.engine.backend).data()) +
                            QLatin1Char('/') +
                            QString::fromUtf8(compute::precisionName(job.engine.precision).data());
        if (!job.asker || job.askerKey != key) {
            const auto base = compute::generate::GenerationConfig::fromModelFolder(job.folder.toStdString());
            job.asker = core::Asker::open(job.folder, job.decoding.apply(base), job.engine);
        }
        out.asker = job.asker;
        out.askerKey = key;
        core::Asker& a = *job.asker;
        core::CaptionRequest request;
        request.traceTop = job.traceTop;
        auto cancel = job.cancel;
        request.cancelled = [cancel] { return cancel && cancel->load(); };
        std::vector<int64_t> ids = a.promptIds();
        if (job.onText)
            request.onToken = [&](int64_t id) {
                ids.push_back(id);
                job.onText(QString::fromStdString(a.tokenizer().decode(ids, true)));
            };
        const core::ExecutionScope scope(job.engine);
        core::Answer answer = a.answer(job.image, job.question, request);
        out.execution = scope.finish();
        out.raw = answer;
        out.answer = describeGeneration(a.tokenizer(), answer.sequence.tokens, a.promptIds().size(),
                                        std::move(answer.traces), a.grid());
        // The traces carried through to the image give per-layer maps like a caption's; the ready
        // all-layer maps are the fallback for an asker that records only those.
        if (answer.imageTraces.size() == out.answer.traces.size() && !answer.imageTraces.empty())
            out.answer.traces = std::move(answer.imageTraces);
        else
            out.answer.imageMaps = std::move(answer.imageMaps);
        out.answer.cancelled = cancel && cancel->load();
    } catch (const std::exception& e) {
        out.error = modelError(job.folder, e);
    }
    return out;
}

AnswerRelevancyOutcome runAnswerRelevancyJob(AnswerRelevancyJob job)
{
    AnswerRelevancyOutcome out;
    out.turn = job.turn;
    try {
        for (int k : job.tokens)
            out.maps.emplace_back(k, job.asker->relevancy(job.answer, k).patches);
    } catch (const std::exception& e) {
        out.error = modelError(job.folder, e);
    }
    return out;
}

} // namespace loupe::views
