// SPDX-License-Identifier: MIT
// The in-tree SmoothGrad plugin, loaded from the build tree, run from the Explain view with its own
// settings set on its page: the stored explanation records samples = 3, its map is the one core computes
// for the same settings (and not the default's), and the canvas names the method by its title.
#include "common/testsupport.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/store/project.h"
#include "explain_window_fixture.h"
#include "sample_project_fixture.h"
#include "smoothgrad_plugin_fixture.h"
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

using smoothgrad_test::kMethod;

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

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString why;
        QVERIFY2(smoothgrad_test::loadSmoothGrad(&why), qPrintable(why));
    }

    void samplesSetOnThePageAreStored()
    {
        sample_project_test::SampleProject sample;
        QString error;
        QVERIFY2(sample.create(&error), qPrintable(error));
        auto project = sample.open();
        QVERIFY(project);
        const QString& model = sample.model;
        const QString& imagePath = sample.imagePath;

        explain_window_test::ExplainWindow w(imagePath);
        ExplainPanel* panel = w.panel;
        QString why;
        QVERIFY2(w.showOn(*project, sample.asset, &why), qPrintable(why));
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

        QVERIFY2(w.explain(&why), qPrintable(why));
        QVERIFY(panel->shownIsStored());

        const std::optional<core::Explanation> stored =
            explain_window_test::storedExplanation(*project, sample.asset, panel->shown().runId, &why);
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

        QVERIFY(w.saveShot(QStringLiteral("explain_smoothgrad_settings.png")));
    }
};

QTEST_MAIN(TestExplainSmoothGradSettings)
#include "tst_explain_smoothgrad_settings.moc"
