// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::test {

// Folder of a golden case copied from ../shared/golden (tests/data/golden/NAME).
QString goldenDir(const QString& caseName);
// Where tests write artifacts people look at (screenshots): $LOUPE_TEST_OUTPUT or the build dir.
QString artifactDir();

} // namespace loupe::test
