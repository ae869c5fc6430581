// SPDX-License-Identifier: MIT
// vitGradients with one target per image and extra named nodes: a batch gives each image exactly what a
// batch-1 run gives it, the gradient reaching the logits is the one-hot target, and bad requests are
// refused. Runs on the golden vit_classify model (3 layers, 4 heads, 64 px).
#include "common/testsupport.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"

#include <QTest>
#include <cmath>
#include <optional>
#include <random>

using namespace loupe::compute;
namespace test = loupe::test;

namespace {

// Image b of a batched tensor (first dim) as a vector.
std::vector<float> imageOf(const Tensor& t, int64_t b)
{
    return t.slice(0, b, b + 1).contiguous().toF32Vector();
}

// Worst |a - e| / (atol + rtol |e|); batching changes GEMM blocking, so only rounding may differ.
double worstOff(const std::vector<float>& a, const std::vector<float>& e, double atol = 1e-5, double rtol = 1e-4)
{
    if (a.size() != e.size()) return 1e30;
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::fabs(double(a[i]) - e[i]) / (atol + rtol * std::fabs(double(e[i]))));
    return worst;
}

} // namespace

class TestAutogradVit : public QObject
{
    Q_OBJECT
    QString dir_ = test::goldenDir(QStringLiteral("vit_classify"));
    std::optional<VitModel> model_;
    Tensor pixels_; // [2, C, S, S]: the golden image and a noisy copy

private slots:
    void initTestCase()
    {
        model_ = VitModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        const auto file = SafetensorsFile::open((dir_ + QStringLiteral("/expected.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        std::vector<float> px = toF32(pv);
        const size_t n = px.size();
        std::mt19937 rng(5);
        std::normal_distribution<float> noise(0.0f, 0.3f);
        for (size_t i = 0; i < n; ++i)
            px.push_back(0.7f * px[i] + noise(rng));
        Shape shape = pv.shape;
        shape[0] = 2;
        pixels_ = Tensor::fromF32(shape, px);
    }

    void batchMatchesSingleImages()
    {
        const std::vector<int64_t> targets = {4, 7};
        VitGradientRequest req;
        req.nodes = {"blk.1.out", "final_norm", "blk.0.attn_scores"};
        const VitGradients batch = vitGradients(*model_, pixels_, targets, req);
        QCOMPARE(batch.attnGrads.size(), size_t(model_->config().numHiddenLayers));
        for (int64_t b = 0; b < 2; ++b) {
            const VitGradients one = vitGradients(*model_, pixels_.slice(0, b, b + 1).contiguous(),
                                                  {targets[size_t(b)]}, req);
            auto check = [&](const char* what, const Tensor& inBatch, const Tensor& single) {
                const double off = worstOff(imageOf(inBatch, b), single.toF32Vector());
                QVERIFY2(off <= 1.0, qPrintable(QString("%1 of image %2 off by %3 of the tolerance")
                                                     .arg(what)
                                                     .arg(b)
                                                     .arg(off)));
            };
            check("logits", batch.logits, one.logits);
            check("input_grad", batch.inputGrad, one.inputGrad);
            for (size_t l = 0; l < batch.attnGrads.size(); ++l) {
                check("attentions", batch.attentions[l], one.attentions[l]);
                check("attn_grads", batch.attnGrads[l], one.attnGrads[l]);
            }
            for (const std::string& name : req.nodes) {
                check(name.c_str(), batch.nodeValues.at(name), one.nodeValues.at(name));
                check((name + " grad").c_str(), batch.nodeGrads.at(name), one.nodeGrads.at(name));
            }
        }
        // The two images asked for different classes: their input gradients must differ.
        QVERIFY(worstOff(imageOf(batch.inputGrad, 0), imageOf(batch.inputGrad, 1)) > 1.0);
    }

    void gradientAtTheLogitsIsTheTarget()
    {
        VitGradientRequest req;
        req.attentions = false;
        req.inputGrad = false;
        req.nodes = {"logits", "final_norm"};
        const VitGradients g = vitGradients(*model_, pixels_, {2, 9}, req);
        const Tensor& gl = g.nodeGrads.at("logits");
        QCOMPARE(gl.shape(), g.logits.shape());
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t c = 0; c < gl.size(1); ++c)
                QCOMPARE(gl.itemF32({b, c}), (c == (b == 0 ? 2 : 9)) ? 1.0f : 0.0f);
        // Only the class token reaches the head: every other token's final_norm gradient is zero.
        const Tensor& gf = g.nodeGrads.at("final_norm");
        double cls = 0, others = 0;
        for (int64_t b = 0; b < gf.size(0); ++b)
            for (int64_t t = 0; t < gf.size(1); ++t)
                for (int64_t d = 0; d < gf.size(2); ++d)
                    (t == 0 ? cls : others) += std::fabs(gf.itemF32({b, t, d}));
        QVERIFY(cls > 0);
        QCOMPARE(others, 0.0);
        QVERIFY(g.attnGrads.empty());
        QVERIFY(!g.inputGrad.defined() || g.inputGrad.numel() == 0);
    }

    void badRequestsAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, vitGradients(*model_, pixels_, std::vector<int64_t>{1})); // 1 for 2
        QVERIFY_THROWS_EXCEPTION(Error, vitGradients(*model_, pixels_, std::vector<int64_t>{1, -1}));
        VitGradientRequest req;
        req.nodes = {"blk.99.out"};
        QVERIFY_THROWS_EXCEPTION(Error, vitGradients(*model_, pixels_, {1, 2}, req));
    }
};

QTEST_GUILESS_MAIN(TestAutogradVit)
#include "tst_autograd_vit.moc"
