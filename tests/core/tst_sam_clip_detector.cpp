// SPDX-License-Identifier: MIT
// The SAM + CLIP detector: registered for SamModel checkpoints, its crops and score rule, and proposals
// on the golden SAM checkpoint with and without the shipped shapes-clip as labeller.
#include "common/testsupport.h"
#include "compute/error.h"
#include "core/inference/detector.h"
#include "core/inference/sam_clip_detector.h"
#include "core/samples/shapesworld.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace loupe::core;

namespace {

const QString kClip = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-clip");

// Loose enough that the golden checkpoint's random weights propose masks at all.
SamClipOptions loose()
{
    SamClipOptions o;
    o.automask.pointsPerSide = 6;
    o.automask.predIouThresh = 0;
    o.automask.stabilityScoreThresh = 0;
    return o;
}

QImage goldenImage()
{
    return QImage(loupe::test::goldenDir(QStringLiteral("sam_segment")) + "/input.png");
}

// The same mask, found by pixel comparison.
const Detection* sameMask(const std::vector<Detection>& in, const QImage& mask)
{
    for (const Detection& d : in)
        if (d.mask == mask) return &d;
    return nullptr;
}

} // namespace

class TestSamClipDetector : public QObject
{
    Q_OBJECT

    QString sam_;

private slots:
    void initTestCase() { sam_ = loupe::test::goldenDir(QStringLiteral("sam_segment")); }

    void scoreRule()
    {
        QCOMPARE(proposalScore(0.81, 1.0), 0.9);
        QCOMPARE(proposalScore(1.0, 0.25), 0.5);
        QCOMPARE(proposalScore(1.3, 0.25), 0.5); // SAM's IoU head may overshoot 1
        QCOMPARE(proposalScore(-0.2, 0.9), 0.0);
    }

    void cropRegionIsASquareAroundTheBoxWithAMargin()
    {
        const QRect box(10, 20, 20, 10); // 20 wide, 10 high, centre (20, 25)
        QCOMPARE(labellerRegion(box, 0.1), QRect(8, 13, 24, 24));
        QCOMPARE(labellerRegion(box, 0.0), QRect(10, 15, 20, 20));
        QVERIFY(labellerRegion(QRect(3, 3, 1, 1), 0.0).contains(QRect(3, 3, 1, 1)));
    }

    void maskedCropHidesNeighbours()
    {
        QImage image(40, 40, QImage::Format_RGB888);
        image.fill(Qt::red);
        QImage mask(40, 40, QImage::Format_Grayscale8);
        mask.fill(0);
        for (int y = 5; y < 15; ++y)
            for (int x = 5; x < 15; ++x) {
                image.setPixelColor(x, y, Qt::blue);
                mask.setPixel(x, y, 255);
            }
        image.setPixelColor(16, 16, Qt::green); // a neighbour inside the margin, outside the mask
        const QRect box(5, 5, 10, 10);
        const QImage masked = labellerCrop(image, mask, box, 0.2, CropStyle::MaskedSquare);
        const QImage plain = labellerCrop(image, mask, box, 0.2, CropStyle::PlainSquare);
        const QRect region = labellerRegion(box, 0.2); // (3, 3) 14 x 14
        QCOMPARE(masked.size(), region.size());
        QCOMPARE(masked.format(), QImage::Format_RGB888);
        const QColor grey(123, 117, 104);
        QCOMPARE(masked.pixelColor(16 - region.x(), 16 - region.y()), grey);
        QCOMPARE(plain.pixelColor(16 - region.x(), 16 - region.y()), QColor(Qt::green));
        QCOMPARE(masked.pixelColor(10 - region.x(), 10 - region.y()), QColor(Qt::blue));
        // Outside the image: grey in both styles.
        const QImage edge = labellerCrop(image, mask, QRect(0, 0, 10, 10), 0.5, CropStyle::PlainSquare);
        QCOMPARE(edge.pixelColor(0, 0), grey);
    }

