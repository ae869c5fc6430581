// SPDX-License-Identifier: MIT
// The ViT benchmark runs its random-weight model where and at the precision it is asked to, and its
// JSON says what ran it: a bf16 request with the bf16 kernels switched off is timed at f32, and says so.
#include "compute/gemm/precision_switches.h"
#include "compute/models/vit_benchmark.h"

#include <QTest>
#include <nlohmann/json.hpp>

using namespace loupe::compute;

class TestVitBenchmark : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { precisionSwitches().bf16 = true; }

    void recordsWhatRanTheModel()
    {
        precisionSwitches().bf16 = false;
        VitBenchOptions o;
        o.runs = 1;
        o.batch8Runs = 1;
        o.engine = {BackendChoice::Cpu, Precision::BF16};
        const nlohmann::json j = nlohmann::json::parse(vitBenchmarkJson(o));
        QCOMPARE(j.at("requested_dtype").get<std::string>(), std::string("bf16"));
        const nlohmann::json& ran = j.at("execution");
        QCOMPARE(ran.at("backend").get<std::string>(), std::string("cpu"));
        QCOMPARE(ran.at("precision").get<std::string>(), std::string("f32"));
        const std::string why = ran.value("fallback_reason", std::string());
        QVERIFY2(why.find("LOUPE_DISABLE_BF16") != std::string::npos, why.c_str());
        QVERIFY(!j.contains("batch64_ms_median")); // batch 64 only when asked
        QVERIFY(j.at("batch1_ms_per_image_median").get<double>() > 0);
    }
};

QTEST_GUILESS_MAIN(TestVitBenchmark)
#include "tst_vit_benchmark.moc"
