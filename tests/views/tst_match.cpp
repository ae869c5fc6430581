// SPDX-License-Identifier: MIT
// The Match panel with the golden tiny CLIP checkpoint: probabilities equal `loupe match --json` on the
// same image and texts, clicking a text puts its heat map on the canvas, "From labels" fills the default
// prompts, results for texts that changed during a run are dropped, and a broken model folder is named.
#include "common/testsupport.h"
#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/heatmaplayer.h"
#include "views/match/matchpanel.h"
#include "views/match/probabilitydelegate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace loupe;
using namespace loupe::views;

namespace {

const QStringList kTexts{QStringLiteral("a photo of a cat"), QStringLiteral("a photo of a dog"),
                         QStringLiteral("a diagram of a bus")};

QString model()
{
    return test::goldenDir(QStringLiteral("clip_match"));
}

QString image()
{
    return model() + QStringLiteral("/input.png");
}

QJsonObject cliMatch(const QStringList& texts)
{
    QProcess p;
    p.start(QStringLiteral(LOUPE_BINARY_DIR "/bin/loupe"),
            QStringList{QStringLiteral("match"), QStringLiteral("--model"), model(), QStringLiteral("--json"),
                        image()} +
                texts);
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning() << p.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

} // namespace

class TestMatch : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void probabilitiesEqualTheCommandLine()
    {
        ImageCanvas canvas;
        canvas.setImage(QImage(image()), image());
        MatchPanel panel(&canvas);
        QSignalSpy done(&panel, &MatchPanel::finished);
        panel.setModelFolder(model());
        panel.setImagePath(image());
        panel.setTexts(kTexts);
        // Active: the change runs by itself, on a worker thread.
        QVERIFY(done.wait(60000));
        QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
        const MatchResult& r = panel.result();
        QCOMPARE(r.texts, kTexts);
        const QJsonObject cli = cliMatch(kTexts);
        QVERIFY(!cli.isEmpty());
        const QJsonArray probs = cli.value(QStringLiteral("probs")).toArray(),
                         logits = cli.value(QStringLiteral("logits")).toArray();
        QCOMPARE(int(r.probs.size()), int(probs.size()));
        for (int i = 0; i < probs.size(); ++i) {
            QVERIFY2(std::abs(r.probs[size_t(i)] - probs[i].toDouble()) < 1e-6,
                     qPrintable(QString::number(i)));
            QVERIFY(std::abs(r.logits[size_t(i)] - logits[i].toDouble()) < 1e-4);
            // The bar shows the same number.
            QCOMPARE(panel.list()->item(i)->data(ProbabilityDelegate::ProbabilityRole).toDouble(),
                     double(r.probs[size_t(i)]));
        }
        QVERIFY(r.grid > 0);
        QVERIFY(r.heatmaps.empty()); // computed when a text is clicked, not before
    }

    void clickingATextShowsItsHeatmap()
    {
        QSplitter window;
        auto* canvasWidget = new ImageCanvas;
        ImageCanvas& canvas = *canvasWidget;
        canvas.setImage(QImage(image()), image());
        auto* panelWidget = new MatchPanel(&canvas);
        MatchPanel& panel = *panelWidget;
        QSignalSpy done(&panel, &MatchPanel::finished);
        panel.setModelFolder(model());
        panel.setImagePath(image());
        panel.setTexts(kTexts);
        QVERIFY(done.wait(60000));
        QVERIFY(canvas.layers().contains(panel.layer()));
        QVERIFY(!panel.layer()->hasMap());

        window.addWidget(canvasWidget);
        window.addWidget(panelWidget);
        window.resize(800, 420);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&panel, &MatchPanel::heatmapShown);
        const QRect second = panel.list()->visualItemRect(panel.list()->item(1));
        QTest::mouseClick(panel.list()->viewport(), Qt::LeftButton, {}, second.center());
        QVERIFY(shown.wait(60000)); // on the worker thread
        QCOMPARE(panel.shownHeatmap(), 1);
        QVERIFY(panel.layer()->hasMap());
        QCOMPARE(panel.layer()->rows(), panel.result().grid); // a square image: all of it was seen
        QCOMPARE(panel.layer()->grid(), panel.result().heatmaps[1]);
        QVERIFY(panel.layer()->caption().contains(kTexts[1]));
        const QRect third = panel.list()->visualItemRect(panel.list()->item(2));
        QTest::mouseClick(panel.list()->viewport(), Qt::LeftButton, {}, third.center());
        QVERIFY(shown.wait(60000));
        QCOMPARE(panel.layer()->grid(), panel.result().heatmaps[2]);
        // Clicked again, a map already computed shows at once.
        QTest::mouseClick(panel.list()->viewport(), Qt::LeftButton, {}, second.center());
        QCOMPARE(shown.count(), 3);
        QCOMPARE(panel.layer()->grid(), panel.result().heatmaps[1]);
        QVERIFY(panel.result().heatmaps[1] != panel.result().heatmaps[2]);
        canvas.update();
        QTest::qWait(50);
        QVERIFY(window.grab().save(test::artifactDir() + QStringLiteral("/match_panel.png")));

