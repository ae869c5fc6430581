// SPDX-License-Identifier: MIT
// Rollout and Chefer relevancy against transformers' vit_classify golden case, computed from the golden
// attention probabilities and their gradients (so this isolates the attribution maths from the model).
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/io/safetensors.h"

#include <QTest>

using namespace loupe;
using namespace loupe::compute;
using namespace loupe::compute::attribution;

class TestAttributionGolden : public QObject
{
    Q_OBJECT
    QString dir_ = test::goldenDir(QStringLiteral("vit_classify"));
    std::vector<std::vector<float>> attn_, grads_;
    AttentionSet a_, g_;
    int grid_ = 0;

private slots:
    void initTestCase()
    {
        const auto file = SafetensorsFile::open((dir_ + QStringLiteral("/expected.safetensors")).toStdString());
        for (int l = 0;; ++l) {
            const TensorView* a = file.find("attentions." + std::to_string(l));
            if (!a)
                break;
            attn_.push_back(toF32(*a));
            grads_.push_back(toF32(file.tensor("attn_grads." + std::to_string(l))));
            QCOMPARE(a->shape.size(), size_t(4));
            a_.heads = int(a->shape[1]);
            a_.tokens = int(a->shape[2]);
        }
        QVERIFY(!attn_.empty());
        a_.layers = int(attn_.size());
        g_ = a_;
        for (size_t l = 0; l < attn_.size(); ++l) {
            a_.layer.push_back(attn_[l].data());
            g_.layer.push_back(grads_[l].data());
        }
        grid_ = int(std::lround(std::sqrt(double(a_.tokens - 1))));
        QCOMPARE(grid_ * grid_ + 1, a_.tokens);
    }
    void rollout()
    {
        const auto file = SafetensorsFile::open((dir_ + QStringLiteral("/expected.safetensors")).toStdString());
        const std::vector<float> row = rolloutRow(a_, 0, RolloutOptions{});
        QString err = test::compareClose(QStringLiteral("rollout"), row, file.tensor("rollout"),
                                         test::goldenTolerance(dir_, QStringLiteral("rollout")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const std::vector<float> patches = patchMap(row, PatchGrid{grid_, grid_, 1});
        err = test::compareClose(QStringLiteral("rollout_patches"), patches, file.tensor("rollout_patches"),
                                 test::goldenTolerance(dir_, QStringLiteral("rollout_patches")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    void chefer()
    {
        const auto file = SafetensorsFile::open((dir_ + QStringLiteral("/expected.safetensors")).toStdString());
        const std::vector<float> row = cheferRow(a_, g_, 0);
        const std::vector<float> patches = patchMap(row, PatchGrid{grid_, grid_, 1});
        const QString err = test::compareClose(QStringLiteral("chefer"), patches, file.tensor("chefer"),
                                               test::goldenTolerance(dir_, QStringLiteral("chefer")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    void wrongGradientsAreCaught()
    {
        // The comparison must be able to fail: rollout is not Chefer relevancy.
        const auto file = SafetensorsFile::open((dir_ + QStringLiteral("/expected.safetensors")).toStdString());
        const std::vector<float> wrong = patchMap(rolloutRow(a_, 0, {}), PatchGrid{grid_, grid_, 1});
        QVERIFY(!test::compareClose(QStringLiteral("chefer"), wrong, file.tensor("chefer"),
                                    test::goldenTolerance(dir_, QStringLiteral("chefer")))
                     .isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestAttributionGolden)
#include "tst_attribution_golden.moc"
