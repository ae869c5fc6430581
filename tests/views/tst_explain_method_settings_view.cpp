// SPDX-License-Identifier: MIT
// A plugin method's page in the Explain view offers a control per declared setting (spin box, double
// spin box, check box, line edit by the default's type) with its default and description; the values set
// there reach the run, are stored with the explanation and name the map on the canvas and in the stored
// list under the method's title. A screenshot of the page goes to the test artifacts.
#include "common/testsupport.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/store/project.h"
#include "explain_window_fixture.h"
#include "sample_project_fixture.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/explain/methodnames.h"
#include "views/explain/methodsettingsform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace loupe;
using namespace loupe::views;

namespace {

const QString kMethod = QStringLiteral("settings-probe");
const QString kTitle = QStringLiteral("Settings probe (test)");

// A map that is a function of every setting, so a setting lost on the way changes it.
std::vector<float> probeMap(const core::VitSession& s, const compute::attribution::PlanarImage& image,
                            const QVariantMap& settings)
{
    const compute::attribution::PatchGrid g = core::patchGrid(s, image.height, image.width);
    const float samples = settings.value(QStringLiteral("samples"), 5).toFloat();
    const float noise = settings.value(QStringLiteral("noise"), 0.25).toFloat();
    const float sign = settings.value(QStringLiteral("flip"), false).toBool() ? -1.0f : 1.0f;
    const float tag = float(settings.value(QStringLiteral("tag"), QStringLiteral("plain")).toString().size());
    std::vector<float> map(size_t(g.rows) * size_t(g.cols));
    for (size_t i = 0; i < map.size(); ++i)
        map[i] = sign * (float(i % 7) * samples + noise * 100.0f + tag);
    return map;
}

} // namespace

class TestExplainMethodSettingsView : public QObject
{
    Q_OBJECT
    sample_project_test::SampleProject m_sample;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        core::ExplainMethodEntry e;
        e.name = kMethod;
        e.title = kTitle;
        e.origin = QStringLiteral("/plugins/libsettings_probe.so");
        e.map = [](const core::VitSession& s, const compute::attribution::PlanarImage& image, int,
                   const core::ExplainParams&,
                   const core::ExplainControl*) { return probeMap(s, image, {}); };
        e.settings = {{QStringLiteral("samples"), 5, QStringLiteral("noisy copies averaged")},
                      {QStringLiteral("noise"), 0.25, QStringLiteral("noise sigma")},
                      {QStringLiteral("flip"), false, QStringLiteral("negate the map")},
                      {QStringLiteral("tag"), QStringLiteral("plain"), QStringLiteral("a word")}};
        e.mapWithSettings = [](const core::VitSession& s, const compute::attribution::PlanarImage& image, int,
                               const core::ExplainParams&, const QVariantMap& settings,
                               const core::ExplainControl*) { return probeMap(s, image, settings); };
        QString why;
        QVERIFY2(core::registerExplainMethod(e, &why), qPrintable(why));

