// SPDX-License-Identifier: MIT
// The in-tree SmoothGrad plugin, loaded from the build tree, run from the Explain view with its own
// settings set on its page: the stored explanation records samples = 3, its map is the one core computes
// for the same settings (and not the default's), and the canvas names the method by its title.
#include "common/testsupport.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/samples/createsampleproject.h"
#include "core/store/project.h"
#include "plugins/host/plugin_host.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/explain/methodsettingsform.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace loupe;
using namespace loupe::views;

namespace {

const QString kPlugin = QStringLiteral(LOUPE_PLUGIN_BUILD_DIR "/libloupe_smoothgrad.so");
const QString kMethod = QStringLiteral("smoothgrad");

bool close(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::abs(a[i] - b[i]) > 1e-4f * (std::abs(b[i]) + 1e-3f)) return false;
    return true;
}

} // namespace

class TestExplainSmoothGradSettings : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        plugins::PluginHost host;
        const plugins::PluginRecord& r = host.loadFile(kPlugin, QStringLiteral("test"));
        QVERIFY2(r.loaded, qPrintable(r.reason));
    }

    void samplesSetOnThePageAreStored()
    {
        QString error;
        const QString path = core::createSampleProject(m_dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        auto project = core::Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        const QString model = project->absolutePath(project->models().first().path);
        const QVector<core::AssetRow> rows = project->assetPage({}, 0, 1);
        QCOMPARE(rows.size(), 1);
        const QString imagePath = project->absolutePath(rows.first().storedPath);

        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        auto* canvas = new ImageCanvas(&window);
        canvas->setImage(QImage(imagePath), imagePath);
        auto* panel = new ExplainPanel(canvas, &window);
        layout->addWidget(canvas, 1);
        layout->addWidget(panel);
        window.resize(1100, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        panel->setProject(project.get());
        panel->setAsset(rows.first().id);
        if (!panel->isReady()) {
            QSignalSpy ready(panel, &ExplainPanel::ready);
            QVERIFY(ready.wait(60000));
        }
        QComboBox* box = panel->methodForm()->methodBox();
        box->setCurrentIndex(box->findData(kMethod));
        const QString title = core::registeredExplainMethod(kMethod)->title;
        QCOMPARE(box->currentText(), title);
        MethodSettingsForm* settings = panel->methodForm()->settingsForm(kMethod);
        QVERIFY(settings && settings->isVisible());
        auto* samples = qobject_cast<QSpinBox*>(settings->editor(QStringLiteral("samples")));
        auto* noise = qobject_cast<QDoubleSpinBox*>(settings->editor(QStringLiteral("noise")));
        QVERIFY(samples && noise);
        QCOMPARE(samples->value(), 16); // the plugin's defaults
        QCOMPARE(noise->value(), 0.15);
        QVERIFY(samples->toolTip().contains(QStringLiteral("noisy copies")));
        samples->setValue(3);

        panel->setCurvesEnabled(false);
        QSignalSpy finished(panel, &ExplainPanel::finished);
        QVERIFY2(panel->explain(), qPrintable(panel->lastError()));
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel->lastError()));
        QVERIFY(panel->shownIsStored());

        const QVector<core::RunRecord> runs =
            project->runs(rows.first().id, QString::fromLatin1(core::kExplainRunKind));
        const auto run = std::find_if(runs.begin(), runs.end(),
                                      [&](const core::RunRecord& r) { return r.id == panel->shown().runId; });
        QVERIFY(run != runs.end());
        QString why;
        const std::optional<core::Explanation> stored = core::fromRun(*run, &why);
        QVERIFY2(stored, qPrintable(why));
        QCOMPARE(stored->params.methodSettings.value(QStringLiteral("samples")), QVariant(3));
        QCOMPARE(stored->params.methodSettings.value(QStringLiteral("noise")), QVariant(0.15));

        core::ExplainParams params;
        params.method = kMethod;
        params.methodSettings = {{QStringLiteral("samples"), 3}};
        const core::VitSession s = core::VitSession::open(model);
        const compute::attribution::PlanarImage image = core::toPlanar(s.pixelValues(imagePath));
        const std::vector<float> expected = core::explainMap(s, image, stored->target, params);
        QVERIFY(close(stored->grid, expected));
        // Sixteen noisy copies give another map: the three were not lost on the way.
        params.methodSettings.clear();
        QVERIFY(!close(stored->grid, core::explainMap(s, image, stored->target, params)));

        const QString caption = panel->layer()->caption();
        QVERIFY2(caption.startsWith(title + QStringLiteral(" · samples 3 · noise 0.15")),
                 qPrintable(caption));

        const QString dir = test::artifactDir();
        QDir().mkpath(dir);
        QVERIFY(window.grab().save(QDir(dir).filePath(QStringLiteral("explain_smoothgrad_settings.png"))));
    }
};

QTEST_MAIN(TestExplainSmoothGradSettings)
#include "tst_explain_smoothgrad_settings.moc"
