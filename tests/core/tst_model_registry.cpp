// SPDX-License-Identifier: MIT
// Architecture detection from config.json and discovery of models in a (fake) Hugging Face cache.
#include "common/testsupport.h"
#include "core/models/architecture.h"
#include "core/models/hfcache.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

void write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestModelRegistry : public QObject
{
    Q_OBJECT
private slots:
    void detectGolden()
    {
        const DetectedArchitecture d = detectArchitecture(loupe::test::goldenDir("vit_classify"));
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.architecture, QString("ViTForImageClassification"));
        QCOMPARE(d.modelType, QString("vit"));
        QCOMPARE(d.task, QString("image-classification"));
        QCOMPARE(d.numLabels, 10);
    }

    void detection_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("architecture");
        QTest::addColumn<QString>("error");
        QTest::newRow("deit teacher")
            << QByteArray(
                   R"({"architectures":["DeiTForImageClassificationWithTeacher"],"model_type":"deit"})")
            << "DeiTForImageClassificationWithTeacher"
            << "";
        QTest::newRow("model_type only")
            << QByteArray(R"({"model_type":"vit"})") << "ViTForImageClassification"
            << "";
        QTest::newRow("second entry known")
            << QByteArray(R"({"architectures":["MyViT","ViTModel"]})") << "ViTModel"
            << "";
        QTest::newRow("unknown")
            << QByteArray(R"({"architectures":["ResNetForImageClassification"],"model_type":"resnet"})") << ""
            << "unsupported architecture 'ResNetForImageClassification'; supported: "
               "ViTForImageClassification, ViTModel, DeiTForImageClassification";
        QTest::newRow("unknown type") << QByteArray(R"({"model_type":"swin"})") << ""
                                      << "unsupported model_type 'swin'";
        QTest::newRow("known not yet")
            << QByteArray(R"({"architectures":["CLIPModel"]})") << ""
            << "CLIPModel is recognised but not supported by this version yet; supported: ViT";
        QTest::newRow("not json") << QByteArray("{oops") << ""
                                  << "not a valid JSON object";
    }
    void detection()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, architecture);
        QFETCH(QString, error);
        const DetectedArchitecture d = detectArchitectureFromJson(json, "/m/config.json");
        QCOMPARE(d.architecture, architecture);
        if (error.isEmpty()) {
            QVERIFY2(d.ok(), qPrintable(d.error));
        } else {
            QVERIFY2(d.error.startsWith("/m/config.json: "), qPrintable(d.error));
            QVERIFY2(d.error.contains(error), qPrintable(d.error));
        }
    }

    void missingConfig()
    {
        QTemporaryDir tmp;
        const DetectedArchitecture d = detectArchitecture(tmp.path());
        QVERIFY(!d.ok());
        QVERIFY2(d.error.contains(tmp.path() + "/config.json: cannot read"), qPrintable(d.error));
    }

    void cacheDirFromEnvironment()
    {
        QProcessEnvironment env;
        env.insert("HOME", "/home/u");
        QCOMPARE(hfHubCacheDir(env), QString("/home/u/.cache/huggingface/hub"));
        env.insert("XDG_CACHE_HOME", "/xdg");
        QCOMPARE(hfHubCacheDir(env), QString("/xdg/huggingface/hub"));
        env.insert("HF_HOME", "/hf");
        QCOMPARE(hfHubCacheDir(env), QString("/hf/hub"));
        env.insert("HUGGINGFACE_HUB_CACHE", "/legacy");
        QCOMPARE(hfHubCacheDir(env), QString("/legacy"));
        env.insert("HF_HUB_CACHE", "/hubcache");
        QCOMPARE(hfHubCacheDir(env), QString("/hubcache"));
    }

    void discoverFakeCache()
    {
        QTemporaryDir tmp;
        const QString c = tmp.path();
        const QByteArray vitCfg =
            R"({"architectures":["ViTForImageClassification"],"model_type":"vit","id2label":{"0":"a","1":"b"}})";
        // google/vit-base: two snapshots, refs/main -> the newer; weights are symlinks into blobs/.
        const QString vit = c + "/models--google--vit-base-patch16-224";
        write(vit + "/blobs/aaa", vitCfg);
        write(vit + "/blobs/bbb", "weights");
        QDir().mkpath(vit + "/snapshots/1111");
        QDir().mkpath(vit + "/snapshots/2222");
        QVERIFY(QFile::link("../../blobs/aaa", vit + "/snapshots/2222/config.json"));
        QVERIFY(QFile::link("../../blobs/bbb", vit + "/snapshots/2222/model.safetensors"));
        write(vit + "/snapshots/1111/config.json", vitCfg); // old revision without weights
        write(vit + "/refs/main", "2222\n");
        write(vit + "/refs/pr/1", "2222");
        // A recognised but not yet supported model, a repo without organisation, and things to skip.
        write(c + "/models--openai--clip-vit-base-patch32/snapshots/3333/config.json",
              R"({"architectures":["CLIPModel"]})");
        write(c + "/models--openai--clip-vit-base-patch32/refs/main", "3333");
        write(c + "/models--gpt2/snapshots/4444/pytorch_model.bin", "x"); // no config.json: skipped
        write(c + "/models--deit/snapshots/5555/config.json", R"({"model_type":"deit"})");
        write(c + "/datasets--foo--bar/snapshots/6666/config.json", vitCfg);
        QDir().mkpath(c + "/.locks/models--google--vit-base-patch16-224");

        const QList<CachedModel> models = discoverCachedModels(c);
        QCOMPARE(models.size(), 4);
        QCOMPARE(models[0].repoId, QString("deit"));
        QVERIFY(models[0].architecture.ok());
        QCOMPARE(models[0].architecture.architecture, QString("DeiTForImageClassification"));
        QVERIFY(!models[0].hasWeights);

        QCOMPARE(models[1].repoId, QString("google/vit-base-patch16-224"));
        QCOMPARE(models[1].revision, QString("2222")); // the revision a ref points at comes first
        QCOMPARE(models[1].refs, (QStringList{"main", "pr/1"}));
        QVERIFY(models[1].hasWeights);
        QCOMPARE(models[1].architecture.numLabels, 2);
        QCOMPARE(models[1].path, QDir(vit + "/snapshots/2222").absolutePath());
        QCOMPARE(models[2].revision, QString("1111"));
        QVERIFY(models[2].refs.isEmpty());
        QVERIFY(!models[2].hasWeights);

        QCOMPARE(models[3].repoId, QString("openai/clip-vit-base-patch32"));
        QVERIFY(!models[3].architecture.ok());
        QVERIFY(models[3].architecture.error.contains("not supported by this version yet"));

        QVERIFY(discoverCachedModels(c + "/does-not-exist").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestModelRegistry)
#include "tst_model_registry.moc"
