// SPDX-License-Identifier: MIT
// A precision that cannot be honoured is never changed silently: a ViT loaded for bf16 with the bf16
// kernels switched off (LOUPE_DISABLE_BF16) runs f32 and its execution record says why.
#include "compute/engine_options.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/precision_switches.h"
#include "compute/io/checkpoint.h"
#include "compute/models/vit.h"

#include <QTest>

using namespace loupe::compute;

namespace {

const std::string kModel = LOUPE_TEST_DATA "/../../resources/models/shapes-vit";

ExecutionRecord runVit(Precision p)
{
    const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(kModel, {BackendChoice::Cpu, p}));
    setLastExecution({});
    model.forward(Tensor::zeros(DType::F32, {1, 3, 96, 96}));
    return lastExecution();
}

} // namespace

class TestPrecisionRecord : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { precisionSwitches().bf16 = true; }

    void disabledBf16IsRecordedWithItsReason()
    {
        precisionSwitches().bf16 = false;
        const ExecutionRecord r = runVit(Precision::BF16);
        QCOMPARE(r.backend, std::string("cpu"));
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY2(r.fallbackReason.find("bf16 was asked for") != std::string::npos, r.fallbackReason.c_str());
        QVERIFY2(r.fallbackReason.find("LOUPE_DISABLE_BF16") != std::string::npos, r.fallbackReason.c_str());
        QCOMPARE(weightFormatNote({Precision::BF16}), r.fallbackReason);
    }

    void honouredPrecisionNeedsNoReason()
    {
        QVERIFY(weightFormatNote({Precision::F32}).empty());
        QVERIFY(weightFormatNote({Precision::Default}).empty());
        const ExecutionRecord f32 = runVit(Precision::F32);
        QCOMPARE(f32.precision, std::string("f32"));
        QVERIFY2(f32.fallbackReason.empty(), f32.fallbackReason.c_str());
        // bf16 runs as bf16 where the CPU has the kernel, else it says why not.
        const ExecutionRecord bf16 = runVit(Precision::BF16);
        if (bf16.precision == "bf16")
            QVERIFY2(bf16.fallbackReason.empty(), bf16.fallbackReason.c_str());
        else
            QVERIFY2(bf16.fallbackReason.find("bf16 was asked for") != std::string::npos,
                     bf16.fallbackReason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPrecisionRecord)
#include "tst_precision_record.moc"
