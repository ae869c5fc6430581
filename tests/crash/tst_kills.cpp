// SPDX-License-Identifier: MIT
// SIGKILL at unlucky moments: while SQLite copies the WAL into the main file, and at random points of
// 200 scripted annotation edits. After every kill the project must open (never "damaged"), hold every
// committed edit, and keep an undo history that matches its rows.
#include "annotation/bridge/projectannotations.h"
#include "core/store/project.h"
#include "editscript.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace loupe;

namespace {

constexpr quint32 kSeed = 20240611;
constexpr int kSteps = 200;
constexpr int kCheckpointKills = 14;

// The last "done" line the editor printed, and the "next" line after it when the kill came mid-step.
struct Progress
{
    int step = 0;
    int count = 0;
    int index = 0;
    QByteArray digest;
    QString pendingKind; // empty: the kill came between steps
};

void readProgress(const QByteArray& out, Progress* p)
{
    p->pendingKind.clear();
    for (const QByteArray& raw : out.split('\n')) {
        const QList<QByteArray> f = raw.trimmed().split(' ');
        if (f.value(0) == "next" && f.size() == 3) {
            p->pendingKind = QString::fromLatin1(f[2]);
        } else if (f.value(0) == "done" && f.size() == 5) {
            p->step = f[1].toInt();
            p->count = f[2].toInt();
            p->index = f[3].toInt();
            p->digest = f[4];
            p->pendingKind.clear();
        }
    }
}

bool headerPromisesMoreThanTheFileHas(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QByteArray h = f.read(100);
    if (h.size() < 100) return false;
    const quint32 pages = (quint32(quint8(h[28])) << 24) | (quint32(quint8(h[29])) << 16) |
                          (quint32(quint8(h[30])) << 8) | quint32(quint8(h[31]));
    const quint32 pageSize = (quint32(quint8(h[16])) << 8) | quint32(quint8(h[17]));
    return qint64(pages) * pageSize > f.size();
}

} // namespace

