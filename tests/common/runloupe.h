// SPDX-License-Identifier: MIT
#pragma once

// Runs the built `loupe` executable (LOUPE_EXE, defined for tests/app targets) and collects what it
// printed. Header-only because only app tests know where the executable is.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace loupe::test {

struct LoupeRun
{
    int code = -1; // -1: crashed or did not finish in time
    QString out, err;
};

#ifdef LOUPE_EXE
inline LoupeRun runLoupe(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(QStringLiteral(LOUPE_EXE), args);
    const bool finished = p.waitForFinished(timeoutMs);
    if (!finished) p.kill();
    return {finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
#endif

} // namespace loupe::test
