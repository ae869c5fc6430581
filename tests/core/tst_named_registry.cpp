// SPDX-License-Identifier: MIT
// The registry plugins add formats and explanation methods to: names kept in the order added, a taken
// name refused naming what provides it, lookups by name, and forgetting everything.
#include "core/explain/explain_method_registry.h"
#include "core/named_registry.h"

#include <QTest>

using namespace loupe::core;

namespace {

struct Item
{
    QString name;
    QString origin;
    int value = 0;
};

} // namespace

class TestNamedRegistry : public QObject
{
    Q_OBJECT
private slots:
    void addFindAllClear()
    {
        NamedRegistry<Item> r;
        QString why;
        QVERIFY(r.add({QStringLiteral("b"), QStringLiteral("first.so"), 1}, QStringLiteral("thing"), &why));
        QVERIFY(r.add({QStringLiteral("a"), QStringLiteral("second.so"), 2}, QStringLiteral("thing"), &why));
        QVERIFY(why.isEmpty());
        QVERIFY(!r.add({QStringLiteral("b"), QStringLiteral("third.so"), 3}, QStringLiteral("thing"), &why));
        QCOMPARE(why, QStringLiteral("thing 'b' is already provided by first.so"));
        const std::vector<Item> all = r.all();
        QCOMPARE(all.size(), size_t(2));
        QCOMPARE(all[0].name, QStringLiteral("b")); // in the order added
        QCOMPARE(all[1].name, QStringLiteral("a"));
        QCOMPARE(r.find(QStringLiteral("b"))->value, 1); // the first one stays
        QVERIFY(!r.find(QStringLiteral("c")));
        r.clear();
        QVERIFY(r.all().empty());
        QVERIFY(!r.find(QStringLiteral("a")));
    }

    void explanationMethodTakenIsRefusedNamingItsPlugin()
    {
        ExplainMethodEntry e;
        e.name = QStringLiteral("probe-method");
        e.origin = QStringLiteral("/plugins/libprobe.so");
        e.map = [](const VitSession&, const loupe::compute::attribution::PlanarImage&, int,
                   const ExplainParams&, const ExplainControl*) { return std::vector<float>{1.0f}; };
        QString why;
        QVERIFY2(registerExplainMethod(e, &why), qPrintable(why));
        ExplainMethodEntry again = e;
        again.origin = QStringLiteral("/plugins/libother.so");
        QVERIFY(!registerExplainMethod(again, &why));
        QCOMPARE(why, QStringLiteral(
                          "explanation method 'probe-method' is already provided by /plugins/libprobe.so"));
        QCOMPARE(registeredExplainMethod(e.name)->origin, e.origin);
        QVERIFY(registeredExplainMap(e.name));
        QVERIFY(!registeredExplainSettingsMap(e.name)); // it has no settings
        QVERIFY(explainMethodSettings(e.name).empty());
        clearRegisteredExplainMethods();
        QVERIFY(!registeredExplainMethod(e.name));
        QVERIFY(!registeredExplainMap(e.name));
    }
};

QTEST_GUILESS_MAIN(TestNamedRegistry)
#include "tst_named_registry.moc"
