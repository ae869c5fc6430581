// SPDX-License-Identifier: MIT
// The NVML reader against a stand-in libnvidia-ml (tests/compute/fake_nvml, two GPUs) named by
// LOUPE_NVML_LIBRARY: every GPU's name, utilisation and memory come through; the real library's
// absence is covered by compute_profiler.
#include "compute/backend/nvml/nvml_monitor.h"

#include <QTest>

using namespace loupe::compute;

class TestNvml : public QObject
{
    Q_OBJECT

private slots:
    void readsEveryGpu()
    {
        // Before the first reading: the library is opened once per process.
        qputenv("LOUPE_NVML_LIBRARY", LOUPE_FAKE_NVML);
        const NvmlReading r = readNvml();
        QVERIFY2(r.available, r.reason.c_str());
        QCOMPARE(int(r.gpus.size()), 2);
        for (unsigned i = 0; i < 2; ++i) {
            const GpuSample& g = r.gpus[i];
            QCOMPARE(g.index, i);
            QCOMPARE(g.name, "Fake GPU " + std::to_string(i + 1));
            QCOMPARE(g.utilisationPercent, 41 + i);
            QCOMPARE(g.memoryUtilisationPercent, 7u);
            QCOMPARE(g.memoryTotal, uint64_t(80) << 30);
            QCOMPARE(g.memoryUsed, uint64_t(i + 1) << 30);
        }
    }
};

QTEST_APPLESS_MAIN(TestNvml)
#include "tst_nvml.moc"
