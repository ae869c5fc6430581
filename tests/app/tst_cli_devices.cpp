// SPDX-License-Identifier: MIT
// `loupe devices`: the CPU always, each Vulkan device with its type and driver, JSON that parses.
#include "common/runloupe.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::test;

class TestCliDevices : public QObject
{
    Q_OBJECT
private slots:
    void text()
    {
        const LoupeRun r = runLoupe({QStringLiteral("devices")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("cpu ")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("vulkan")));
    }

    void json()
    {
        const LoupeRun r = runLoupe({QStringLiteral("devices"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QJsonParseError e;
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8(), &e).object();
        QCOMPARE(e.error, QJsonParseError::NoError);
        const QJsonArray devices = root.value(QStringLiteral("devices")).toArray();
        QVERIFY(!devices.isEmpty());
        QCOMPARE(devices.first().toObject().value(QStringLiteral("backend")).toString(),
                 QStringLiteral("cpu"));
        // As many Vulkan entries as the engine itself sees, each with a name, type and driver.
        int vulkan = 0, selected = 0;
        for (const auto& v : devices) {
            const QJsonObject d = v.toObject();
            if (d.value(QStringLiteral("backend")).toString() != QStringLiteral("vulkan")) continue;
            ++vulkan;
            selected += d.value(QStringLiteral("selected")).toBool();
            QVERIFY(!d.value(QStringLiteral("name")).toString().isEmpty());
            QVERIFY(!d.value(QStringLiteral("type")).toString().isEmpty());
            QVERIFY(!d.value(QStringLiteral("driver")).toString().isEmpty());
        }
        QCOMPARE(vulkan, int(loupe::compute::vulkanDeviceInfos().size()));
        QCOMPARE(selected, vulkan > 0 ? 1 : 0);
        QVERIFY(!root.value(QStringLiteral("vulkan_status")).toString().isEmpty());
    }

    // The cooperative-matrix GEMM's state for the selected device: used, off by the kill-switch, or not
    // supported with the reason (lavapipe has no cooperative matrices).
    void cooperativeMatrixState()
    {
        if (loupe::compute::vulkanDeviceInfos().empty()) QSKIP("no Vulkan device on this machine");
        const LoupeRun r = runLoupe({QStringLiteral("devices"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QString state = QJsonDocument::fromJson(r.out.toUtf8())
                                  .object()
                                  .value(QStringLiteral("vulkan_cooperative_matrix"))
                                  .toString();
        QVERIFY2(state.startsWith(QStringLiteral("used")) ||
                     state.startsWith(QStringLiteral("not supported: ")),
                 qPrintable(state));
        qputenv("LOUPE_VULKAN_NO_COOPMAT", "1");
        const LoupeRun off = runLoupe({QStringLiteral("devices")});
        qunsetenv("LOUPE_VULKAN_NO_COOPMAT");
        QCOMPARE(off.code, 0);
        QVERIFY2(off.out.contains(QStringLiteral("cooperative-matrix GEMM: off")) ||
                     off.out.contains(QStringLiteral("cooperative-matrix GEMM: not supported")),
                 qPrintable(off.out));
    }

    void forcedByName()
    {
        // A name that matches nothing leaves no Vulkan device selected and says so.
        qputenv("LOUPE_VULKAN_DEVICE", "no-such-device-xyz");
        const LoupeRun r = runLoupe({QStringLiteral("devices"), QStringLiteral("--json")});
        qunsetenv("LOUPE_VULKAN_DEVICE");
        QCOMPARE(r.code, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        for (const auto& v : root.value(QStringLiteral("devices")).toArray())
            if (v.toObject().value(QStringLiteral("backend")).toString() == QStringLiteral("vulkan"))
                QVERIFY(!v.toObject().value(QStringLiteral("selected")).toBool());
        if (!loupe::compute::vulkanDeviceInfos().empty())
            QVERIFY2(root.value(QStringLiteral("vulkan_status"))
                         .toString()
                         .contains(QStringLiteral("matches none")),
                     qPrintable(r.out));
    }

    void rejectsArguments()
    {
        const LoupeRun r = runLoupe({QStringLiteral("devices"), QStringLiteral("extra")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("unexpected argument 'extra'")));
    }
};

QTEST_GUILESS_MAIN(TestCliDevices)
#include "tst_cli_devices.moc"
