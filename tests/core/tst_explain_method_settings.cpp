// SPDX-License-Identifier: MIT
// A registered method's own settings travel in ExplainParams: they are written with the record in full
// (defaults included, in their defaults' types), read back equal, make two parameter sets differ, reach
// the method through explainMap, and name themselves in the title.
#include "core/explain/explain_method_registry.h"
#include "core/explain/explain_record.h"

#include <QJsonDocument>
#include <QTest>

using namespace loupe;

namespace {

const QString kMethod = QStringLiteral("settings-probe");

std::vector<float> unused(const core::VitSession&, const compute::attribution::PlanarImage&, int,
                          const core::ExplainParams&, const core::ExplainControl*)
{
    return {};
}

} // namespace

class TestExplainMethodSettings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        core::ExplainMethodEntry e;
        e.name = kMethod;
        e.title = QStringLiteral("Settings probe");
        e.origin = QStringLiteral("/plugins/libprobe.so");
        e.map = unused;
        e.settings = {{QStringLiteral("samples"), 5, QStringLiteral("copies")},
                      {QStringLiteral("noise"), 0.25, QStringLiteral("sigma")},
                      {QStringLiteral("flip"), false, QStringLiteral("negate")}};
        e.mapWithSettings = [](const core::VitSession&, const compute::attribution::PlanarImage&, int,
                               const core::ExplainParams&, const QVariantMap& settings,
                               const core::ExplainControl*) {
            return std::vector<float>{settings.value(QStringLiteral("samples")).toFloat()};
        };
        QString why;
        QVERIFY2(core::registerExplainMethod(e, &why), qPrintable(why));
    }
    void cleanupTestCase() { core::clearRegisteredExplainMethods(); }

    void completedInTheDefaultsTypes()
    {
        const QVariantMap full =
            core::completeExplainMethodSettings(kMethod, {{QStringLiteral("samples"), 3.0}});
        QCOMPARE(full.size(), 3);
        QCOMPARE(full.value(QStringLiteral("samples")).typeId(), int(QMetaType::Int));
        QCOMPARE(full.value(QStringLiteral("samples")).toInt(), 3);
        QCOMPARE(full.value(QStringLiteral("noise")).toDouble(), 0.25);
        QCOMPARE(full.value(QStringLiteral("flip")).typeId(), int(QMetaType::Bool));
        // A built-in method has no settings to complete.
        QVERIFY(core::completeExplainMethodSettings(QStringLiteral("rise"), {}).isEmpty());
    }

    void storedWithTheRecordAndReadBackEqual()
    {
        core::ExplainParams p;
        p.method = kMethod;
        p.methodSettings = {{QStringLiteral("samples"), 3}};
        const QJsonObject json = core::paramsToJson(p);
        const QJsonObject settings = json.value(QStringLiteral("settings")).toObject();
        QVERIFY2(settings.value(QStringLiteral("samples")).toInt() == 3,
                 QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(settings.value(QStringLiteral("noise")).toDouble(), 0.25);

        core::Explanation e;
        e.params = p;
        e.rows = e.cols = 1;
        e.grid = {1.0f};
        core::RunRecord run = core::toRun(e, 7);
        run.id = 1;
        QString why;
        const std::optional<core::Explanation> back = core::fromRun(run, &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(back->params.methodSettings, core::completeExplainMethodSettings(kMethod, p.methodSettings));
        QCOMPARE(back->params.methodSettings.value(QStringLiteral("samples")).typeId(), int(QMetaType::Int));
        QCOMPARE(core::paramsToJson(back->params), json);
    }

    void settingsMakeParamsDiffer()
    {
        core::ExplainParams a;
        a.method = kMethod;
        core::ExplainParams b = a;
        // A setting left at its default is the default.
        b.methodSettings = {{QStringLiteral("noise"), 0.25}};
        QCOMPARE(core::paramsToJson(a), core::paramsToJson(b));
        b.methodSettings = {{QStringLiteral("samples"), 3}};
        QVERIFY(core::paramsToJson(a) != core::paramsToJson(b));
    }

    void badStoredSettingsAreNamed()
    {
        QJsonObject o{{QStringLiteral("method"), kMethod}, {QStringLiteral("settings"), 3}};
        QString why;
        QVERIFY(!core::paramsFromJson(o, &why));
        QVERIFY2(why.contains(kMethod) && why.contains(QStringLiteral("settings")), qPrintable(why));
    }

    void reachTheMethod()
    {
        core::ExplainParams p;
        p.method = kMethod;
        p.methodSettings = {{QStringLiteral("samples"), 3}};
        const core::VitSession s =
            core::VitSession::open(QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-vit"));
        const compute::attribution::PlanarImage image; // the probe reads it not
        QCOMPARE(core::explainMap(s, image, 0, p), std::vector<float>{3.0f});
        p.methodSettings.clear();
        QCOMPARE(core::explainMapWithSettings(s, image, 0, p, {{QStringLiteral("samples"), 4}}, nullptr),
                 std::vector<float>{4.0f});
    }

    void setForSeveralMethods()
    {
        core::ExplainMethodEntry other;
        other.name = QStringLiteral("settings-probe-b");
        other.map = unused;
        other.settings = {{QStringLiteral("samples"), 2, QStringLiteral("copies")}};
        other.mapWithSettings = [](const core::VitSession&, const compute::attribution::PlanarImage&, int,
                                   const core::ExplainParams&, const QVariantMap&,
                                   const core::ExplainControl*) { return std::vector<float>{}; };
        QString why;
        QVERIFY2(core::registerExplainMethod(other, &why) || why.contains(QStringLiteral("already")),
                 qPrintable(why));
        const QStringList methods{kMethod, other.name, QStringLiteral("rollout")};

        // KEY=VALUE sets every method measured that has KEY; METHOD:KEY=VALUE one of them.
        auto s = core::parseExplainMethodsSettings(
            methods, {QStringLiteral("samples=3"), QStringLiteral("settings-probe-b:samples=7")}, &why);
        QVERIFY2(s, qPrintable(why));
        QCOMPARE(s->value(kMethod), (QVariantMap{{QStringLiteral("samples"), 3}}));
        QCOMPARE(s->value(other.name), (QVariantMap{{QStringLiteral("samples"), 7}}));
        QVERIFY(!s->contains(QStringLiteral("rollout")));
        s = core::parseExplainMethodsSettings(methods, {QStringLiteral("flip=true")}, &why);
        QVERIFY2(s, qPrintable(why));
        QCOMPARE(s->value(kMethod), (QVariantMap{{QStringLiteral("flip"), true}}));
        QVERIFY(!s->contains(other.name));

        // What is refused is named, with the choices.
        QVERIFY(!core::parseExplainMethodsSettings(methods, {QStringLiteral("sampels=3")}, &why));
        QVERIFY2(why.contains(QStringLiteral("'sampels'")) &&
                     why.contains(QStringLiteral("settings-probe:noise")),
                 qPrintable(why));
        QVERIFY(!core::parseExplainMethodsSettings(methods, {QStringLiteral("rise:samples=3")}, &why));
        QVERIFY2(why.contains(QStringLiteral("'rise' is not one of the methods measured")), qPrintable(why));
        QVERIFY(
            !core::parseExplainMethodsSettings(methods, {QStringLiteral("settings-probe-b:noise=1")}, &why));
        QVERIFY2(why.contains(QStringLiteral("no setting 'noise'")), qPrintable(why));
        QVERIFY(!core::parseExplainMethodsSettings(methods, {QStringLiteral("samples=many")}, &why));
        QVERIFY2(why.contains(QStringLiteral("'many'")), qPrintable(why));
        QVERIFY(!core::parseExplainMethodsSettings({QStringLiteral("rollout")}, {QStringLiteral("samples=3")},
                                                   &why));
        QVERIFY2(why.contains(QStringLiteral("none of the methods measured has settings")), qPrintable(why));
        QVERIFY(core::parseExplainMethodsSettings(methods, {}, &why)->isEmpty());
    }

    void titleNamesTheSettings()
    {
        core::Explanation e;
        e.params.method = kMethod;
        e.params.methodSettings = {{QStringLiteral("samples"), 3}};
        QVERIFY2(e.title().contains(QStringLiteral("samples 3")), qPrintable(e.title()));
        QVERIFY2(e.title().contains(QStringLiteral("noise 0.25")), qPrintable(e.title()));
    }
};

QTEST_GUILESS_MAIN(TestExplainMethodSettings)
#include "tst_explain_method_settings.moc"
