// SPDX-License-Identifier: MIT
// `loupe devices` says which device `--backend auto` takes and why, and lists CUDA beside Vulkan (with
// the reason when there is no CUDA GPU); a Vulkan driver that is missing is reported, not fatal.
#include "common/runloupe.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/device_choice.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::test;
using namespace loupe::compute;

class TestCliDevicesAuto : public QObject
{
    Q_OBJECT
private slots:
    void textNamesAutoAndCuda()
    {
        const LoupeRun r = runLoupe({QStringLiteral("devices")});
        QCOMPARE(r.code, 0);
        const DeviceResolution pick = resolveDevice(BackendChoice::Auto);
        QVERIFY2(
            r.out.contains(QStringLiteral("\nauto     ") + QString::fromStdString(backendOf(*pick.device))),
            qPrintable(r.out));
        QVERIFY2(r.out.contains(QString::fromStdString(pick.why)), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("\ncuda")), qPrintable(r.out));
        if (cudaDeviceInfos().empty())
            QVERIFY2(r.out.contains(QString::fromStdString(cudaStatus())), qPrintable(r.out));
    }

    void jsonNamesAutoAndCuda()
    {
        const LoupeRun r = runLoupe({QStringLiteral("devices"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject pick = root.value(QStringLiteral("auto")).toObject();
        const DeviceResolution want = resolveDevice(BackendChoice::Auto);
        QCOMPARE(pick.value(QStringLiteral("backend")).toString(),
                 QString::fromStdString(backendOf(*want.device)));
        QCOMPARE(pick.value(QStringLiteral("device")).toString(),
                 QString::fromStdString(deviceLabel(*want.device)));
        QVERIFY(!pick.value(QStringLiteral("why")).toString().isEmpty());
        QCOMPARE(root.value(QStringLiteral("cuda_status")).toString(), QString::fromStdString(cudaStatus()));
    }

    void missingVulkanDriver()
    {
        qputenv("LOUPE_FAULT", "vulkan:no-driver");
        const LoupeRun r = runLoupe({QStringLiteral("devices")});
        qunsetenv("LOUPE_FAULT");
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("vulkan   none: no Vulkan driver")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("auto     vulkan")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliDevicesAuto)
#include "tst_cli_devices_auto.moc"
