// SPDX-License-Identifier: MIT
#include "views/caption/captionjob.h"

#include "core/inference/execution.h"
#include "views/text/modelerror.h"

#include <exception>

namespace loupe::views {

CaptionOutcome runCaptionJob(CaptionJob job)
{
    CaptionOutcome out;
    out.branchStep = job.branchStep;
    out.branchToken = job.branchToken;
    try {
        const QString key = job.folder + QLatin1Char('\n') + job.decoding.key() + QLatin1Char('\n') +
                            QString::fromUtf8(compute::backendChoiceName(job.engine.backend).data()) +
                            QLatin1Char('/') +
                            QString::fromUtf8(compute::precisionName(job.engine.precision).data());
        if (!job.captioner || job.captionerKey != key) {
            const auto base = compute::generate::GenerationConfig::fromModelFolder(job.folder.toStdString());
            job.captioner = core::openCaptioner(job.folder, job.decoding.apply(base), job.engine);
        }
        out.captioner = job.captioner;
        out.captionerKey = key;
        core::Captioner& c = *job.captioner;
        const std::string prompt = job.prompt.toStdString();
        c.setPrompt(prompt);

        core::CaptionRequest request;
        request.traceTop = job.traceTop;
        auto cancel = job.cancel;
        request.cancelled = [cancel] { return cancel && cancel->load(); };
        std::vector<int64_t> ids = c.promptIds();
        if (job.branchStep >= 0) { // the stream starts from the words kept and the alternative
            const auto& kept = job.parent.sequence.tokens;
            ids.assign(kept.begin(), kept.begin() + std::ptrdiff_t(job.parent.promptLength + job.branchStep));
            ids.push_back(job.branchToken);
        }
        if (job.onText)
            request.onToken = [&](int64_t id) {
                ids.push_back(id);
                job.onText(QString::fromStdString(c.tokenizer().decode(ids, true)));
            };
        const core::ExecutionScope scope(job.engine);
        out.caption = job.branchStep >= 0 ? c.branch(job.parent, job.branchStep, job.branchToken, request)
                                          : c.caption(job.image, request);
        out.execution = scope.finish();
        out.text = describeGeneration(c.tokenizer(), out.caption.sequence.tokens,
                                      size_t(out.caption.promptLength), out.caption.traces, c.grid());
        out.text.cancelled = cancel && cancel->load();
    } catch (const std::exception& e) {
        out.error = modelError(job.folder, e);
    }
    return out;
}

RelevancyOutcome runRelevancyJob(RelevancyJob job)
{
    RelevancyOutcome out;
    out.variant = job.variant;
    try {
        for (int k : job.tokens)
            out.maps.emplace_back(k, job.captioner->relevancy(job.caption, k).patches);
    } catch (const std::exception& e) {
        out.error = modelError(job.folder, e);
    }
    return out;
}

} // namespace loupe::views
