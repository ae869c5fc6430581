// SPDX-License-Identifier: MIT
#include "core/inference/segmenter.h"
#include "core/models/model_registry.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/maskcoco.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"
#include "core/store/project.h"
#include "core/store/records.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

namespace {

QByteArray hashFiles(const QStringList& files)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const QString& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) return {};
        h.addData(file.readAll());
    }
    return h.result();
}

} // namespace

class TestSampleProject : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("LOUPE_MODELS_DIR", LOUPE_TEST_DATA "/../../resources/models"); }

    void writesADozenImagesWithAnnotations()
    {
        QTemporaryDir dir;
        const SampleContent c = writeSampleContent(dir.path());
        QVERIFY2(c.ok(), qPrintable(c.error));
        QCOMPARE(c.images.size(), kSampleImageCount);
        for (const QString& img : c.images) {
            QImage im(img);
            QCOMPARE(im.size(), QSize(96, 96));
        }
        QVERIFY(QFile::exists(c.annotationsPath));
        QVERIFY(QFile::exists(c.labelsPath));
        QCOMPARE(c.labelNames, shapeClassNames());
        // The same dozen on every install, and writing twice changes nothing.
        QTemporaryDir other;
        const SampleContent again = writeSampleContent(other.path());
        QVERIFY(again.ok());
        const QByteArray h = hashFiles(c.images + QStringList{c.annotationsPath, c.labelsPath, c.masksPath});
        QVERIFY(!h.isEmpty());
        QCOMPARE(
            hashFiles(again.images + QStringList{again.annotationsPath, again.labelsPath, again.masksPath}),
            h);
        QVERIFY(writeSampleContent(dir.path()).ok());
        QCOMPARE(hashFiles(c.images + QStringList{c.annotationsPath, c.labelsPath, c.masksPath}), h);
    }

    // masks.json holds every ring of the dozen as the generator's exact mask: decoding its RLE gives the
    // generator's pixels back, hole included.
    void ringMasksAreExact()
    {
        QTemporaryDir dir;
        const SampleContent c = writeSampleContent(dir.path());
        QVERIFY2(c.ok(), qPrintable(c.error));
        QFile f(c.masksPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonArray anns = doc.value(QStringLiteral("annotations")).toArray();
        const ShapesWorld world(kSampleSeed);
        std::vector<ShapeObject> rings;
        for (int i = 0; i < kSampleImageCount; ++i)
            for (const ShapeObject& o : world.generate(i).objects)
                if (o.cls == ShapeClass::Ring) rings.push_back(o);
        QVERIFY(!rings.empty());
        QCOMPARE(anns.size(), qsizetype(rings.size()));
        for (size_t k = 0; k < rings.size(); ++k) {
            const QJsonObject seg =
                anns[qsizetype(k)].toObject().value(QStringLiteral("segmentation")).toObject();
            const QJsonArray counts = seg.value(QStringLiteral("counts")).toArray();
            QImage decoded(96, 96, QImage::Format_Grayscale8);
            int pos = 0, set = 0;
            for (qsizetype r = 0; r < counts.size(); ++r)
                for (int n = 0; n < counts[r].toInt(); ++n, ++pos)
                    decoded.scanLine(pos % 96)[pos / 96] = (r % 2) ? 255 : 0;
            QCOMPARE(pos, 96 * 96);
            for (int y = 0; y < 96; ++y)
                for (int x = 0; x < 96; ++x) {
                    const bool inside = rings[k].mask.constScanLine(y)[x] != 0;
                    QCOMPARE(decoded.constScanLine(y)[x] != 0, inside);
                    set += inside;
                }
            QCOMPARE(set, rings[k].area);
            // The centre of a ring is its hole.
            const QPoint centre = rings[k].center.toPoint();
            QCOMPARE(int(decoded.constScanLine(centre.y())[centre.x()]), 0);
        }
    }

    void rleStartsWithABackgroundRun()
    {
        QImage m(2, 2, QImage::Format_Grayscale8);
        m.fill(255);
        m.scanLine(1)[1] = 0; // column-major: set, set, set, clear
        const QJsonArray counts = cocoRle(m).value(QStringLiteral("counts")).toArray();
        QCOMPARE(counts, (QJsonArray{0, 3, 1}));
    }

    void shippedModelIsFoundAndRegisters()
    {
        const QString folder = findShippedModel();
        QVERIFY(!folder.isEmpty());
        QVERIFY(folder.endsWith(QStringLiteral("/shapes-vit")));
        ModelRegistry registry;
        QCOMPARE(registry.registerFolder(folder), QString());
        QCOMPARE(registry.registered().size(), 1);
        QVERIFY(registry.registerFolder(findShippedModel(QStringLiteral("shapes-vit-random"))).isEmpty());
        QVERIFY(findShippedModel(QStringLiteral("no-such-model")).isEmpty());
    }

    // The sample project registers the shipped SAM as a SamModel, so the SAM tool (which takes the
    // project's first SamModel) answers with it instead of the GrabCut fallback.
    void shippedSamIsRegisteredAndOpens()
    {
        const QString folder = findShippedModel(kSampleSegmentModel);
        QVERIFY2(!folder.isEmpty(), "resources/models/shapes-sam is not found");
        QVERIFY(!findShippedModel(QStringLiteral("shapes-sam-random")).isEmpty());
        QTemporaryDir dir;
        QString error;
        const QString path = createSampleProject(dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<Project> project = Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        QString registered, architecture;
        for (const ModelRecord& m : project->models())
            if (m.name == kSampleSegmentModel) registered = m.path, architecture = m.architecture;
        QCOMPARE(registered, folder);
        QCOMPARE(architecture, QStringLiteral("sam"));
        const auto sam = SamCheckpoint::open(registered);
        QCOMPARE(sam->model.config().architectures, std::vector<std::string>{"SamModel"});
        QCOMPARE(sam->model.config().vision.imageSize, int64_t(128));
        // A click on the first sample image gives a mask of the image's size.
        Segmenter segmenter;
        segmenter.setModel(sam);
        const QString image = project->absolutePath(project->assetPage({}, 0, 1).first().storedPath);
        SegmentPrompt prompt;
        prompt.points = {QPointF(48, 48)};
        prompt.labels = {1};
        const SegmentResult r = segmenter.segment(image, prompt);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.engine, SegmentResult::Engine::Sam);
        QCOMPARE(r.mask.size(), QSize(96, 96));
    }

    void unwritableFolderIsReported()
    {
        QTemporaryDir dir;
        const QString file = QDir(dir.path()).filePath(QStringLiteral("plainfile"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const SampleContent c = writeSampleContent(file);
        QVERIFY(!c.ok());
        QVERIFY(c.error.contains(file));
    }
};

QTEST_MAIN(TestSampleProject)
#include "tst_sampleproject.moc"
