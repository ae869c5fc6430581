// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe {

// Where `loupe --sample` keeps its project: <AppDataLocation>/sample/sample.loupe.
QString sampleProjectPath();
// Returns the sample project's path, creating it (a dozen generated shapes images) on first use;
// an empty string and *error when that fails.
QString ensureSampleProject(QString* error);

} // namespace loupe
