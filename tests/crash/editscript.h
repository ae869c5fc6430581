// SPDX-License-Identifier: MIT
#pragma once

// The scripted annotation edits that crash_editor performs and tst_crash checks after each SIGKILL.
// Step n's choice depends only on (seed, n) and the shapes present, so a run resumed at step n after
// a kill continues the same script.

#include <QByteArray>
#include <QString>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {
class ProjectAnnotations;
} // namespace loupe::annotation

namespace loupe::crashtest {

// What a step does to the undo stack, so the checker can tell where a step cut short would have left it.
enum class StepKind { Push, Undo, Redo };

QString stepKindName(StepKind kind);

struct ScriptTargets
{
    qint64 image = 0;
    qint64 labels[2] = {0, 0};
};

// The first image and the first two labels of the project.
ScriptTargets scriptTargets(core::Project& project);

// Step `step`: what it will do to the stack, then doing it through the editor's undo stack (every push,
// undo and redo commits through the project-backed store and history).
StepKind chooseStep(annotation::ProjectAnnotations& pa, quint32 seed, int step);
void performStep(annotation::ProjectAnnotations& pa, const ScriptTargets& targets, quint32 seed, int step,
                 StepKind kind);

// A hash of every annotation row (timestamps aside: a redo stamps a new `updated`), read straight from
// SQLite.
QByteArray annotationDigest(core::Project& project);

} // namespace loupe::crashtest
