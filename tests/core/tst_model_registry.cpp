// SPDX-License-Identifier: MIT
// Architecture detection from config.json and discovery of models in a (fake) Hugging Face cache.
#include "common/testsupport.h"
#include "core/models/architecture.h"
#include "core/models/checkpoint_hash.h"
#include "core/models/hfcache.h"
#include "core/models/model_registry.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
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
        QVERIFY(models[0].architecture.error.contains("DeiTModel is recognised but not supported"));
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
    void registry()
    {
        ModelRegistry reg;
        QSignalSpy spy(&reg, &ModelRegistry::changed);
        const QString golden = loupe::test::goldenDir("vit_classify");
        QCOMPARE(reg.registerFolder(golden), QString());
        QCOMPARE(reg.registerFolder(golden + "/"), QString()); // same folder: refreshed, not duplicated
        QCOMPARE(reg.registered().size(), 1);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(reg.registered()[0].name, QString("vit_classify"));
        QCOMPARE(reg.registered()[0].architecture.architecture, QString("ViTForImageClassification"));
        QVERIFY(reg.find(golden));

        QTemporaryDir tmp;
        write(tmp.filePath("clip/config.json"), R"({"architectures":["CLIPModel"]})");
        QVERIFY(reg.registerFolder(tmp.filePath("clip")).contains("not supported by this version yet"));
        write(tmp.filePath("noweights/config.json"), R"({"model_type":"vit"})");
        QVERIFY(reg.registerFolder(tmp.filePath("noweights")).contains("no weights"));
        write(tmp.filePath("broken/config.json"), R"({"model_type":"vit"})");
        write(tmp.filePath("broken/model.safetensors"), QByteArray("\x10\0\0\0\0\0\0\0{}", 10));
        const QString err = reg.registerFolder(tmp.filePath("broken"));
        QVERIFY2(err.contains("broken/model.safetensors: header length 16 runs past the end"),
                 qPrintable(err));
        QVERIFY(reg.registerFolder(tmp.filePath("absent")).contains("not a folder"));
        QCOMPARE(reg.registered().size(), 1);

        // Persisted entries come back; one whose folder vanished is kept, with its error.
        QJsonArray saved = reg.toJson();
        saved.append(QJsonObject{{"name", "gone"}, {"folder", tmp.filePath("gone")}});
        ModelRegistry restored;
        restored.fromJson(saved);
        QCOMPARE(restored.registered().size(), 2);
        QVERIFY(restored.registered()[0].architecture.ok());
        QVERIFY(restored.registered()[1].architecture.error.contains("folder is missing"));
        QVERIFY(restored.unregisterFolder(tmp.filePath("gone")));
        QVERIFY(!restored.unregisterFolder(tmp.filePath("gone")));
        QCOMPARE(restored.registered().size(), 1);

        restored.refreshCache(tmp.path()); // no models--* folders there
        QVERIFY(restored.discovered().isEmpty());
    }

    void hash()
    {
        // Expected value computed independently with Python's hashlib over the same byte sequence.
        const QString golden = loupe::test::goldenDir("vit_classify");
        QCOMPARE(checkpointHash(golden),
                 QString("b890026056e2e94c379d98eaea17aa63bda59b4fbf11b70342c642a34e5e6216"));

        // One changed weight byte changes the hash.
        QTemporaryDir tmp;
        QVERIFY(QFile::copy(golden + "/config.json", tmp.filePath("config.json")));
        QVERIFY(QFile::copy(golden + "/model.safetensors", tmp.filePath("model.safetensors")));
        QFile w(tmp.filePath("model.safetensors"));
        QVERIFY(w.open(QIODevice::ReadWrite));
        QVERIFY(w.seek(w.size() - 1));
        const char last = w.read(1)[0];
        QVERIFY(w.seek(w.size() - 1));
        w.write(QByteArray(1, char(last ^ 1)));
        w.close();
        const QString changed = checkpointHash(tmp.path());
        QCOMPARE(changed.size(), 64);
        QVERIFY(changed != checkpointHash(golden));

        QString error;
        QVERIFY(checkpointHash(tmp.filePath("absent"), &error).isEmpty());
        QVERIFY2(error.contains("not a folder"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestModelRegistry)
#include "tst_model_registry.moc"
