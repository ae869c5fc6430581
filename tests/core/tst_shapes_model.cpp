// SPDX-License-Identifier: MIT
// The shipped demo classifier (resources/models/shapes-vit) run by Loupe's engine on freshly generated
// shapes-world images: the accuracy floor the model card promises, and the re-initialised twin at chance.
#include "compute/io/checkpoint.h"
#include "compute/models/vit.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_config.h"
#include "core/samples/shapesworld.h"

#include <QtTest>
#include <algorithm>

using namespace loupe;

namespace {

QString modelDir(const char* name)
{
    return QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/") + QLatin1String(name);
}

// Top-1 accuracy over `count` images of a world with a seed the trainer never used.
double accuracy(const QString& folder, int count, QStringList* labelsOut = nullptr)
{
    const std::filesystem::path dir = folder.toStdString();
    const compute::Checkpoint ckpt = compute::Checkpoint::open(dir);
    const compute::VitModel model = compute::VitModel::fromCheckpoint(ckpt);
    const compute::ImageProcessorConfig proc =
        compute::ImageProcessorConfig::fromFile(dir / "preprocessor_config.json");
    const QStringList names = core::shapeClassNames();
    if (labelsOut)
        for (int i = 0; i < int(names.size()); ++i) {
            const auto it = model.config().id2label.find(i);
            *labelsOut << (it == model.config().id2label.end() ? QString()
                                                               : QString::fromStdString(it->second));
        }
    const core::ShapesWorld world(777);
    int correct = 0;
    for (int i = 0; i < count; ++i) {
        const core::ShapesSample s = world.generate(i);
        const compute::ImageU8 view{s.image.width(), s.image.height(), 3, size_t(s.image.bytesPerLine()),
                                    s.image.constBits()};
        const compute::PreprocessedImage pre = compute::preprocess(view, proc);
        const std::vector<float> logits =
            model.forward(compute::Tensor::fromF32(pre.shape(), pre.pixels)).logits.toF32Vector();
        const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
        correct += best == int(s.label());
    }
    return double(correct) / count;
}

} // namespace

class TestShapesModel : public QObject
{
    Q_OBJECT
private slots:
    void trainedModelMeetsTheFloor()
    {
        QStringList labels;
        const double acc = accuracy(modelDir("shapes-vit"), 300, &labels);
        QCOMPARE(labels, core::shapeClassNames()); // id2label is the generator's class order
        qInfo("shapes-vit top-1 on 300 fresh images: %.4f", acc);
        QVERIFY2(acc >= 0.95, qPrintable(QStringLiteral("top-1 %1 < 0.95").arg(acc)));
    }

    void reinitialisedTwinIsNearChance()
    {
        const double acc = accuracy(modelDir("shapes-vit-random"), 300);
        qInfo("shapes-vit-random top-1 on 300 fresh images: %.4f", acc);
        QVERIFY2(acc < 0.4, qPrintable(QStringLiteral("top-1 %1: the random twin is not random").arg(acc)));
    }
};

QTEST_GUILESS_MAIN(TestShapesModel)
#include "tst_shapes_model.moc"