        // A new image: the old map and bars go.
        panel.setImagePath(m_dir.filePath(QStringLiteral("other.png")));
        QVERIFY(!panel.layer()->hasMap());
        QVERIFY(!panel.list()->item(0)->data(ProbabilityDelegate::ProbabilityRole).isValid());
    }

    void wideImagesPlaceTheMapOnTheCenterCrop()
    {
        // CLIP sees the middle of a wide image: the map covers that part, the sides are its minimum.
        QImage wide(QImage(image()).scaled(640, 320));
        const QString path = m_dir.filePath(QStringLiteral("wide.png"));
        QVERIFY(wide.save(path));
        ImageCanvas canvas;
        canvas.setImage(wide, path);
        MatchPanel panel(&canvas);
        QSignalSpy done(&panel, &MatchPanel::finished);
        panel.setModelFolder(model());
        panel.setImagePath(path);
        panel.setTexts(kTexts);
        QVERIFY(done.wait(60000));
        QCOMPARE(panel.result().region, QRect(160, 0, 320, 320));
        QSignalSpy shown(&panel, &MatchPanel::heatmapShown);
        panel.showHeatmap(0);
        QVERIFY(shown.wait(60000));
        const int g = panel.result().grid;
        QCOMPARE(panel.layer()->rows(), g);
        QCOMPARE(panel.layer()->cols(), 2 * g);
        const std::vector<float>& m = panel.result().heatmaps[0];
        QCOMPARE(panel.layer()->grid()[size_t(g / 2)], m[0]); // the crop starts a quarter in
        QCOMPARE(panel.layer()->grid()[0], *std::min_element(m.begin(), m.end()));
    }

    void fromLabelsFillsTheDefaultPrompts()
    {
        QString error;
        auto project = core::Project::create(m_dir.filePath(QStringLiteral("labels.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        QVERIFY(project->addLabel({0, QStringLiteral("circle"), Qt::red, {}, 0}));
        QVERIFY(project->addLabel({0, QStringLiteral("square"), Qt::blue, {}, 1}));
        MatchPanel panel(nullptr);
        panel.setActive(false);
        panel.setTexts({QStringLiteral("keep me")});
        panel.setProject(project.get());
        QCOMPARE(panel.texts(), QStringList{QStringLiteral("keep me")}); // the user's texts stay
        panel.findChild<QPushButton*>(QStringLiteral("matchFromLabels"))->click();
        QCOMPARE(panel.texts(),
                 (QStringList{QStringLiteral("a photo of a circle"), QStringLiteral("a photo of a square")}));
        MatchPanel fresh(nullptr);
        fresh.setActive(false);
        fresh.setProject(project.get());
        QCOMPARE(fresh.texts().size(), 2); // an empty list starts from the labels
    }

    void resultsForChangedTextsAreDropped()
    {
        std::atomic<int> calls{0};
        MatchPanel panel(nullptr);
        panel.setActive(false);
        panel.setMatchFunction([&calls](const MatchRequest& req) {
            ++calls;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            MatchResult r;
            r.texts = req.texts;
            for (int i = 0; i < int(req.texts.size()); ++i) {
                r.probs.push_back(1.f / float(req.texts.size()));
                r.logits.push_back(0.f);
            }
            return r;
        });
        panel.setModelFolder(QStringLiteral("/m"));
        panel.setImagePath(QStringLiteral("/i.png"));
        panel.setTexts({QStringLiteral("one"), QStringLiteral("two")});
        QSignalSpy done(&panel, &MatchPanel::finished);
        QVERIFY(panel.match());
        panel.setTexts({QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")});
        QVERIFY(done.wait(5000));
        QCOMPARE(done.count(), 1); // the first answer was not shown
        QCOMPARE(calls.load(), 2); // it ran again with the new texts
        QCOMPARE(panel.result().texts.size(), 3);
        QCOMPARE(panel.list()->item(2)->data(ProbabilityDelegate::ProbabilityRole).toDouble(),
                 double(1.f / 3.f));
    }

    void aBrokenModelIsNamed()
    {
        MatchPanel panel(nullptr);
        QSignalSpy done(&panel, &MatchPanel::finished);
        QVERIFY(!panel.match());
        QVERIFY(panel.lastError().contains(QStringLiteral("model")));
        const QString folder = m_dir.filePath(QStringLiteral("not-a-model"));
        QDir().mkpath(folder);
        panel.setModelFolder(folder);
        panel.setImagePath(image());
        panel.setTexts({QStringLiteral("a cat")});
        QVERIFY(done.wait(10000));
        QVERIFY2(panel.lastError().contains(folder), qPrintable(panel.lastError()));
        QVERIFY(panel.result().probs.empty());
    }
};

QTEST_MAIN(TestMatch)
#include "tst_match.moc"
