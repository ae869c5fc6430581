// SPDX-License-Identifier: MIT
// The real `loupe --sample` under the X server with the Explain dock in front: the app runs the shipped
// shapes ViT in the background, draws the rollout map over the first image, and saves a screenshot
// (kept under artifactDir() to look at). The canvas part of the grab must show the heat map's colours
// (viridis over the image), not the bare image.
#include "common/testsupport.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestScreenshotExplain : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private:
    // Runs `loupe --sample` until its screenshot; returns the PNG and the app's stderr.
    QImage runApp(bool explain, const QString& name, QString* err)
    {
        const QString png = QDir(loupe::test::artifactDir()).filePath(name);
        QFile::remove(png);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("LOUPE_SCREENSHOT"), png);
        if (explain) env.insert(QStringLiteral("LOUPE_SCREENSHOT_EXPLAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("LOUPE_SCREENSHOT_TIMEOUT"), QStringLiteral("60"));
        env.insert(QStringLiteral("LOUPE_THEME"), QStringLiteral("dark"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(LOUPE_EXE), {QStringLiteral("--sample")});
        if (!app.waitForStarted(10000)) {
            *err = app.errorString();
            return {};
        }
        if (!app.waitForFinished(90000)) {
            app.kill();
            *err = QStringLiteral("loupe did not quit after the screenshot");
            return {};
        }
        *err = QString::fromUtf8(app.readAllStandardError());
        if (app.exitStatus() != QProcess::NormalExit || app.exitCode() != 0) {
            *err = QStringLiteral("exit %1: %2").arg(app.exitCode()).arg(*err);
            return {};
        }
        qInfo().noquote() << "screenshot:" << png;
        return QImage(png);
    }

    // Pixels with viridis' dark purple blended over the image: blue above red above green.
    static int tinted(const QImage& shot)
    {
        int n = 0;
        for (int y = 0; y < shot.height(); y += 3)
            for (int x = 0; x < shot.width(); x += 3) {
                const QRgb c = shot.pixel(x, y);
                n += qBlue(c) > qRed(c) + 8 && qRed(c) > qGreen(c) + 8;
            }
        return n;
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("DISPLAY").isEmpty())
            QSKIP("No X server (DISPLAY is empty): run through scripts/test.sh, which uses xvfb-run.");
        QVERIFY(m_dir.isValid());
    }

    void explainDockWithOverlay()
    {
        QString err;
        const QImage plain = runApp(false, QStringLiteral("loupe_screenshot_explain_off.png"), &err);
        QVERIFY2(!plain.isNull(), qPrintable(err));
        QVERIFY(!err.contains(QLatin1String("screenshot with explanation")));
        const QImage shot = runApp(true, QStringLiteral("loupe_screenshot_explain.png"), &err);
        QVERIFY2(!shot.isNull(), qPrintable(err));
        // The grab waited for the map: the app says which one it showed.
        QVERIFY2(err.contains(QLatin1String("screenshot with explanation rollout")), qPrintable(err));
        QVERIFY2(err.contains(QLatin1String("(12x12)")), qPrintable(err));
        // The overlay tints the canvas: many more viridis-over-image pixels than the same window without.
        const int samples = (shot.width() / 3 + 1) * (shot.height() / 3 + 1);
        QVERIFY2(
            tinted(shot) > tinted(plain) + samples / 20,
            qPrintable(QStringLiteral("%1 vs %2 of %3").arg(tinted(shot)).arg(tinted(plain)).arg(samples)));
    }
};

QTEST_MAIN(TestScreenshotExplain)
#include "tst_screenshot_explain.moc"
