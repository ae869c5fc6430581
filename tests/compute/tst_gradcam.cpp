// SPDX-License-Identifier: MIT
// Grad-CAM for ViT (compute/attribution/gradcam.h, gradcam_vit.h), both conventions: hand-computed cases,
// special tokens dropped by the PatchGrid, bad grids and blocks refused; on the golden vit_classify model
// the LayerNorm-output map uses features equal to LayerNorm(transformers' hidden_states.{b}) with the
// checkpoint's layernorm_before weights, recomputed here, and the formula in double precision; the
// attention map equals the formula applied to transformers' own attentions.{b} and attn_grads.{b}.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/gradcam.h"
#include "compute/attribution/gradcam_vit.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"

#include <QTest>
#include <cmath>
#include <stdexcept>

using namespace loupe::compute;
using namespace loupe::compute::attribution;
namespace test = loupe::test;

class TestGradCam : public QObject
{
    Q_OBJECT

private slots:
    void handComputed()
    {
        // CLS + a 2x2 grid, 2 channels. The CLS row holds large values that must not count.
        const std::vector<float> f = {100, 100, /**/ 1, 2, /**/ 3, -1, /**/ 0, 4, /**/ -2, 0};
        const std::vector<float> g = {50, -50, /**/ 1, 0, /**/ 3, 2, /**/ -1, 1, /**/ 1, 1};
        // alpha = mean over patches = ((1+3-1+1)/4, (0+2+1+1)/4) = (1, 1)
        // cam = ReLU(f0 + f1) = (3, 2, 4, 0)   (the last patch is -2 -> 0)
        const std::vector<float> cam = gradCam(f.data(), g.data(), 5, 2, PatchGrid{2, 2, 1});
        QCOMPARE(cam, (std::vector<float>{3, 2, 4, 0}));
    }
    void distillationTokenIsDropped()
    {
        // CLS + distillation + a 1x2 grid: alpha = ((2+0)/2, (0+4)/2) = (1, 2).
        const std::vector<float> f = {9, 9, /**/ 9, 9, /**/ 1, 1, /**/ 2, -3};
        const std::vector<float> g = {7, 7, /**/ 7, 7, /**/ 2, 0, /**/ 0, 4};
        const std::vector<float> cam = gradCam(f.data(), g.data(), 4, 2, PatchGrid{1, 2, 2});
        QCOMPARE(cam, (std::vector<float>{3, 0})); // 1*1 + 2*1 = 3; 1*2 + 2*(-3) = -4 -> 0
    }
    void gridThatDoesNotFitIsRefused()
    {
        const std::vector<float> f(10, 1.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 gradCam(f.data(), f.data(), 5, 2, PatchGrid{2, 3, 1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 gradCam(f.data(), f.data(), 5, 2, PatchGrid{2, 2, 2}));
    }

    void attentionHandComputed()
    {
        // 2 heads, CLS + a 1x2 grid (3 tokens). Only row 0's patch columns count.
        // head 0: a = (0.5, 0.2), g = (1, 3) -> w = 2;   head 1: a = (0.1, 0.6), g = (-1, -3) -> w = -2
        // mean_h w_h a_h = ((2*0.5 - 2*0.1)/2, (2*0.2 - 2*0.6)/2) = (0.4, -0.4) -> ReLU (0.4, 0)
        const std::vector<float> a = {0.3f,      0.5f, 0.2f, 9, 9, 9, 9, 9, 9,
                                      /**/ 0.3f, 0.1f, 0.6f, 9, 9, 9, 9, 9, 9};
        const std::vector<float> g = {7, 1, 3, 5, 5, 5, 5, 5, 5, /**/ 7, -1, -3, 5, 5, 5, 5, 5, 5};
        const std::vector<float> cam = attentionGradCam(a.data(), g.data(), 2, 3, PatchGrid{1, 2, 1});
        QCOMPARE(int(cam.size()), 2);
        QVERIFY(std::fabs(cam[0] - 0.4f) < 1e-6f);
        QCOMPARE(cam[1], 0.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 attentionGradCam(a.data(), g.data(), 2, 3, PatchGrid{2, 2, 1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 attentionGradCam(a.data(), g.data(), 0, 3, PatchGrid{1, 2, 1}));
    }

    void conventionsReadTheirNodes()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const int L = int(model.config().numHiddenLayers);
        VitGradCamOptions o;
        QCOMPARE(vitGradCamNode(model, o), "blk." + std::to_string(L - 1) + ".ln1");
        o.block = 0;
        QCOMPARE(vitGradCamNode(model, o), std::string("blk.0.ln1"));
        o.convention = GradCamConvention::AttentionChefer;
        QCOMPARE(vitGradCamNode(model, o), std::string("blk.0.attn_probs"));
        o.block = L;
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, vitGradCamNode(model, o));
        o.block = -2;
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, vitGradCamNode(model, o));
    }

    void goldenLayerNormOutputConvention_data()
    {
        QTest::addColumn<int>("block");
        QTest::newRow("last") << -1;
        QTest::newRow("block 0") << 0;
    }
    void goldenLayerNormOutputConvention()
    {
        QFETCH(int, block);
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto file =
            SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
        const auto weights =
            SafetensorsFile::open((dir + QStringLiteral("/model.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const int L = int(model.config().numHiddenLayers);
        const int b = block < 0 ? L - 1 : block;
        const int64_t top = int64_t(toF32(file.tensor("top_class")).at(0));

        VitGradCamOptions o;
        o.block = block;
        const VitGradients g = vitGradients(model, pixels, {top}, vitGradCamRequest(model, o));
        const std::string node = vitGradCamNode(model, o);
        const Tensor& f = g.nodeValues.at(node);
        const Tensor& d = g.nodeGrads.at(node);
        const int tokens = int(f.size(1)), channels = int(f.size(2));

        // The activations are pytorch-grad-cam's blocks[b].norm1 output: LayerNorm of transformers'
        // hidden_states.{b} (the block's input) with the checkpoint's layernorm_before weights.
        const std::vector<float> hs = toF32(file.tensor("hidden_states." + std::to_string(b)));
        const std::string lp = "vit.encoder.layer." + std::to_string(b) + ".layernorm_before.";
        const std::vector<float> w = toF32(weights.tensor(lp + "weight")),
                                 bias = toF32(weights.tensor(lp + "bias"));
        const double eps = model.config().layerNormEps;
        double worst = 0;
        for (int t = 0; t < tokens; ++t) {
            double mean = 0, var = 0;
            for (int c = 0; c < channels; ++c)
                mean += hs[size_t(t * channels + c)] / double(channels);
            for (int c = 0; c < channels; ++c)
                var += std::pow(hs[size_t(t * channels + c)] - mean, 2) / double(channels);
            for (int c = 0; c < channels; ++c) {
                const double ln =
                    (hs[size_t(t * channels + c)] - mean) / std::sqrt(var + eps) * w[size_t(c)] +
                    bias[size_t(c)];
                worst = std::max(worst, std::fabs(ln - f.itemF32({0, t, c})));
            }
        }
        QVERIFY2(worst < 1e-4, qPrintable(QString("LayerNorm output differs by %1").arg(worst)));

        // The formula, independently, on the engine's gradient at that node.
        const int grid = int(std::lround(std::sqrt(double(tokens - 1))));
        const PatchGrid pg{grid, grid, 1};
        std::vector<double> alpha(size_t(channels), 0.0);
        for (int t = 1; t < tokens; ++t)
            for (int c = 0; c < channels; ++c)
                alpha[size_t(c)] += d.itemF32({0, t, c}) / double(tokens - 1);
        const std::vector<float> cam = vitGradCamMap(model, g, pg, o);
        QCOMPARE(int(cam.size()), tokens - 1);
        int positive = 0;
        for (int t = 1; t < tokens; ++t) {
            double s = 0;
            for (int c = 0; c < channels; ++c)
                s += alpha[size_t(c)] * f.itemF32({0, t, c});
            const double expected = std::max(s, 0.0);
            QVERIFY2(
                std::fabs(cam[size_t(t - 1)] - expected) <= 1e-5 + 1e-4 * std::fabs(expected),
                qPrintable(QString("patch %1: %2 vs %3").arg(t - 1).arg(cam[size_t(t - 1)]).arg(expected)));
            positive += expected > 0;
        }
        QVERIFY(positive > 0);
    }

    void goldenAttentionConvention_data()
    {
        QTest::addColumn<int>("block");
        QTest::newRow("last") << -1;
        QTest::newRow("block 1") << 1;
    }
    void goldenAttentionConvention()
    {
        QFETCH(int, block);
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto file =
            SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const int L = int(model.config().numHiddenLayers);
        const int b = block < 0 ? L - 1 : block;
        const int64_t top = int64_t(toF32(file.tensor("top_class")).at(0));

        VitGradCamOptions o;
        o.convention = GradCamConvention::AttentionChefer;
        o.block = block;
        const VitGradients g = vitGradients(model, pixels, {top}, vitGradCamRequest(model, o));
        const TensorView& at = file.tensor("attentions." + std::to_string(b));
        const int heads = int(at.shape[1]), tokens = int(at.shape[2]);
        const int grid = int(std::lround(std::sqrt(double(tokens - 1))));
        const PatchGrid pg{grid, grid, 1};
        const std::vector<float> cam = vitGradCamMap(model, g, pg, o);

        // Chefer et al.'s generate_cam_attn on transformers' own attentions and their gradients.
        const std::vector<float> A = toF32(at), G = toF32(file.tensor("attn_grads." + std::to_string(b)));
        const size_t N = size_t(tokens);
        std::vector<double> expected(N - 1, 0.0);
        for (int h = 0; h < heads; ++h) {
            double wh = 0;
            for (size_t j = 1; j < N; ++j)
                wh += G[size_t(h) * N * N + j] / double(N - 1);
            for (size_t j = 1; j < N; ++j)
                expected[j - 1] += wh * A[size_t(h) * N * N + j] / double(heads);
        }
        // Scale the tolerance by the weighted sum before the ReLU: on this image the last block's sum is
        // negative everywhere, so its map is all zeros and must stay so; block 1 has positive patches.
        double scale = 0;
        int positive = 0;
        for (double& e : expected) {
            scale = std::max(scale, std::fabs(e));
            positive += e > 0;
            e = std::max(e, 0.0);
        }
        QVERIFY(scale > 0); // the inputs are not trivially zero
        QCOMPARE(positive > 0, b != L - 1);
        QCOMPARE(int(cam.size()), tokens - 1);
        for (size_t j = 0; j < expected.size(); ++j)
            QVERIFY2(std::fabs(cam[j] - expected[j]) <= 1e-3 * scale,
                     qPrintable(QString("patch %1: %2 vs %3").arg(j).arg(cam[j]).arg(expected[j])));
    }

    void goldenModelMatchesTheFormula()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto file =
            SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const int64_t L = model.config().numHiddenLayers;
        const std::string node = vitGradCamNode(model);
        QCOMPARE(node, "blk." + std::to_string(L - 2) + ".out");
        const std::string lastOut = "blk." + std::to_string(L - 1) + ".out";

        VitGradientRequest req;
        req.attentions = false;
        req.inputGrad = false;
        req.nodes = {node, lastOut};
        const int64_t top = int64_t(toF32(file.tensor("top_class")).at(0));
        const VitGradients g = vitGradients(model, pixels, {top}, req);
        const Tensor& f = g.nodeValues.at(node);
        const Tensor& d = g.nodeGrads.at(node);
        const int tokens = int(f.size(1)), channels = int(f.size(2));

        // The features are the hidden state entering the last block (transformers' hidden_states.{L-1}).
        const QString hs = QStringLiteral("hidden_states.%1").arg(L - 1);
        const QString err = test::compareClose(hs, f.toF32Vector(), file.tensor(hs.toStdString()),
                                               test::goldenTolerance(dir, hs));
        QVERIFY2(err.isEmpty(), qPrintable(err));

        // The formula, independently: alpha over patches, weighted channel sum, ReLU.
        const int grid = int(std::lround(std::sqrt(double(tokens - 1))));
        const PatchGrid pg{grid, grid, 1};
        std::vector<double> alpha(size_t(channels), 0.0);
        for (int t = 1; t < tokens; ++t)
            for (int c = 0; c < channels; ++c)
                alpha[size_t(c)] += d.itemF32({0, t, c}) / double(tokens - 1);
        const std::vector<float> cam = gradCam(f.ptr<float>(), d.ptr<float>(), tokens, channels, pg);
        QCOMPARE(int(cam.size()), tokens - 1);
        int positive = 0;
        for (int t = 1; t < tokens; ++t) {
            double s = 0;
            for (int c = 0; c < channels; ++c)
                s += alpha[size_t(c)] * f.itemF32({0, t, c});
            const double expected = std::max(s, 0.0);
            QVERIFY2(
                std::fabs(cam[size_t(t - 1)] - expected) <= 1e-5 + 1e-4 * std::fabs(expected),
                qPrintable(QString("patch %1: %2 vs %3").arg(t - 1).arg(cam[size_t(t - 1)]).arg(expected)));
            positive += expected > 0;
        }
        QVERIFY(positive > 0); // a map of zeros would pass the comparison trivially

        // Why the layer before: the last block's output patch tokens never reach CLS.
        const Tensor& dl = g.nodeGrads.at(lastOut);
        double patches = 0, cls = 0;
        for (int t = 0; t < tokens; ++t)
            for (int c = 0; c < channels; ++c)
                (t == 0 ? cls : patches) += std::fabs(dl.itemF32({0, t, c}));
        QVERIFY(cls > 0);
        QCOMPARE(patches, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestGradCam)
#include "tst_gradcam.moc"
