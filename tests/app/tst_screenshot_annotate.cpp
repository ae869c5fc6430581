// SPDX-License-Identifier: MIT
// The real `loupe` binary under the X server (xvfb-run in the test command) on a project holding a few
// hundred shapes on its first image (polygons, boxes, rotated boxes, points, keypoints, a mask, model
// proposals): the window's screenshot must show them in their label colours over the image. The PNG is
// kept under artifactDir() as loupe_screenshot_annotate.png for people to look at.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/geometry/raster.h"
#include "common/testsupport.h"
#include "core/store/project.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe;

namespace {

const QColor kColours[] = {QColor(235, 45, 45), QColor(45, 205, 60), QColor(50, 110, 245),
                           QColor(240, 210, 40)};

bool near(QRgb a, const QColor& b)
{
    return qAbs(qRed(a) - b.red()) <= 40 && qAbs(qGreen(a) - b.green()) <= 40 &&
           qAbs(qBlue(a) - b.blue()) <= 40;
}

// A project with two images and four labels; `shapes` shapes on the first image, added through the
// editor's document (so they are stored exactly as the app stores drawn shapes).
bool makeProject(const QString& dir, int shapes, QString* error)
{
    std::unique_ptr<core::Project> project = core::Project::create(QDir(dir).filePath("shots.loupe"), error);
    if (!project) return false;
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < 2; ++i) {
        QImage img(1200, 800, QImage::Format_RGB32);
        QPainter p(&img);
        QLinearGradient g(0, 0, 1200, 800);
        g.setColorAt(0, QColor(70, 70, 80));
        g.setColorAt(1, QColor(120, 115, 110));
        p.fillRect(img.rect(), g);
        p.fillRect(QRect(10 + 30 * i, 10, 20, 20), Qt::black); // distinct files, not deduplicated
        p.end();
        const QString f = QDir(dir).filePath(QStringLiteral("street_%1.png").arg(i));
        if (!img.save(f)) return false;
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) return false;
        const QByteArray bytes = file.readAll();
        core::AssetRecord r;
        r.absolutePath = f;
        r.sha256Hex =
            QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        r.width = img.width();
        r.height = img.height();
        r.format = QStringLiteral("png");
        r.fileSize = bytes.size();
        r.split = QStringLiteral("train");
        batch.append(r);
    }
    if (!project->addAssets(batch, error)) return false;
    const char* names[] = {"car", "tree", "sign", "person"};
    std::vector<qint64> labels;
    for (int i = 0; i < 4; ++i) {
        core::Label l;
        l.name = QString::fromLatin1(names[i]);
        l.color = kColours[i];
        l.hotkey = QString::number(i + 1);
        auto id = project->addLabel(l, error);
        if (!id) return false;
        labels.push_back(*id);
    }
    const qint64 image = project->asset(1) ? 1 : 0;
    if (!image) {
        *error = QStringLiteral("no asset 1");
        return false;
    }
    annotation::ProjectAnnotations annotations(*project);
    QRandomGenerator rng(7);
    std::vector<annotation::Shape> out;
    for (int i = 0; i < shapes; ++i) {
        annotation::Shape s;
        s.imageId = image;
        s.labelId = labels[size_t(i % 4)];
        const QPointF c(40 + rng.bounded(1120), 40 + rng.bounded(720));
        const double r = 8 + rng.bounded(28.0);
        switch (i % 5) {
        case 0:
        case 1: {
            QPolygonF poly;
            for (int k = 0; k < 14; ++k) {
                const double a = 2 * M_PI * k / 14;
                poly << c + QPointF(std::cos(a), std::sin(a)) * r * (0.6 + 0.4 * rng.generateDouble());
            }
            s.geometry = annotation::PolygonGeom{poly};
            break;
        }
        case 2:
            s.geometry = annotation::RectangleGeom{QRectF(c, QSizeF(2 * r, 1.4 * r))};
            break;
        case 3:
            s.geometry = annotation::RotatedRectGeom{c, 2.2 * r, r, double(rng.bounded(90))};
            break;
        default:
            s.geometry = annotation::PointGeom{c};
            break;
        }
        if (i % 7 == 0) { // a model's proposal, not reviewed yet: dashed
            s.source = annotation::ShapeSource::Model;
            s.score = 0.3 + 0.6 * rng.generateDouble();
        }
        out.push_back(std::move(s));
    }
    annotation::Shape mask;
    mask.imageId = image;
    mask.labelId = labels[1];
    annotation::RleMask m(1200, 800);
    annotation::paintStroke(m, QPointF(200, 650), QPointF(520, 700), 30, true);
    mask.geometry = annotation::MaskGeom{m};
    out.push_back(mask);
    annotations.undoStack()->push(new annotation::AddShapes(*annotations.document(), std::move(out)));
    if (annotations.document()->shapes(image).size() != size_t(shapes + 1)) {
        *error = QStringLiteral("shapes were not stored");
        return false;
    }
    return true;
}

} // namespace

class TestScreenshotAnnotate : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("DISPLAY").isEmpty())
            QSKIP("No X server (DISPLAY is empty): run through scripts/test.sh, which uses xvfb-run.");
        QVERIFY(m_dir.isValid());
    }

    void hundredsOfShapesOnTheCanvas()
    {
        QString error;
        QVERIFY2(makeProject(m_dir.path(), 300, &error), qPrintable(error));
        const QString png =
            QDir(test::artifactDir()).filePath(QStringLiteral("loupe_screenshot_annotate.png"));
        QFile::remove(png);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("LOUPE_SCREENSHOT"), png);
        env.insert(QStringLiteral("LOUPE_SCREENSHOT_TIMEOUT"), QStringLiteral("40"));
        env.insert(QStringLiteral("LOUPE_THEME"), QStringLiteral("dark"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedChannels);
        app.start(QStringLiteral(LOUPE_EXE), {QDir(m_dir.path()).filePath(QStringLiteral("shots.loupe"))});
        QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
        if (!app.waitForFinished(60000)) {
            app.kill();
            QFAIL("loupe did not quit after the screenshot");
        }
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0); // 3: no image appeared in time
        const QImage shot(png);
        QVERIFY(!shot.isNull());
        qInfo().noquote() << "screenshot:" << png;
        // Every label's colour covers many pixels (outlines, points, the mask): far more than its 13x13
        // swatch in the Labels dock (169 px) could.
        for (const QColor& c : kColours) {
            int count = 0;
            for (int y = 0; y < shot.height(); ++y)
                for (int x = 0; x < shot.width(); ++x)
                    count += near(shot.pixel(x, y), c);
            QVERIFY2(count > 600, qPrintable(QStringLiteral("%1: %2 px").arg(c.name()).arg(count)));
        }
    }
};

QTEST_MAIN(TestScreenshotAnnotate)
#include "tst_screenshot_annotate.moc"
