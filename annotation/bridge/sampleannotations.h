// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {
class Project;
struct SampleContent;
} // namespace loupe::core

namespace loupe::annotation {

// Gives the sample project its shapes so every feature has something to show: the generator's polygons
// (content.annotationsPath) for every object but rings, whose exact masks come from content.masksPath.
// Shapes on the "val" images stand in for a model's proposals (source model, a fixed pseudo-random
// score, review "new"); the others are accepted. One undoable step. Does nothing and returns 0 when the
// project already has shapes, so it never duplicates them. Returns the number of shapes added, or -1
// and *error naming the file and the problem; on failure the project is unchanged.
int addSampleAnnotations(core::Project& project, const core::SampleContent& content, QString* error);

// The sample project FOLDER/sample.loupe, ready on first open: created when missing
// (core::createSampleProject), and brought up to date when it has no shapes (as made by versions that
// stored only the label names): the sample files are written again and addSampleAnnotations runs.
// Returns the project's path, or an empty string and *error.
QString prepareSampleProject(const QString& folder, QString* error);

} // namespace loupe::annotation