class TestKills : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    // Runs crash_editor and SIGKILLs it: `delayUs` microseconds after it printed a line starting with
    // `startWord`, or never (it kills itself, or finishes). Returns everything it printed.
    QByteArray runAndKill(const QStringList& args, const QByteArray& startWord, int delayUs, int* exitCode)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(QStringLiteral(CRASH_EDITOR), args);
        QByteArray out;
        if (delayUs >= 0) {
            while (!out.contains(startWord) && p.waitForReadyRead(20000))
                out += p.readAllStandardOutput();
            QThread::usleep(quint64(delayUs));
            p.kill();
        }
        p.waitForFinished(60000);
        out += p.readAllStandardOutput();
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return out;
    }

    // One image, labels cat and dog, an empty undo history.
    bool makeEditsProject(const QString& file, QString* error)
    {
        auto p = core::Project::create(file, error);
        if (!p) return false;
        core::AssetRecord image;
        image.absolutePath = m_tmp.filePath(QStringLiteral("image.png"));
        image.sha256Hex = QStringLiteral("00");
        image.width = 100;
        image.height = 80;
        return p->addAssets({image}, error) &&
               p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}, error) &&
               p->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1}, error) &&
               p->db().exec(QStringLiteral("DELETE FROM undo_log; DELETE FROM undo_actions;"));
    }

    // Kills the editor right after the first commit of step 1 (adding a shape) and reports what the
    // project then holds: shape rows and undo steps.
    QPair<qint64, int> afterFirstCommit(const QString& file)
    {
        QString error;
        if (!makeEditsProject(file, &error)) return {-1, -1};
        const QStringList args{QStringLiteral("edits"), file,
                               QString::number(kSeed),  QStringLiteral("1"),
                               QStringLiteral("1"),     QStringLiteral("1")};
        int code = 0;
        const QByteArray out = runAndKill(args, {}, -1, &code);
        if (code != -1 || !out.contains("next 1 push") || out.contains("done 1")) return {-2, -2};
        auto p = core::Project::open(file, &error);
        if (!p) return {-3, -3};
        annotation::ProjectAnnotations pa(*p);
        core::Statement n = p->db().prepare(QStringLiteral("SELECT COUNT(*) FROM annotations"));
        return {n.step() ? n.columnInt64(0) : -4, pa.undoStack()->count()};
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // An edit and its undo step must be one commit: a kill between them leaves a shape that Edit > Undo
    // cannot take back.
    void stepIsOneCommit()
    {
        // The first commit of step 1 (adding a shape) holds the shape and its undo step, nothing less.
        const auto first = afterFirstCommit(m_tmp.filePath(QStringLiteral("first.loupe")));
        QCOMPARE(first, qMakePair(qint64(1), 1));
    }

    void killedDuringCheckpoint()
    {
        const QString file = m_tmp.filePath(QStringLiteral("checkpoint.loupe"));
        QString error;
        QVERIFY2(core::Project::create(file, &error), qPrintable(error));
        QRandomGenerator rng(kSeed);
        int caughtMidCopy = 0;
        for (int round = 0; round < kCheckpointKills; ++round) {
            int code = 0;
            const QByteArray out = runAndKill(
                {QStringLiteral("checkpoint"), file, QString::number(round), QStringLiteral("15000")},
                "checkpointing", rng.bounded(9000), &code);
            const int rows = out.mid(out.indexOf("checkpointing ") + 14).split('\n').value(0).toInt();
            QVERIFY2(rows > 0, out.constData());
            if (headerPromisesMoreThanTheFileHas(file)) ++caughtMidCopy;
            auto p = core::Project::open(file, &error);
            QVERIFY2(p, qPrintable(error));
            QCOMPARE(p->countAssets({}), qint64(rows)); // every committed batch is there
            QCOMPARE(p->info().integrity, QStringLiteral("ok"));
        }
        qInfo("%d of %d kills left the main file shorter than its header (mid-copy)", caughtMidCopy,
              kCheckpointKills);
    }

    void killedDuringScriptedEdits()
    {
        const QString file = m_tmp.filePath(QStringLiteral("edits.loupe"));
        QString error;
        QVERIFY2(makeEditsProject(file, &error), qPrintable(error));
        Progress done;
        {
            auto p = core::Project::open(file, &error);
            done.digest = crashtest::annotationDigest(*p);
        }
        QRandomGenerator rng(kSeed);
        int kills = 0, unreported = 0;
        while (done.step < kSteps) {
            QStringList args{QStringLiteral("edits"), file, QString::number(kSeed),
                             QString::number(done.step + 1), QString::number(kSteps)};
            // Half the kills come after a chosen SQLite commit (every gap between two transactions of a
            // step gets its turn), half at a moment in time (inside a transaction, mid-checkpoint).
            const bool byCommit = rng.bounded(2) == 0;
            if (byCommit) args << QString::number(1 + rng.bounded(10));
            int code = 0;
            const QByteArray out = runAndKill(args, "ready", byCommit ? -1 : rng.bounded(10000), &code);
            readProgress(out, &done);
            if (code == 0 && done.step == kSteps) break;
            ++kills;

            auto p = core::Project::open(file, &error);
            QVERIFY2(p, qPrintable(error));
            annotation::ProjectAnnotations pa(*p);
            QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
            QUndoStack* stack = pa.undoStack();
            const QByteArray digest = crashtest::annotationDigest(*p);
            const bool atLastDone =
                stack->count() == done.count && stack->index() == done.index && digest == done.digest;
            if (!atLastDone) {
                // The kill came after step done.step+1 committed but before it said so: the stack must be
                // where that step leaves it, and stepping back must give exactly the rows of the last
                // step reported.
                const QString kind = done.pendingKind;
                QVERIFY2(!kind.isEmpty(),
                         qPrintable(QStringLiteral("after step %1 (kill %2) the rows or the "
                                                   "undo history changed with no step running")
                                        .arg(done.step)
                                        .arg(kills)));
                const int count = kind == QLatin1String("push") ? done.index + 1 : done.count;
                const int index = kind == QLatin1String("undo") ? done.index - 1 : done.index + 1;
                const QString where = QStringLiteral("kill %1 during step %2 (%3): stack %4/%5, rows %6; "
                                                     "before the step: stack %7/%8, rows %9")
                                          .arg(kills)
                                          .arg(done.step + 1)
                                          .arg(kind)
                                          .arg(stack->index())
                                          .arg(stack->count())
                                          .arg(QString::fromLatin1(digest))
                                          .arg(done.index)
                                          .arg(done.count)
                                          .arg(QString::fromLatin1(done.digest));
                QVERIFY2(stack->count() == count && stack->index() == index, qPrintable(where));
                if (kind == QLatin1String("undo"))
                    stack->redo();
                else
                    stack->undo();
                QVERIFY2(crashtest::annotationDigest(*p) == done.digest, qPrintable(where));
                if (kind == QLatin1String("undo"))
                    stack->undo();
                else
                    stack->redo();
                QCOMPARE(crashtest::annotationDigest(*p), digest);
                ++unreported;
                done.step += 1;
                done.count = stack->count();
                done.index = stack->index();
                done.digest = digest;
            }
        }
        QCOMPARE(done.step, kSteps);
        qInfo(
            "%d kills during %d scripted edits, %d of them after a step committed and before it was reported",
            kills, kSteps, unreported);

        // The whole history still undoes to the empty start and redoes to the last state.
        auto p = core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        annotation::ProjectAnnotations pa(*p);
        QVERIFY2(pa.openWarning().isEmpty(), qPrintable(pa.openWarning()));
        QCOMPARE(pa.undoStack()->count(), done.count);
        QCOMPARE(pa.undoStack()->index(), done.index);
        QCOMPARE(crashtest::annotationDigest(*p), done.digest);
        pa.undoStack()->setIndex(0);
        core::Statement n = p->db().prepare(QStringLiteral("SELECT COUNT(*) FROM annotations"));
        QVERIFY(n.step());
        QCOMPARE(n.columnInt64(0), qint64(0));
        pa.undoStack()->setIndex(done.index);
        QCOMPARE(crashtest::annotationDigest(*p), done.digest);
    }
};

QTEST_GUILESS_MAIN(TestKills)
#include "tst_kills.moc"
