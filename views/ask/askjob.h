// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/asker.h"
#include "views/text/decodingform.h"
#include "views/text/generatedtext.h"

#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace loupe::views {

// One question of the Ask panel, made to run on a worker thread: it opens the VQA model (unless the
// panel's open one fits), answers with traces, and reports the answer as it grows.
struct AskJob
{
    QString folder;
    QString image;
    QString question;
    DecodingChoices decoding;
    compute::EngineOptions engine;      // the backend and precision chosen for the model; others reopen it
    std::shared_ptr<core::Asker> asker; // the panel's open model, if any
    QString askerKey;                   // folder + settings + engine options it was opened with
    int64_t traceTop = 5;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void(const QString& textSoFar)> onText; // on the worker thread
};

struct AskOutcome
{
    QString question;
    GeneratedText answer;
    core::Answer raw;                   // what the asker returned, for relevancy
    QString error;                      // names the model folder or the image and the problem
    compute::ExecutionRecord execution; // what ran the answer (backend, device, precision)
    std::shared_ptr<core::Asker> asker;
    QString askerKey;
};

AskOutcome runAskJob(AskJob job);

// The gradient-weighted relevancy of some answer tokens (a forward and backward pass each).
struct AnswerRelevancyJob
{
    std::shared_ptr<core::Asker> asker;
    core::Answer answer;
    QString folder;
    std::vector<int> tokens;
    int turn = -1;
};

struct AnswerRelevancyOutcome
{
    std::vector<std::pair<int, std::vector<float>>> maps; // (token, grid x grid)
    QString error;
    int turn = -1;
};

AnswerRelevancyOutcome runAnswerRelevancyJob(AnswerRelevancyJob job);

} // namespace loupe::views
