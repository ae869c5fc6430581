// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// Which checkpoints each text panel can run (config.json's architectures).
QStringList captionArchitectures();  // VisionEncoderDecoderModel, BlipForConditionalGeneration
QStringList questionArchitectures(); // BlipForQuestionAnswering
QStringList matchArchitectures();    // CLIPModel

// True when the folder's config.json names one of `architectures`. The Models dock's selection goes to
// every panel; a panel keeps its model when the selection is one it cannot run (a classifier picked for
// Explain must not turn the Caption panel into an error).
bool folderRuns(const QString& folder, const QStringList& architectures);
// The first model the project registered whose config.json names one of `architectures` (absolute
// folder), or empty: what a panel starts with when a project opens, so the sample's captioner, VQA model
// and CLIP work at once.
QString firstProjectModel(const core::Project* project, const QStringList& architectures);

} // namespace loupe::views
