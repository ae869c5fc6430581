// SPDX-License-Identifier: MIT
#include "compute/dtype.h"
#include "compute/tensor.h"

#include <QTest>
#include <cmath>
#include <cstring>
#include <random>

using namespace loupe::compute;

class TestDType : public QObject
{
    Q_OBJECT
private slots:
    void sizes()
    {
        QCOMPARE(dtypeSize(DType::F32), size_t(4));
        QCOMPARE(dtypeSize(DType::BF16), size_t(2));
        QCOMPARE(dtypeSize(DType::I64), size_t(8));
        QVERIFY(!dtypeFromSafetensors("F8_E4M3").has_value());
        QCOMPARE(*dtypeFromSafetensors("BF16"), DType::BF16);
    }
    void halfRoundTrip()
    {
        // Every finite half value survives half -> float -> half exactly.
        for (uint32_t h = 0; h < 0x10000; ++h) {
            if ((h & 0x7c00) == 0x7c00) continue;
            const float f = halfToFloat(uint16_t(h));
            QCOMPARE(floatToHalf(f), uint16_t(h));
        }
        QCOMPARE(halfToFloat(0x3c00), 1.0f);
        QCOMPARE(halfToFloat(0xc000), -2.0f);
        QCOMPARE(halfToFloat(0x0001), std::ldexp(1.0f, -24));
        QCOMPARE(floatToHalf(65520.0f), uint16_t(0x7c00)); // rounds to inf
    }
    void halfRoundsToNearestEven()
    {
        // 1 + 2^-11 is exactly halfway between 1 and the next half; ties go to even (1.0).
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3c00));
        QCOMPARE(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3c02));
    }
    void bf16()
    {
        std::mt19937 rng(1);
        std::normal_distribution<float> nd;
        for (int i = 0; i < 10000; ++i) {
            const float f = nd(rng);
            const float back = bf16ToFloat(floatToBf16(f));
            QVERIFY(std::fabs(back - f) <= std::fabs(f) * (1.0f / 256.0f));
        }
        QCOMPARE(bf16ToFloat(floatToBf16(1.0f)), 1.0f);
    }

    void int8ConvertsBothWays()
    {
        // int8 weights are read back as numbers (dequantisation, dumps): not as zeros.
        Tensor q = Tensor::empty(DType::I8, {4});
        const int8_t raw[4] = {-128, -3, 0, 127};
        std::memcpy(q.data(), raw, sizeof raw);
        QCOMPARE(q.toF32Vector(), (std::vector<float>{-128.f, -3.f, 0.f, 127.f}));
        QCOMPARE(q.itemF32({1}), -3.f);
        const Tensor back = Tensor::fromF32({4}, std::vector<float>{-300.f, -3.f, 5.f, 300.f}).to(DType::I8);
        QCOMPARE(back.dtype(), DType::I8);
        const int8_t* b = static_cast<const int8_t*>(back.data());
        QCOMPARE(int(b[0]), -128); // saturated, not wrapped
        QCOMPARE(int(b[1]), -3);
        QCOMPARE(int(b[2]), 5);
        QCOMPARE(int(b[3]), 127);
    }
};

QTEST_APPLESS_MAIN(TestDType)
#include "tst_dtype.moc"
