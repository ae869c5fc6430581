// SPDX-License-Identifier: MIT
#include "common/testsupport.h"

#include <QDir>

namespace loupe::test {

QString goldenDir(const QString& caseName)
{
    return QStringLiteral(LOUPE_GOLDEN_DIR "/") + caseName;
}

QString artifactDir()
{
    QString dir = qEnvironmentVariable("LOUPE_TEST_OUTPUT");
    if (dir.isEmpty())
        dir = QStringLiteral(LOUPE_BINARY_DIR "/test-artifacts");
    QDir().mkpath(dir);
    return dir;
}

} // namespace loupe::test
