// SPDX-License-Identifier: MIT
// A method a plugin adds is offered by the Explain view after the built-ins, under the plugin's title,
// with a page naming the plugin, and runs from there: the in-tree SmoothGrad plugin, loaded from the
// build tree, explains the sample project's image, the map is the one core::explainMap computes with
// the same parameters, and the run is stored. A screenshot of the view goes to the test artifacts.
#include "common/testsupport.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/store/project.h"
#include "explain_window_fixture.h"
#include "sample_project_fixture.h"
#include "smoothgrad_plugin_fixture.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"
#include "views/explain/methodform.h"
#include "views/explain/methodsettingsform.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace loupe;
using namespace loupe::views;

namespace {

using smoothgrad_test::kMethod;
using smoothgrad_test::kPlugin;

} // namespace

class TestExplainPluginMethod : public QObject
{
    Q_OBJECT
    sample_project_test::SampleProject m_sample;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString why;
        QVERIFY2(smoothgrad_test::loadSmoothGrad(&why), qPrintable(why));
        QVERIFY(core::registeredExplainMethodNames().contains(kMethod));
        QString error;
        QVERIFY2(m_sample.create(&error), qPrintable(error));
    }

    void listedAfterTheBuiltInsWithItsTitle()
    {
        const QStringList methods = MethodForm::methods();
        QVERIFY(methods.contains(kMethod));
        // The built-ins keep their places; plugin methods follow them.
        QVERIFY(methods.indexOf(kMethod) > methods.indexOf(QStringLiteral("rise")));
        MethodForm form;
        QCOMPARE(form.methodBox()->count(), methods.size());
        const int i = form.methodBox()->findData(kMethod);
        QVERIFY(i >= 0);
        QString title;
        for (const core::ExplainMethodEntry& e : core::registeredExplainMethods())
            if (e.name == kMethod) title = e.title;
        QVERIFY(!title.isEmpty());
        QCOMPARE(form.methodBox()->itemText(i), title);
    }

    void runsFromTheExplainView()
    {
        auto project = m_sample.open();
        QVERIFY(project);
        explain_window_test::ExplainWindow w(m_sample.imagePath);
        ExplainPanel* panel = w.panel;
        QString why;
        QVERIFY2(w.showOn(*project, m_sample.asset, &why), qPrintable(why));
        QComboBox* box = panel->methodForm()->methodBox();
        box->setCurrentIndex(box->findData(kMethod)); // as a user picks it
        QCOMPARE(panel->methodForm()->method(), kMethod);
        // The page shown names the method and the plugin it came from.
        auto* pages = panel->methodForm()->findChild<QStackedWidget*>();
        QVERIFY(pages);
        QWidget* page = pages->currentWidget();
        QVERIFY(page);
        QCOMPARE(page->objectName(), QStringLiteral("pluginMethodPage"));
        QVERIFY(page->isVisible());
        auto* origin = page->findChild<QLabel*>(QStringLiteral("pluginMethodOrigin"));
        QVERIFY(origin);
        QVERIFY2(origin->text().contains(QStringLiteral("“%1”").arg(kMethod)), qPrintable(origin->text()));
        QVERIFY2(origin->text().contains(QFileInfo(kPlugin).fileName()), qPrintable(origin->text()));
        // Each setting has a control of its own on the page.
        const MethodSettingsForm* settings = panel->methodForm()->settingsForm(kMethod);
        QVERIFY(settings);
        for (const core::ExplainMethodSetting& setting : core::explainMethodSettings(kMethod)) {
            QWidget* editor = settings->editor(setting.key);
            QVERIFY2(editor, qPrintable(setting.key));
            QVERIFY2(page->isAncestorOf(editor), qPrintable(setting.key));
        }
        QVERIFY(!core::explainMethodSettings(kMethod).empty());

        QVERIFY2(w.explain(&why), qPrintable(why));
        const core::Explanation& shown = panel->shown();
        QCOMPARE(shown.params.method, kMethod);
        QVERIFY(panel->shownIsStored());

        // The map is the plugin's, computed with the parameters the view passed (seeded noise).
        const core::ExplainParams params = panel->methodForm()->params();
        const core::VitSession s = core::VitSession::open(m_sample.model);
        const std::vector<float> expected =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_sample.imagePath)), shown.target, params);
        QCOMPARE(shown.grid.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(
                std::abs(shown.grid[i] - expected[i]) <= 1e-4f * (std::abs(expected[i]) + 1e-3f),
                qPrintable(QStringLiteral("cell %1: %2 vs %3").arg(i).arg(shown.grid[i]).arg(expected[i])));
        QVERIFY(std::any_of(expected.begin(), expected.end(), [](float v) { return v > 0; }));

        QVERIFY(w.saveShot(QStringLiteral("explain_plugin_method.png")));
    }
};

QTEST_MAIN(TestExplainPluginMethod)
#include "tst_explain_plugin_method.moc"