        QString error;
        QVERIFY2(m_sample.create(&error), qPrintable(error));
    }

    void displayNameIsTheTitle()
    {
        QCOMPARE(methodDisplayName(kMethod), kTitle);
        QCOMPARE(methodDisplayName(QStringLiteral("no-such-method")), QStringLiteral("no-such-method"));
        core::ExplainParams p;
        p.method = kMethod;
        p.methodSettings = {{QStringLiteral("samples"), 3}};
        const QString summary = methodSummary(p);
        QVERIFY2(summary.startsWith(kTitle) && summary.contains(QStringLiteral("samples 3")),
                 qPrintable(summary));
    }

    void pageOffersAControlPerSetting()
    {
        MethodForm form;
        form.setMethod(kMethod);
        MethodSettingsForm* settings = form.settingsForm(kMethod);
        QVERIFY(settings);
        auto* samples = qobject_cast<QSpinBox*>(settings->editor(QStringLiteral("samples")));
        auto* noise = qobject_cast<QDoubleSpinBox*>(settings->editor(QStringLiteral("noise")));
        auto* flip = qobject_cast<QCheckBox*>(settings->editor(QStringLiteral("flip")));
        auto* tag = qobject_cast<QLineEdit*>(settings->editor(QStringLiteral("tag")));
        QVERIFY(samples && noise && flip && tag);
        QCOMPARE(samples->value(), 5);
        QCOMPARE(noise->value(), 0.25);
        QVERIFY(!flip->isChecked());
        QCOMPARE(tag->text(), QStringLiteral("plain"));
        QCOMPARE(samples->toolTip(), QStringLiteral("noisy copies averaged"));
        QCOMPARE(flip->toolTip(), QStringLiteral("negate the map"));
        QCOMPARE(noise->singleStep(), 0.1);
        QCOMPARE(form.params().methodSettings,
                 core::completeExplainMethodSettings(kMethod, {})); // the defaults, typed

        QSignalSpy changed(&form, &MethodForm::changed);
        samples->setValue(3);
        QCOMPARE(changed.count(), 1);
        tag->setText(QStringLiteral("word"));
        const core::ExplainParams p = form.params();
        QCOMPARE(p.methodSettings.value(QStringLiteral("samples")), QVariant(3));
        QCOMPARE(p.methodSettings.value(QStringLiteral("tag")), QVariant(QStringLiteral("word")));

        // A stored explanation's settings come back onto the page.
        core::ExplainParams stored = p;
        stored.methodSettings = {{QStringLiteral("samples"), 9}, {QStringLiteral("flip"), true}};
        form.setParams(stored);
        QCOMPARE(samples->value(), 9);
        QVERIFY(flip->isChecked());
        QCOMPARE(tag->text(), QStringLiteral("plain")); // not given: back to its default
    }

    void settingsReachTheRunAndTheRecord()
    {
        auto project = m_sample.open();
        QVERIFY(project);
        explain_window_test::ExplainWindow w(m_sample.imagePath);
        ExplainPanel* panel = w.panel;
        QString why;
        QVERIFY2(w.showOn(*project, m_sample.asset, &why), qPrintable(why));
        QComboBox* box = panel->methodForm()->methodBox();
        box->setCurrentIndex(box->findData(kMethod)); // as a user picks it
        QCOMPARE(box->currentText(), kTitle);
        MethodSettingsForm* settings = panel->methodForm()->settingsForm(kMethod);
        QVERIFY(settings);
        QVERIFY(settings->isVisible());
        auto* samples = qobject_cast<QSpinBox*>(settings->editor(QStringLiteral("samples")));
        QVERIFY(samples);
        samples->setValue(3); // as a user types it
        qobject_cast<QCheckBox*>(settings->editor(QStringLiteral("flip")))->setChecked(true);

        QVERIFY2(w.explain(&why), qPrintable(why));
        QVERIFY(panel->shownIsStored());

        // The stored record, read back from the project, carries the settings the page had.
        const std::optional<core::Explanation> stored =
            explain_window_test::storedExplanation(*project, m_sample.asset, panel->shown().runId, &why);
        QVERIFY2(stored, qPrintable(why));
        QCOMPARE(stored->params.methodSettings.value(QStringLiteral("samples")), QVariant(3));
        QCOMPARE(stored->params.methodSettings.value(QStringLiteral("flip")), QVariant(true));

        // Its map is core's map for the same settings.
        core::ExplainParams params;
        params.method = kMethod;
        params.methodSettings = {{QStringLiteral("samples"), 3}, {QStringLiteral("flip"), true}};
        const core::VitSession s = core::VitSession::open(m_sample.model);
        const std::vector<float> expected =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_sample.imagePath)), stored->target, params);
        QCOMPARE(stored->grid, expected);
        QVERIFY(expected != core::explainMap(s, core::toPlanar(s.pixelValues(m_sample.imagePath)),
                                             stored->target, core::ExplainParams{kMethod}));

        // The canvas and the stored list name the method by its title, with the settings that made it.
        const QString caption = panel->layer()->caption();
        // In the order the method declares its settings.
        QVERIFY2(caption.startsWith(kTitle + QStringLiteral(" · samples 3 · noise 0.25 · flip true")),
                 qPrintable(caption));
        QVERIFY(!caption.startsWith(kMethod));
        QListWidget* list = panel->storedList();
        QListWidgetItem* item = nullptr;
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toLongLong() == stored->runId) item = list->item(i);
        QVERIFY(item);
        QVERIFY2(item->text().startsWith(kTitle), qPrintable(item->text()));

        QVERIFY(w.saveShot(QStringLiteral("explain_method_settings.png")));
    }
};

QTEST_MAIN(TestExplainMethodSettingsView)
#include "tst_explain_method_settings_view.moc"
