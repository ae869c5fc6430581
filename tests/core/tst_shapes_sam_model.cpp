// SPDX-License-Identifier: MIT
// The shipped shapes-sam through the product path (Segmenter, as the SAM tool calls it): one click at
// the most interior pixel of a shape drawn by Loupe's own generator gives the shape's mask at IoU >= 0.85
// for at least 3 in 4 shapes. The random
// twin, same architecture and processor, must fail the same bar, so the bar measures training.
#include "core/inference/click_simulation.h"
#include "core/inference/segmenter.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

namespace {

constexpr int kImages = 12;

// IoU per object of the most prominent shape of each image after one click.
std::vector<double> oneClickIous(const QString& modelName)
{
    Segmenter segmenter;
    segmenter.setModel(SamCheckpoint::open(findShippedModel(modelName)));
    const ShapesWorld world(778);
    std::vector<double> ious;
    for (int i = 0; i < kImages; ++i) {
        const ShapesSample s = world.generate(i);
        const PixelMask truth = PixelMask::fromImage(s.objects[size_t(s.prominent)].mask);
        const auto click = nextClick(truth, PixelMask(truth.width, truth.height));
        SegmentPrompt prompt;
        prompt.points = {QPointF(click->x, click->y)};
        prompt.labels = {1};
        const SegmentResult r = segmenter.segment(QStringLiteral("shapes-%1.png").arg(i), s.image, prompt);
        if (!r.ok()) qFatal("%s", qPrintable(r.error));
        ious.push_back(maskIou(PixelMask::fromImage(r.mask), truth));
    }
    return ious;
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s / double(v.size());
}

} // namespace

class TestShapesSamModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("LOUPE_MODELS_DIR", LOUPE_TEST_DATA "/../../resources/models"); }

    void oneClickSegmentsARenderedShape()
    {
        const std::vector<double> ious = oneClickIous(QStringLiteral("shapes-sam"));
        const double m = mean(ious);
        QStringList each;
        for (double x : ious)
            each << QString::number(x, 'f', 3);
        qInfo("shapes-sam, one click, %d Loupe images (seed 778): mean IoU %.3f (%s)", kImages, m,
              qPrintable(each.join(QLatin1Char(' '))));
        // Most shapes reach 0.85 from one click; a ring clicked in its band is ambiguous (band or disc)
        // and pulls the mean down, hence the lower floor for the mean.
        QVERIFY2(m >= 0.8, qPrintable(QStringLiteral("mean IoU %1 < 0.8").arg(m)));
        const auto good = std::count_if(ious.begin(), ious.end(), [](double x) { return x >= 0.85; });
        QVERIFY2(good * 4 >= kImages * 3,
                 qPrintable(QStringLiteral("only %1 of %2 at IoU >= 0.85").arg(good).arg(kImages)));
    }

    void randomTwinDoesNot()
    {
        const double m = mean(oneClickIous(QStringLiteral("shapes-sam-random")));
        qInfo("shapes-sam-random, one click: mean IoU %.3f", m);
        QVERIFY2(m < 0.5, qPrintable(QStringLiteral("the random twin reaches mean IoU %1").arg(m)));
    }
};

QTEST_MAIN(TestShapesSamModel)
#include "tst_shapes_sam_model.moc"
