// SPDX-License-Identifier: MIT
// Two `loupe import` at once on one project, and `loupe project info` in a loop beside them: nobody
// calls the project damaged or locked, both imports finish, and every image ends up in it once.
#include "core/store/project.h"

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <sqlite3.h>
#include <thread>

namespace {

constexpr int kImages = 3000;

QString resultText(QProcess& p)
{
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
}

bool soundsDamaged(const QString& text)
{
    for (const char* word : {"damaged", "truncated", "integrity check", "database is locked", "malformed"})
        if (text.contains(QLatin1String(word))) return true;
    return false;
}

} // namespace

class TestConcurrent : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // Two overlapping folders: images 0..1999 and 1000..2999, so both imports meet the same content.
        QDir root(m_tmp.path());
        QVERIFY(root.mkpath(QStringLiteral("a")) && root.mkpath(QStringLiteral("b")));
        for (int i = 0; i < kImages; ++i) {
            QImage img(8, 8, QImage::Format_RGB32);
            img.fill(QColor::fromRgb(i % 256, (i / 256) % 256, 77));
            img.setPixel(0, 0, qRgb(i % 7, i % 11, i % 13));
            const QString name = QStringLiteral("img%1.png").arg(i, 4, 10, QLatin1Char('0'));
            if (i < 2000) QVERIFY(img.save(root.filePath(QStringLiteral("a/") + name)));
            if (i >= 1000) QVERIFY(img.save(root.filePath(QStringLiteral("b/") + name)));
        }
    }

    // A writer that keeps the lock: `project info` says it is waiting, then that the file is busy; it
    // never calls the project damaged.
    void infoWhileLockedSaysBusy()
    {
        const QString project = m_tmp.filePath(QStringLiteral("locked.loupe"));
        QString error;
        QVERIFY2(loupe::core::Project::create(project, &error), qPrintable(error));
        sqlite3* holder = nullptr;
        QCOMPARE(sqlite3_open(project.toUtf8().constData(), &holder), SQLITE_OK);
        QCOMPARE(sqlite3_exec(holder,
                              "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                              "UPDATE undo_state SET recording = 0;",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        QProcess info;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LOUPE_BUSY_TIMEOUT_MS"), QStringLiteral("1500"));
        info.setProcessEnvironment(env);
        info.start(QStringLiteral(LOUPE_EXE), {QStringLiteral("project"), QStringLiteral("info"), project});
        QVERIFY(info.waitForFinished(60000));
        sqlite3_close(holder);
        const QString err = QString::fromUtf8(info.readAllStandardError());
        QCOMPARE(info.exitCode(), 1);
        QVERIFY2(err.contains(QStringLiteral(
                                  "loupe project info: busy, waiting for %1 (another process is writing)...")
                                  .arg(project)),
                 qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("%1: busy (another process").arg(project)), qPrintable(err));
        QVERIFY2(!soundsDamaged(err), qPrintable(err));
    }

    void twoImportsAndInfoLoop_data()
    {
        QTest::addColumn<int>("round");
        for (int round = 1; round <= 8; ++round)
            QTest::addRow("round %d", round) << round;
    }

    void twoImportsAndInfoLoop()
    {
        QFETCH(int, round);
        const QString project = m_tmp.filePath(QStringLiteral("shared%1.loupe").arg(round));
        QString error;
        QVERIFY2(loupe::core::Project::create(project, &error), qPrintable(error));

        QProcess importA, importB;
        importA.start(QStringLiteral(LOUPE_EXE),
                      {QStringLiteral("import"), project, m_tmp.filePath(QStringLiteral("a"))});
        importB.start(QStringLiteral(LOUPE_EXE),
                      {QStringLiteral("import"), project, m_tmp.filePath(QStringLiteral("b"))});
        QVERIFY(importA.waitForStarted() && importB.waitForStarted());
        // `loupe project info` runs back to back. Between its starts this process opens and checks the
        // project the same way (Project::open, quick_check), many times a second, while a thread copies
        // the WAL into the main file as often as it can (as the app does when it closes a project), so
        // checkpoints run while the others read.
        std::atomic<bool> importing{true};
        std::atomic<int> checkpoints{0};
        std::thread checkpointer([&] {
            loupe::core::Database db;
            db.open(project, SQLITE_OPEN_READWRITE);
            while (importing.load()) {
                if (db.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"))) ++checkpoints;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
        auto stopCheckpointer = qScopeGuard([&] {
            importing = false;
            checkpointer.join();
        });
        int infos = 0, opens = 0;
        QProcess info;
        bool infoStarted = false;
        auto infoProblem = [&]() -> QString {
            if (!infoStarted) return {};
            infoStarted = false;
            ++infos;
            const QString text = resultText(info);
            const bool ok = info.exitStatus() == QProcess::NormalExit && info.exitCode() == 0;
            return ok && !soundsDamaged(text) ? QString() : QStringLiteral("project info: ") + text;
        };
        while (importA.state() != QProcess::NotRunning || importB.state() != QProcess::NotRunning) {
            if (info.state() == QProcess::NotRunning) {
                const QString problem = infoProblem();
                QVERIFY2(problem.isEmpty(), qPrintable(problem));
                info.start(QStringLiteral(LOUPE_EXE),
                           {QStringLiteral("project"), QStringLiteral("info"), project});
                infoStarted = true;
            }
            auto p = loupe::core::Project::open(project, &error);
            QVERIFY2(p, qPrintable(error));
            const QString integrity = p->info().integrity;
            QVERIFY2(integrity == QLatin1String("ok"), qPrintable(integrity));
            ++opens;
            p.reset();
            QCoreApplication::processEvents(); // lets QProcess notice the exits
        }
        stopCheckpointer.dismiss();
        importing = false;
        checkpointer.join();
        if (info.state() != QProcess::NotRunning) QVERIFY(info.waitForFinished(60000));
        const QString problem = infoProblem();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (QProcess* import : {&importA, &importB}) {
            const QString text = resultText(*import);
            QVERIFY2(!soundsDamaged(text), qPrintable(text));
            QVERIFY2(import->exitStatus() == QProcess::NormalExit && import->exitCode() == 0,
                     qPrintable(text));
            QVERIFY2(text.contains(QLatin1String("failed 0")), qPrintable(text));
        }
        qInfo("%d project info runs, %d opens and %d checkpoints during the imports", infos, opens,
              checkpoints.load());
        auto p = loupe::core::Project::open(project, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->countAssets({}), qint64(kImages));
        QCOMPARE(p->info().integrity, QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestConcurrent)
#include "tst_concurrent.moc"
