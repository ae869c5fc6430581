// SPDX-License-Identifier: MIT
// Runs the real `loupe` binary under the X server (xvfb-run in the test command), lets it save a
// screenshot of its window, and checks the PNG: once with no project, once on the sample project that
// `loupe --sample` creates on first run (browser with thumbnails, first image on the canvas). The PNGs
// are kept under artifactDir() for people to look at.
#include "common/testsupport.h"
#include "core/store/project.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

class TestScreenshot : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    // Runs loupe with `args`; returns the screenshot it saved (null on failure, with a message).
    QImage runApp(const QStringList& args, const QString& name, const QString& theme, int* exitCode = nullptr)
    {
        const QString png = QDir(loupe::test::artifactDir()).filePath(name);
        QFile::remove(png);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("LOUPE_SCREENSHOT"), png);
        env.insert(QStringLiteral("LOUPE_SCREENSHOT_TIMEOUT"), QStringLiteral("40"));
        env.insert(QStringLiteral("LOUPE_THEME"), theme);
        // Private settings: a user's saved layout or recent list must not change what we see.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedChannels);
        app.start(QStringLiteral(LOUPE_EXE), args);
        if (!app.waitForStarted(10000)) {
            qWarning() << app.errorString();
            return {};
        }
        if (!app.waitForFinished(60000)) {
            app.kill();
            qWarning() << "loupe did not quit after the screenshot";
            return {};
        }
        if (exitCode) *exitCode = app.exitCode();
        if (app.exitStatus() != QProcess::NormalExit || app.exitCode() != 0) {
            qWarning() << "loupe exited with" << app.exitCode(); // 3: nothing appeared in time
            return {};
        }
        qInfo().noquote() << "screenshot:" << png;
        return QImage(png);
    }

    static int distinctColours(const QImage& shot)
    {
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 2)
            for (int x = 0; x < shot.width(); x += 2)
                colours.insert(shot.pixel(x, y));
        return int(colours.size());
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("DISPLAY").isEmpty())
            QSKIP("No X server (DISPLAY is empty): run through scripts/test.sh, which uses xvfb-run.");
        QVERIFY(m_dir.isValid());
    }

    void windowWithoutProject()
    {
        const QImage shot = runApp({}, QStringLiteral("loupe_screenshot_empty.png"), QStringLiteral("dark"));
        QVERIFY(!shot.isNull());
        QVERIFY2(shot.width() >= 800 && shot.height() >= 500,
                 qPrintable(QStringLiteral("%1x%2").arg(shot.width()).arg(shot.height())));
        // Menus, docks and the hint text: far from a blank window.
        QVERIFY2(distinctColours(shot) > 20, qPrintable(QString::number(distinctColours(shot))));
        // The dark theme is applied: the window background is dark.
        QVERIFY(qGray(shot.pixel(shot.width() / 2, shot.height() - 40)) < 90);
    }

    void sampleProjectOnFirstRun()
    {
        // The private XDG_DATA_HOME has no sample yet: --sample creates it, opens it, and the
        // screenshot is taken once the first image is on the canvas (exit code 3 if none appears).
        const QString dataHome = m_dir.filePath(QStringLiteral("data"));
        QDir(dataHome).removeRecursively();
        int exitCode = -1;
        const QImage shot =
            runApp({QStringLiteral("--sample")}, QStringLiteral("loupe_screenshot_sample.png"),
                   QStringLiteral("dark"), &exitCode);
        QVERIFY2(!shot.isNull(), qPrintable(QStringLiteral("exit code %1").arg(exitCode)));
        QCOMPARE(exitCode, 0);
        QStringList projects;
        QDirIterator it(dataHome, {QStringLiteral("sample.loupe")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            projects << it.next();
        QCOMPARE(projects.size(), 1);
        const QDir sampleDir = QFileInfo(projects.first()).absoluteDir();
        QCOMPARE(QDir(sampleDir.filePath(QStringLiteral("images"))).entryList(QDir::Files).size(), 12);
        // Thumbnails and a shapes image: many more colours than the empty window.
        QVERIFY2(distinctColours(shot) > 200, qPrintable(QString::number(distinctColours(shot))));
        {
            // The sample is a real project: 12 assets, six labels, and the thumbnails the browser
            // showed are cached in it for the next opening.
            QString error;
            std::unique_ptr<loupe::core::Project> project =
                loupe::core::Project::open(projects.first(), &error);
            QVERIFY2(project, qPrintable(error));
            QCOMPARE(project->info().assets, qint64(12));
            QCOMPARE(project->info().labels, qint64(6));
            QVERIFY(project->assetsWithoutThumbnail(100).size() < 12);
        }

        // The second run reuses the project (no second file, nothing recreated).
        const QDateTime created = QFileInfo(projects.first()).birthTime();
        const QImage again =
            runApp({QStringLiteral("--sample")}, QStringLiteral("loupe_screenshot_sample_again.png"),
                   QStringLiteral("light"), &exitCode);
        QVERIFY2(!again.isNull(), qPrintable(QStringLiteral("exit code %1").arg(exitCode)));
        QCOMPARE(exitCode, 0);
        QVERIFY(QFileInfo::exists(projects.first()));
        if (created.isValid()) QCOMPARE(QFileInfo(projects.first()).birthTime(), created);
    }

    // A file manager passes the project's name as it is on disk: "SCAN.LOUPE" opens like "scan.loupe"
    // (the MIME type matches either case) instead of being taken for a command.
    void projectWithUpperCaseExtension()
    {
        QDirIterator it(m_dir.filePath(QStringLiteral("data")), {QStringLiteral("sample.loupe")}, QDir::Files,
                        QDirIterator::Subdirectories);
        if (!it.hasNext()) QSKIP("needs the sample project sampleProjectOnFirstRun created");
        const QString sample = it.next();
        const QString upper = QFileInfo(sample).absoluteDir().filePath(QStringLiteral("COPY.LOUPE"));
        QFile::remove(upper);
        QVERIFY(QFile::copy(sample, upper));
        int exitCode = -1;
        const QImage shot =
            runApp({upper}, QStringLiteral("loupe_screenshot_upper_case.png"), QStringLiteral("dark"), &exitCode);
        QVERIFY2(!shot.isNull(), qPrintable(QStringLiteral("exit code %1").arg(exitCode)));
        QVERIFY2(distinctColours(shot) > 200, qPrintable(QString::number(distinctColours(shot))));
    }
};

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
