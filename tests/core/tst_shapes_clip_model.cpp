// SPDX-License-Identifier: MIT
// The shipped demo CLIP (resources/models/shapes-clip) run by Loupe's engine on freshly generated
// shapes-world images: zero-shot top-1 over "a photo of a {label}" meets the floor of its model card, the
// re-initialised twin stays near chance, and every world word is one token of its tokenizer.
#include "compute/io/checkpoint.h"
#include "compute/models/clip.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_config.h"
#include "compute/text/tokenizer.h"
#include "core/samples/shapesworld.h"

#include <QtTest>
#include <algorithm>

using namespace loupe;

namespace {

std::filesystem::path modelDir(const char* name)
{
    return std::filesystem::path(LOUPE_TEST_DATA "/../../resources/models") / name;
}

// The model card's floor for the engine's top-1 on this world (the card reports the measured value).
constexpr double kFloor = 0.45;

// Top-1 of the label prompts over `count` images of a world seed the trainer never used.
double labelTop1(const char* name, int count)
{
    const std::filesystem::path dir = modelDir(name);
    const compute::ClipModel model = compute::ClipModel::fromCheckpoint(compute::Checkpoint::open(dir));
    const compute::ImageProcessorConfig proc =
        compute::ImageProcessorConfig::fromFile(dir / "preprocessor_config.json");
    const auto tok = compute::text::loadTokenizer(dir);
    std::vector<std::vector<int64_t>> ids;
    for (const QString& label : core::shapeClassNames())
        ids.push_back(tok->encode("a photo of a " + label.toStdString()).ids);
    const compute::ClipTextOutput text =
        model.encodeText(compute::ClipTextBatch::pad(ids, model.config().text.padTokenId));
    const core::ShapesWorld world(778);
    int correct = 0;
    for (int i = 0; i < count; ++i) {
        const core::ShapesSample s = world.generate(i);
        const compute::ImageU8 view{s.image.width(), s.image.height(), 3, size_t(s.image.bytesPerLine()),
                                    s.image.constBits()};
        const compute::PreprocessedImage pre = compute::preprocess(view, proc);
        const compute::ClipImageOutput image =
            model.encodeImage(compute::Tensor::fromF32(pre.shape(), pre.pixels));
        const std::vector<float> logits =
            compute::clipScores(model.logitScale(), image.embeds, text.embeds).logitsPerImage.toF32Vector();
        correct += std::max_element(logits.begin(), logits.end()) - logits.begin() == int(s.label());
    }
    return double(correct) / count;
}

} // namespace

class TestShapesClipModel : public QObject
{
    Q_OBJECT
private slots:
    void worldWordsAreSingleTokens()
    {
        const auto tok = compute::text::loadTokenizer(modelDir("shapes-clip"));
        QCOMPARE(QString::fromStdString(tok->kind()), QStringLiteral("clip"));
        QStringList words = core::shapeClassNames();
        for (const core::ShapeColor& c : core::shapeColors())
            words << c.name;
        for (const QString& w : words) {
            // <|startoftext|>, the word, <|endoftext|>.
            const auto enc = tok->encode(w.toStdString());
            QVERIFY2(enc.ids.size() == 3, qPrintable(w));
            QCOMPARE(QString::fromStdString(enc.tokens[1]), w + QStringLiteral("</w>"));
        }
    }

    void trainedModelMeetsTheFloor()
    {
        const double acc = labelTop1("shapes-clip", 200);
        qInfo("shapes-clip label-prompt top-1 on 200 fresh images: %.4f", acc);
        QVERIFY2(acc >= kFloor, qPrintable(QString::number(acc)));
    }

    void randomTwinIsNearChance()
    {
        const double acc = labelTop1("shapes-clip-random", 200);
        qInfo("shapes-clip-random label-prompt top-1 on 200 fresh images: %.4f", acc);
        QVERIFY2(acc <= 0.4, qPrintable(QString::number(acc)));
    }
};

QTEST_MAIN(TestShapesClipModel)
#include "tst_shapes_clip_model.moc"
