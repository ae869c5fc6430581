// SPDX-License-Identifier: MIT
// The process tst_crash kills. Every line it prints is flushed at once, so what the parent read before
// the SIGKILL is exactly what had happened.
//
//   crash_editor edits PROJECT SEED FIRST LAST [KILL_AT_COMMIT]
//     runs steps FIRST..LAST of the scripted edits (editscript.h): "next N KIND" before step N and
//     "done N COUNT INDEX DIGEST" once it returned (undo stack count and index, annotationDigest).
//     With KILL_AT_COMMIT it SIGKILLs itself right after its KILL_AT_COMMIT-th SQLite commit. Each
//     step's commits are ProjectAnnotations' own, exactly as in the app.
//   crash_editor checkpoint PROJECT SEED ROWS
//     adds ROWS assets with checkpoints off (a large WAL), prints "checkpointing TOTAL" and copies the
//     WAL into the main file (wal_checkpoint(TRUNCATE)), the moment the parent kills it in.
//   crash_editor open PROJECT
//     opens the project and closes it, printing "assets N".
#include "annotation/bridge/projectannotations.h"
#include "core/store/project.h"
#include "editscript.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <csignal>
#include <cstdio>
#include <sqlite3.h>

using namespace loupe;

namespace {

void say(const QString& line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

int fail(const QString& message)
{
    std::fprintf(stderr, "crash_editor: %s\n", qPrintable(message));
    return 1;
}

struct CommitKiller
{
    int commits = 0;
    int killAt = 0;
    static int onCommit(void* self, sqlite3* db, const char* name, int frames)
    {
        auto* k = static_cast<CommitKiller*>(self);
        if (++k->commits == k->killAt) std::raise(SIGKILL);
        // This hook replaces SQLite's auto-checkpoint; keep checkpointing as it would.
        if (frames >= 1000) sqlite3_wal_checkpoint(db, name);
        return SQLITE_OK;
    }
};

int edits(const QStringList& args)
{
    if (args.size() < 4) return fail(QStringLiteral("edits PROJECT SEED FIRST LAST [KILL_AT_COMMIT]"));
    QString error;
    auto project = core::Project::open(args[0], &error);
    if (!project) return fail(error);
    const quint32 seed = args[1].toUInt();
    const int first = args[2].toInt(), last = args[3].toInt();
    CommitKiller killer;
    killer.killAt = args.size() > 4 ? args[4].toInt() : 0;
    annotation::ProjectAnnotations pa(*project);
    if (!pa.openWarning().isEmpty()) return fail(pa.openWarning());
    const crashtest::ScriptTargets targets = crashtest::scriptTargets(*project);
    // Counted from the first step on, so the same number hits the same write whatever opening wrote.
    if (killer.killAt > 0) sqlite3_wal_hook(project->db().handle(), &CommitKiller::onCommit, &killer);
    say(QStringLiteral("ready"));
    for (int step = first; step <= last; ++step) {
        const crashtest::StepKind kind = crashtest::chooseStep(pa, seed, step);
        say(QStringLiteral("next %1 %2").arg(step).arg(crashtest::stepKindName(kind)));
        crashtest::performStep(pa, targets, seed, step, kind);
        say(QStringLiteral("done %1 %2 %3 %4")
                .arg(step)
                .arg(pa.undoStack()->count())
                .arg(pa.undoStack()->index())
                .arg(QString::fromLatin1(crashtest::annotationDigest(*project))));
    }
    return 0;
}

int checkpoint(const QStringList& args)
{
    if (args.size() < 3) return fail(QStringLiteral("checkpoint PROJECT SEED ROWS"));
    QString error;
    auto project = core::Project::open(args[0], &error);
    if (!project) return fail(error);
    const QString seed = args[1];
    const int rows = args[2].toInt();
    project->db().exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0"));
    for (int start = 0; start < rows; start += 1000) {
        QVector<core::AssetRecord> batch;
        for (int i = start; i < std::min(rows, start + 1000); ++i) {
            core::AssetRecord r;
            r.absolutePath = QStringLiteral("/images/%1/%2.png").arg(seed).arg(i);
            r.sha256Hex = QStringLiteral("%1-%2").arg(seed).arg(i);
            r.width = 64;
            r.height = 48;
            r.format = QStringLiteral("png");
            batch << r;
        }
        if (!project->addAssets(batch, &error)) return fail(error);
    }
    // Without fsyncs the copy itself fills the checkpoint's time, so a kill at a random moment mostly
    // lands in it (a SIGKILL, unlike a power cut, loses nothing the kernel was given).
    project->db().exec(QStringLiteral("PRAGMA synchronous = OFF"));
    say(QStringLiteral("checkpointing %1").arg(project->countAssets({})));
    QElapsedTimer copying;
    copying.start();
    if (!project->db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")))
        return fail(project->db().lastError());
    say(QStringLiteral("checkpointed in %1 ms").arg(copying.elapsed()));
    return 0;
}

} // namespace

// What every short-lived command does (`loupe project info`): open the project, then close it. The last
// connection to close copies the WAL into the main file and deletes it.
int openAndClose(const QStringList& args)
{
    QString error;
    auto project = core::Project::open(args.value(0), &error);
    if (!project) return fail(error);
    say(QStringLiteral("assets %1").arg(project->countAssets({})));
    return 0;
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("edits")) return edits(args.mid(1));
    if (args.value(0) == QLatin1String("checkpoint")) return checkpoint(args.mid(1));
    if (args.value(0) == QLatin1String("open")) return openAndClose(args.mid(1));
    return fail(QStringLiteral("usage: crash_editor edits|checkpoint|open ..."));
}
