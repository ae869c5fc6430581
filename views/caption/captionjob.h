// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/captioner.h"
#include "views/text/decodingform.h"
#include "views/text/generatedtext.h"

#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace loupe::views {

// One Generate or branch run of the Caption panel, made to run on a worker thread: it opens the model
// (unless the panel's open one fits), decodes with traces, and reports the text as it grows.
struct CaptionJob
{
    QString folder;
    QString image;
    QString prompt;
    DecodingChoices decoding;      // over the checkpoint's settings; other choices reopen the model
    compute::EngineOptions engine; // the backend and precision chosen for the model; others reopen it
    std::shared_ptr<core::Captioner> captioner; // the panel's open model, if any
    QString captionerKey;                       // folder + settings + engine options it was opened with
    int64_t traceTop = 5;
    // Branch: regenerate `parent` from new token `branchStep` with `branchToken` there (-1: a fresh caption).
    int branchStep = -1;
    int64_t branchToken = -1;
    core::Caption parent;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void(const QString& textSoFar)> onText; // on the worker thread
};

struct CaptionOutcome
{
    GeneratedText text;
    core::Caption caption;              // what the captioner returned, for relevancy and further branches
    QString error;                      // names the model folder or image and the problem
    compute::ExecutionRecord execution; // what ran the decoding (backend, device, precision)
    std::shared_ptr<core::Captioner> captioner;
    QString captionerKey;
    int branchStep = -1;
    int64_t branchToken = -1;
};

CaptionOutcome runCaptionJob(CaptionJob job);

// The gradient-weighted relevancy of some generated tokens of a caption (a forward and backward pass
// each, so never on the GUI thread).
struct RelevancyJob
{
    std::shared_ptr<core::Captioner> captioner;
    core::Caption caption;
    QString folder;
    std::vector<int> tokens;
    int variant = -1;
};

struct RelevancyOutcome
{
    std::vector<std::pair<int, std::vector<float>>> maps; // (token, grid x grid)
    QString error;
    int variant = -1;
};

RelevancyOutcome runRelevancyJob(RelevancyJob job);

} // namespace loupe::views
