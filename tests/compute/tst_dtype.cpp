// SPDX-License-Identifier: MIT
#include "compute/dtype.h"

#include <QTest>

#include <cmath>
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
            if ((h & 0x7c00) == 0x7c00)
                continue;
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
};

QTEST_APPLESS_MAIN(TestDType)
#include "tst_dtype.moc"
