// SPDX-License-Identifier: MIT
// `loupe explain-quality` on real files: an image folder with a mask folder gives exactly what the
// generated shapes world gives for the same images; a COCO file's union masks contain the prominent
// object's, so its scores are no lower; broken inputs are refused naming the file; and an installed
// tree (cmake --install) finds the shipped models in share/loupe/models with no source tree around.
#include "common/runloupe.h"
#include "core/samples/shapeswriter.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using loupe::test::runLoupe;

namespace {

const QString kModels = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/");
constexpr int kSeed = 9;
constexpr int kCount = 4;

QJsonObject method(const QJsonObject& run, const char* name)
{
    return run.value(QLatin1String("methods")).toObject().value(QLatin1String(name)).toObject();
}

double metric(const QJsonObject& run, const char* name, const char* key)
{
    return method(run, name).value(QLatin1String(key)).toDouble(-1);
}

} // namespace

class TestCliExplainQuality : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const core::ShapesWorld world(kSeed);
        const core::ShapesDatasetResult r = core::writeShapesDataset(m_dir.path(), world, kCount);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("masks")));
        for (int i = 0; i < kCount; ++i) {
            const core::ShapesSample s = world.generate(i);
            QVERIFY(s.objects[size_t(s.prominent)].mask.save(
                m_dir.filePath(QStringLiteral("masks/") + core::shapesFileName(i))));
        }
    }

    void folderMatchesTheGeneratedWorld()
    {
        const QStringList common{QStringLiteral("--model"),   kModels + "shapes-vit",
                                 QStringLiteral("--methods"), QStringLiteral("attention,rollout"),
                                 QStringLiteral("--steps"),   QStringLiteral("4"),
                                 QStringLiteral("--threads"), QStringLiteral("2")};
        const QString csv = m_dir.filePath(QStringLiteral("rows.csv"));
        const auto folder =
            runLoupe(QStringList{QStringLiteral("explain-quality"), QStringLiteral("--images"),
                                 m_dir.filePath(QStringLiteral("images")), QStringLiteral("--masks"),
                                 m_dir.filePath(QStringLiteral("masks")), QStringLiteral("--targets"),
                                 m_dir.filePath(QStringLiteral("labels.csv")), QStringLiteral("--csv"), csv} +
                     common);
        QVERIFY2(folder.code == 0, qPrintable(folder.err));
        const auto world =
            runLoupe(QStringList{QStringLiteral("explain-quality"), QStringLiteral("--seed"),
                                 QString::number(kSeed), QStringLiteral("--count"), QString::number(kCount)} +
                     common);
        QVERIFY2(world.code == 0, qPrintable(world.err));
        const QJsonObject f = QJsonDocument::fromJson(folder.out.toUtf8()).object();
        const QJsonObject w = QJsonDocument::fromJson(world.out.toUtf8()).object();
        QCOMPARE(f.value(QLatin1String("images")).toInt(), kCount);
        // labels.csv named every image's class, so accuracy against it is reported.
        QCOMPARE(f.value(QLatin1String("labelled_images")).toInt(), kCount);
        QCOMPARE(f.value(QLatin1String("top1_accuracy")).toDouble(),
                 w.value(QLatin1String("top1_accuracy")).toDouble());
        for (const char* m : {"attention", "rollout"})
            for (const char* k :
                 {"pointing_accuracy", "positive_relevance_inside", "deletion_auc", "insertion_auc"}) {
                const double a = metric(f, m, k), b = metric(w, m, k);
                QVERIFY2(a >= 0 && a <= 1, qPrintable(QStringLiteral("%1 %2").arg(m, k)));
                QVERIFY2(std::abs(a - b) < 1e-9,
                         qPrintable(QStringLiteral("%1 %2: %3 vs %4").arg(m, k).arg(a).arg(b)));
            }
        QFile rows(csv);
        QVERIFY(rows.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = rows.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + kCount * 2);
        QVERIFY(lines[1].startsWith("shapes_000000.png,attention,"));
    }

    void cocoUnionMasksScoreNoLower()
    {
        const QStringList common{QStringLiteral("explain-quality"),
                                 QStringLiteral("--model"),
                                 kModels + "shapes-vit",
                                 QStringLiteral("--methods"),
                                 QStringLiteral("rollout"),
                                 QStringLiteral("--steps"),
                                 QStringLiteral("2"),
                                 QStringLiteral("--images"),
                                 m_dir.filePath(QStringLiteral("images")),
                                 QStringLiteral("--threads"),
                                 QStringLiteral("2")};
        const auto coco = runLoupe(common + QStringList{QStringLiteral("--coco"),
                                                        m_dir.filePath(QStringLiteral("annotations.json"))});
        QVERIFY2(coco.code == 0, qPrintable(coco.err));
        const auto masks = runLoupe(
            common + QStringList{QStringLiteral("--masks"), m_dir.filePath(QStringLiteral("masks"))});
        QVERIFY2(masks.code == 0, qPrintable(masks.err));
        const QJsonObject c = QJsonDocument::fromJson(coco.out.toUtf8()).object();
        const QJsonObject m = QJsonDocument::fromJson(masks.out.toUtf8()).object();
        QCOMPARE(c.value(QLatin1String("images")).toInt(), kCount);
        // No targets file: the model's top class, so no accuracy is claimed.
        QVERIFY(!c.contains(QLatin1String("top1_accuracy")));
        // The union of all objects contains the prominent one: inside share and pointing can only grow.
        QVERIFY(metric(c, "rollout", "positive_relevance_inside") >=
                metric(m, "rollout", "positive_relevance_inside"));
        QVERIFY(metric(c, "rollout", "pointing_accuracy") >= metric(m, "rollout", "pointing_accuracy"));
        QCOMPARE(metric(c, "rollout", "deletion_auc"), metric(m, "rollout", "deletion_auc"));
    }

    void brokenInputsNameTheFile()
    {
        QTemporaryDir tmp;
        QDir(tmp.path()).mkpath(QStringLiteral("images/sub"));
        QDir(tmp.path()).mkpath(QStringLiteral("masks/sub"));
        QImage image(32, 24, QImage::Format_RGB888);
        image.fill(Qt::gray);
        QVERIFY(image.save(tmp.filePath(QStringLiteral("images/sub/a.jpg"))));
        const QStringList base{QStringLiteral("explain-quality"),
                               QStringLiteral("--model"),
                               kModels + "shapes-vit",
                               QStringLiteral("--images"),
                               tmp.filePath(QStringLiteral("images")),
                               QStringLiteral("--masks"),
                               tmp.filePath(QStringLiteral("masks"))};
        // No mask at all.
        auto r = runLoupe(base);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("images/sub/a.jpg")) &&
                     r.err.contains(QLatin1String("no mask")),
                 qPrintable(r.err));
        // A mask of the wrong size.
        QImage mask(24, 24, QImage::Format_Grayscale8);
        mask.fill(255);
        QVERIFY(mask.save(tmp.filePath(QStringLiteral("masks/sub/a.png"))));
        r = runLoupe(base);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("masks/sub/a.png")) &&
                     r.err.contains(QStringLiteral("24×24")) && r.err.contains(QStringLiteral("32×24")),
                 qPrintable(r.err));
        // A mask that is not an image.
        QFile junk(tmp.filePath(QStringLiteral("masks/sub/a.png")));
        QVERIFY(junk.open(QIODevice::WriteOnly | QIODevice::Truncate));
        junk.write("not a png");
        junk.close();
        r = runLoupe(base);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("masks/sub/a.png")) &&
                     r.err.contains(QLatin1String("cannot read")),
                 qPrintable(r.err));
        // A targets file with a line that is not "image,class".
        QFile targets(tmp.filePath(QStringLiteral("targets.csv")));
        QVERIFY(targets.open(QIODevice::WriteOnly));
        targets.write("image,class\na.jpg\n");
        targets.close();
        r = runLoupe(base + QStringList{QStringLiteral("--targets"), targets.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(targets.fileName() + QStringLiteral(":2")), qPrintable(r.err));
        // Usage errors: masks and COCO together, a method that gives no map.
        QCOMPARE(
            runLoupe(base + QStringList{QStringLiteral("--coco"), tmp.filePath(QStringLiteral("x.json"))})
                .code,
            2);
        QCOMPARE(runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--methods"),
                           QStringLiteral("head-importance")})
                     .code,
                 2);
    }

    // An installed tree has the models in share/loupe/models; with no --model the command finds them
    // there, relative to the executable, and nowhere else (no LOUPE_MODELS_DIR, no source tree above).
    void installedTreeFindsTheShippedModels()
    {
        QTemporaryDir prefix;
        QProcess install;
        install.start(QStringLiteral("cmake"), {QStringLiteral("--install"), QStringLiteral(LOUPE_BINARY_DIR),
                                                QStringLiteral("--prefix"), prefix.path()});
        QVERIFY(install.waitForFinished(120000));
        QVERIFY2(install.exitCode() == 0, install.readAllStandardError().constData());
        const QString models = prefix.filePath(QStringLiteral("share/loupe/models"));
        for (const char* f : {"shapes-vit/config.json", "shapes-vit/model.safetensors",
                              "shapes-vit/README.md", "shapes-vit-random/model.safetensors"})
            QVERIFY2(QFile::exists(models + QLatin1Char('/') + QLatin1String(f)), f);
        QProcess run;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("LOUPE_MODELS_DIR"));
        run.setProcessEnvironment(env);
        run.start(prefix.filePath(QStringLiteral("bin/loupe")),
                  {QStringLiteral("explain-quality"), QStringLiteral("--count"), QStringLiteral("1"),
                   QStringLiteral("--methods"), QStringLiteral("attention"), QStringLiteral("--steps"),
                   QStringLiteral("1")});
        QVERIFY(run.waitForFinished(120000));
        QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(run.readAllStandardOutput()).object();
        const QString canonical = QDir(models).canonicalPath();
        QCOMPARE(j.value(QLatin1String("model")).toString(), canonical + QStringLiteral("/shapes-vit"));
        QCOMPARE(j.value(QLatin1String("random_model")).toString(),
                 canonical + QStringLiteral("/shapes-vit-random"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliExplainQuality)
#include "tst_cli_explain_quality.moc"