    void registeredForSamCheckpoints()
    {
        QVERIFY(detectorArchitectures().contains(QStringLiteral("SamModel")));
        DetectorOptions o;
        o.modelFolder = sam_;
        QString why;
        const std::unique_ptr<Detector> d = openDetector(o, &why);
        QVERIFY2(d, qPrintable(why));
        QCOMPARE(d->name(), QStringLiteral("SAM automatic masks"));
        const QJsonObject p = QJsonDocument::fromJson(d->parameters().toUtf8()).object();
        QCOMPARE(p.value("points_per_side").toInt(), 16); // the golden model's 8x8 grid, doubled
        QCOMPARE(p.value("pred_iou_thresh").toDouble(), 0.88);
        QCOMPARE(p.value("score").toString(), QStringLiteral("predicted_iou"));

        o.labellerFolder = kClip;
        o.labels = shapeClassNames();
        const std::unique_ptr<Detector> labelled = openDetector(o, &why);
        QVERIFY2(labelled, qPrintable(why));
        QCOMPARE(labelled->name(), QStringLiteral("SAM automatic masks + CLIP"));
        QVERIFY(labelled->parameters().contains(QStringLiteral("clip_probability")));

        // A CLIP folder proposes nothing: no detector, and the reason names it.
        o.modelFolder = kClip;
        QVERIFY(!openDetector(o, &why));
        QVERIFY2(why.contains(QStringLiteral("proposes no shapes")) && why.contains(kClip), qPrintable(why));
        // A labeller that is not CLIP is refused when the detector opens.
        o.modelFolder = sam_;
        o.labellerFolder = sam_;
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, openDetector(o, &why));
    }

    // A folder's automask_config.json, then DetectorOptions::settings over it, set the generator; the
    // applied values are what the run records, and bad names or values are refused naming them.
    void settingsFromTheFolderAndTheOptions()
    {
        QTemporaryDir dir;
        for (const QString& f : QDir(sam_).entryList(QDir::Files))
            QVERIFY(QFile::copy(sam_ + "/" + f, dir.filePath(f)));
        QFile sidecar(dir.filePath(QStringLiteral("automask_config.json")));
        QVERIFY(sidecar.open(QIODevice::WriteOnly));
        sidecar.write(R"({"pred_iou_thresh": 0.5, "stability_score_thresh": 0.8, "points_per_side": 5})");
        sidecar.close();

        DetectorOptions o;
        o.modelFolder = dir.path();
        QString why;
        std::unique_ptr<Detector> d = openDetector(o, &why);
        QVERIFY2(d, qPrintable(why));
        QJsonObject p = QJsonDocument::fromJson(d->parameters().toUtf8()).object();
        QCOMPARE(p.value("pred_iou_thresh").toDouble(), 0.5);
        QCOMPARE(p.value("stability_score_thresh").toDouble(), 0.8);
        QCOMPARE(p.value("points_per_side").toInt(), 5);

        o.settings.insert(QStringLiteral("pred_iou_thresh"), QStringLiteral("0.3"));
        d = openDetector(o, &why);
        p = QJsonDocument::fromJson(d->parameters().toUtf8()).object();
        QCOMPARE(p.value("pred_iou_thresh").toDouble(), 0.3);
        QCOMPARE(p.value("stability_score_thresh").toDouble(), 0.8); // the folder's, not overridden

        const auto refused = [&](const QString& key, const QString& value, const QString& expected) {
            DetectorOptions bad = o;
            bad.settings = {{key, value}};
            try {
                openDetector(bad, &why);
            } catch (const loupe::compute::Error& e) {
                const QString msg = QString::fromUtf8(e.what());
                return msg.contains(key) && msg.contains(expected);
            }
            return false;
        };
        QVERIFY(
            refused(QStringLiteral("points_per_sid"), QStringLiteral("4"), QStringLiteral("not a setting")));
        QVERIFY(refused(QStringLiteral("pred_iou_thresh"), QStringLiteral("high"),
                        QStringLiteral("needs a number")));
        QVERIFY(
            refused(QStringLiteral("box_nms_thresh"), QStringLiteral("1.5"), QStringLiteral("from 0 to 1")));
        QVERIFY(refused(QStringLiteral("points_per_side"), QStringLiteral("2.5"),
                        QStringLiteral("whole number")));

        QVERIFY(sidecar.open(QIODevice::WriteOnly | QIODevice::Truncate));
        sidecar.write("[1, 2");
        sidecar.close();
        o.settings.clear();
        try {
            openDetector(o, &why);
            QFAIL("a malformed automask_config.json was accepted");
        } catch (const loupe::compute::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("automask_config.json")), e.what());
        }
    }

    // The shipped model's folder settings let its soft masks through SAM's filters at all.
    void shippedModelProposesWithItsFolderSettings()
    {
        const QString shipped = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-sam");
        DetectorOptions o;
        o.modelFolder = shipped;
        o.threshold = 0;
        QString why;
        const std::unique_ptr<Detector> d = openDetector(o, &why);
        QVERIFY2(d, qPrintable(why));
        const QImage scene = ShapesWorld(20240601).generate(0).image;
        QVERIFY(!d->detect(scene).empty());
    }

    void proposalsWithoutLabeller()
    {
        DetectorOptions o;
        o.modelFolder = sam_;
        o.threshold = 0;
        SamClipDetector detector(o, loose());
        const QImage image = goldenImage();
        const std::vector<Detection> all = detector.detect(image);
        QVERIFY(!all.empty());
        for (size_t i = 0; i < all.size(); ++i) {
            const Detection& d = all[i];
            QCOMPARE(d.label, QStringLiteral("object"));
            QVERIFY(d.score >= 0 && d.score <= 1);
            if (i) QVERIFY(all[i - 1].score >= d.score);
            QCOMPARE(d.mask.size(), image.size());
            QCOMPARE(d.mask.format(), QImage::Format_Grayscale8);
            // The box is the mask's pixels' bounding rectangle.
            QRect bounds;
            for (int y = 0; y < d.mask.height(); ++y)
                for (int x = 0; x < d.mask.width(); ++x)
                    if (d.mask.constScanLine(y)[x]) bounds |= QRect(x, y, 1, 1);
            QCOMPARE(d.box, QRectF(bounds));
        }
        // The threshold keeps exactly the proposals scoring at least it.
        const double t = all[all.size() / 2].score;
        o.threshold = t;
        const std::vector<Detection> some = SamClipDetector(o, loose()).detect(image);
        QCOMPARE(some.size(), size_t(std::count_if(all.begin(), all.end(),
                                                   [&](const Detection& d) { return d.score >= t; })));
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, detector.detect(QImage()));
    }

    void clipLabelsEveryMask()
    {
        DetectorOptions o;
        o.modelFolder = sam_;
        o.threshold = 0;
        const QImage image = goldenImage();
        const std::vector<Detection> unlabelled = SamClipDetector(o, loose()).detect(image);
        o.labellerFolder = kClip;
        o.labels = shapeClassNames();
        const std::vector<Detection> labelled = SamClipDetector(o, loose()).detect(image);
        QCOMPARE(labelled.size(), unlabelled.size());
        for (const Detection& d : labelled) {
            QVERIFY2(o.labels.contains(d.label), qPrintable(d.label));
            const Detection* plain = sameMask(unlabelled, d.mask);
            QVERIFY(plain);
            // score = sqrt(iou * p) with p the best of six probabilities, so p = score^2 / iou in [1/6, 1].
            const double p = d.score * d.score / plain->score;
            QVERIFY2(p >= 1.0 / 6 - 1e-6 && p <= 1 + 1e-6, qPrintable(QString::number(p)));
        }
    }

    void pluginReplacesTheBuiltin()
    {
        struct Fake : Detector
        {
            QString name() const override { return QStringLiteral("fake"); }
            QString parameters() const override { return QStringLiteral("{}"); }
            std::vector<Detection> detect(const QImage&) override { return {}; }
        };
        registerDetector(QStringLiteral("SamModel"), [](const DetectorOptions&) -> std::unique_ptr<Detector> {
            return std::make_unique<Fake>();
        });
        DetectorOptions o;
        o.modelFolder = sam_;
        QString why;
        QCOMPARE(openDetector(o, &why)->name(), QStringLiteral("fake"));
        registerDetector(QStringLiteral("SamModel"),
                         [](const DetectorOptions& opts) -> std::unique_ptr<Detector> {
                             return std::make_unique<SamClipDetector>(opts);
                         });
    }
};

QTEST_MAIN(TestSamClipDetector)
#include "tst_sam_clip_detector.moc"
