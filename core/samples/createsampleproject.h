// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {

// Makes the out-of-the-box sample project in `folder`: the dozen shapes images (writeSampleContent),
// a project file FOLDER/sample.loupe holding them (9 in "train", 3 in "val"), the six shape labels
// with colours and hotkeys 1-6, and the shipped checkpoints registered when found: shapes-vit, the text
// models (kSampleTextModels) and the SAM (kSampleSegmentModel).
// Returns the project's path, or an empty string and *error naming the file and the problem.
// An existing FOLDER/sample.loupe is refused, never overwritten. The project holds no shapes yet: the
// formats that read annotations.json live above core, so annotation::prepareSampleProject adds them.
QString createSampleProject(const QString& folder, QString* error);

} // namespace loupe::core
