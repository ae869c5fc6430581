// SPDX-License-Identifier: MIT
#include "annotation/propagation/propagationruns.h"

#include "core/inference/execution.h"
#include "core/models/checkpoint_hash.h"
#include "core/store/project.h"
#include "core/store/records.h"

#include <QDateTime>
#include <QFileInfo>
#include <map>

namespace loupe::annotation {

bool recordPropagationRuns(core::Project& project, std::vector<Shape>& shapes, const PropagationRunInfo& info,
                           QString* error)
{
    if (shapes.empty()) return true;
    core::RunRecord run;
    run.kind = info.kind;
    run.parameters = info.parameters;
    if (info.execution)
        core::applyExecution(run, *info.execution);
    else
        run.backend = QStringLiteral("cpu");
    run.durationMs = info.durationMs;
    run.when = QDateTime::currentDateTimeUtc();
    if (!info.modelFolder.isEmpty()) {
        run.modelPath = QFileInfo(info.modelFolder).absoluteFilePath();
        run.checkpointHash = core::checkpointHash(run.modelPath, error);
        if (run.checkpointHash.isEmpty()) return false;
    }
    std::map<qint64, qint64> runOfFrame;
    for (Shape& s : shapes) {
        auto it = runOfFrame.find(s.imageId);
        if (it == runOfFrame.end()) {
            run.assetId = s.imageId;
            const std::optional<qint64> id = project.addRun(run, error);
            if (!id) return false;
            it = runOfFrame.emplace(s.imageId, *id).first;
        }
        s.runId = it->second;
    }
    return true;
}

} // namespace loupe::annotation
