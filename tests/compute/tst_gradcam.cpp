// SPDX-License-Identifier: MIT
// Grad-CAM for ViT (compute/attribution/gradcam.h): a hand-computed case, special tokens dropped by the
// PatchGrid, bad grids refused, and on the golden vit_classify model the map from the engine's own
// values and gradients at vitGradCamNode equals the formula recomputed here in double precision, the
// features are transformers' hidden_states.{L-1}, and the last block's output patches get no gradient.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/gradcam.h"
#include "compute/autograd/vit_gradients.h"
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
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, gradCam(f.data(), f.data(), 5, 2, PatchGrid{2, 3, 1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, gradCam(f.data(), f.data(), 5, 2, PatchGrid{2, 2, 2}));
    }

    void goldenModelMatchesTheFormula()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto file = SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
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
            QVERIFY2(std::fabs(cam[size_t(t - 1)] - expected) <= 1e-5 + 1e-4 * std::fabs(expected),
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
