// SPDX-License-Identifier: MIT
// Checkpoint folders (single and sharded safetensors) and ViT config validation.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/config.h"
#include "compute/io/safetensors_writer.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>

using namespace loupe::compute;
namespace fs = std::filesystem;

namespace {

void writeText(const fs::path& p, const std::string& text)
{
    std::ofstream(p) << text;
}

QString errorOpening(const fs::path& folder)
{
    try {
        Checkpoint::open(folder);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString configError(const std::string& text)
{
    try {
        ViTConfig::fromJson(nlohmann::json::parse(text), "/m/config.json");
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A two-shard checkpoint: x (f32) in shard 1, y (bf16) in shard 2.
void writeSharded(const fs::path& dir, const std::string& index)
{
    writeText(dir / "config.json", R"({"model_type":"vit"})");
    SafetensorsWriter a;
    const float x[3] = {1, 2, 3};
    a.addF32("x", {3}, x);
    a.write(dir / "model-00001-of-00002.safetensors");
    SafetensorsWriter b;
    const uint16_t y[2] = {floatToBf16(-1.5f), floatToBf16(4.0f)};
    b.add("y", DType::BF16, {1, 2}, y, 4);
    b.write(dir / "model-00002-of-00002.safetensors");
    writeText(dir / "model.safetensors.index.json", index);
}

const char* kGoodIndex = R"({"metadata":{"total_size":16},"weight_map":{
    "x":"model-00001-of-00002.safetensors","y":"model-00002-of-00002.safetensors"}})";

} // namespace

class TestCheckpoint : public QObject
{
    Q_OBJECT
private slots:
    void goldenFolder()
    {
        const Checkpoint c = Checkpoint::open(loupe::test::goldenDir("vit_classify").toStdString());
        QCOMPARE(c.format(), Checkpoint::Format::Safetensors);
        QCOMPARE(c.config()["hidden_size"].get<int>(), 48);
        QCOMPARE(c.names().size(), size_t(56));
        QVERIFY(c.contains("vit.embeddings.cls_token"));
        QCOMPARE(c.tensor("vit.embeddings.patch_embeddings.projection.weight").shape,
                 (std::vector<int64_t>{48, 3, 16, 16}));
        QCOMPARE(c.toF32("classifier.bias")[2], 0.3533666133880615f);
        QVERIFY_THROWS_EXCEPTION(Error, c.tensor("nope"));
        // Copies share the mapping: views of a copy stay valid after the original is gone.
        const TensorView* v = nullptr;
        Checkpoint copy = c;
        {
            const Checkpoint local = copy;
            v = local.find("classifier.bias");
        }
        QCOMPARE(toF32(*v)[0], 0.016729585826396942f);
        const ViTConfig cfg = ViTConfig::fromJson(c.config());
        QCOMPARE(cfg.hiddenSize, int64_t(48));
        QCOMPARE(cfg.numAttentionHeads, int64_t(4));
        QCOMPARE(cfg.headDim(), int64_t(12));
        QCOMPARE(cfg.numLabels(), int64_t(10));
        QCOMPARE(cfg.id2label.at(4), std::string("brown bear"));
        QCOMPARE(cfg.architectures, std::vector<std::string>{"ViTForImageClassification"});
        QCOMPARE(cfg.layerNormEps, 1e-12);
        QCOMPARE(cfg.gridSize(), int64_t(4));
        // 48*3*16*16 patch weights alone; the total is every element of every tensor.
        QVERIFY(c.parameterCount() > 36864);
    }

    void sharded()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeSharded(dir, kGoodIndex);
        const Checkpoint c = Checkpoint::open(dir);
        QCOMPARE(c.format(), Checkpoint::Format::ShardedSafetensors);
        QCOMPARE(c.files().size(), size_t(2));
        QCOMPARE(c.names(), (std::vector<std::string>{"x", "y"}));
        QCOMPARE(c.toF32("x"), (std::vector<float>{1, 2, 3}));
        QCOMPARE(c.toF32("y"), (std::vector<float>{-1.5f, 4.0f}));
        QCOMPARE(c.tensor("y").dtype, DType::BF16);
        QCOMPARE(c.parameterCount(), uint64_t(5));
    }

    void shardedTorchBin()
    {
        // Two real torch.save files as shards of one checkpoint.
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const fs::path data = std::string(LOUPE_TEST_DATA) + "/torch";
        fs::copy_file(data / "torch_mixed/pytorch_model.bin", dir / "pytorch_model-00001-of-00002.bin");
        fs::copy_file(data / "torch_module/pytorch_model.bin", dir / "pytorch_model-00002-of-00002.bin");
        writeText(dir / "config.json", "{}");
        writeText(dir / "pytorch_model.bin.index.json",
                  R"({"weight_map":{"f32":"pytorch_model-00001-of-00002.bin",
            "transposed":"pytorch_model-00001-of-00002.bin","2.weight":"pytorch_model-00002-of-00002.bin"}})");
        const Checkpoint c = Checkpoint::open(dir);
        QCOMPARE(c.format(), Checkpoint::Format::ShardedPytorchBin);
        QCOMPARE(c.files().size(), size_t(2));
        QCOMPARE(c.tensor("2.weight").dtype, DType::F16);
        QCOMPARE(c.tensor("2.weight").shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(c.tensor("transposed").shape, (std::vector<int64_t>{6, 4}));
        QVERIFY(c.contains("0.bias")); // every tensor of a shard is loaded, listed or not
        writeText(dir / "pytorch_model.bin.index.json",
                  R"({"weight_map":{"nope":"pytorch_model-00002-of-00002.bin"}})");
        QVERIFY(errorOpening(dir).contains("tensor 'nope' is mapped to shard"));
    }

    void brokenFolders_data()
    {
        QTest::addColumn<QString>("index");
        QTest::addColumn<QString>("removeFile");
        QTest::addColumn<QString>("expect");
        QTest::newRow("missing shard") << kGoodIndex << "model-00002-of-00002.safetensors"
                                       << "shard 'model-00002-of-00002.safetensors' is missing";
        QTest::newRow("tensor not in shard")
            << R"({"weight_map":{"x":"model-00001-of-00002.safetensors","z":"model-00001-of-00002.safetensors"}})"
            << ""
            << "tensor 'z' is mapped to shard";
        QTest::newRow("path escape") << R"({"weight_map":{"x":"../model.safetensors"}})"
                                     << ""
                                     << "not a file name";
        QTest::newRow("no weight map") << R"({"metadata":{}})"
                                       << ""
                                       << "weight_map";
        QTest::newRow("index not json") << "{weight_map"
                                        << ""
                                        << "not valid JSON";
        QTest::newRow("no config") << kGoodIndex << "config.json"
                                   << "config.json: missing";
    }
    void brokenFolders()
    {
        QFETCH(QString, index);
        QFETCH(QString, removeFile);
        QFETCH(QString, expect);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeSharded(dir, index.toStdString());
        if (!removeFile.isEmpty()) fs::remove(dir / removeFile.toStdString());
        const QString err = errorOpening(dir);
        QVERIFY2(err.contains(expect), qPrintable(err));
        QVERIFY2(err.contains(tmp.path()), qPrintable(err)); // names the file
    }

    void noWeights()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeText(dir / "config.json", "{}");
        QVERIFY(errorOpening(dir).contains("no weights"));
        writeText(dir / "config.json", "[1]");
        QVERIFY(errorOpening(dir).contains("not a JSON object"));
        QVERIFY(errorOpening(dir / "absent").contains("not a folder"));
    }

    void vitConfigErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expect");
        QTest::newRow("zero heads") << R"({"num_attention_heads":0})"
                                    << "\"num_attention_heads\" must be positive";
        QTest::newRow("not divisible") << R"({"hidden_size":50,"num_attention_heads":4})"
                                       << "\"hidden_size\" (50) is not divisible by num_attention_heads (4)";
        QTest::newRow("negative size") << R"({"intermediate_size":-1})"
                                       << "\"intermediate_size\" must be positive";
        QTest::newRow("patch") << R"({"image_size":64,"patch_size":15})"
                               << "\"patch_size\" (15) does not divide";
        QTest::newRow("string size") << R"({"hidden_size":"768"})"
                                     << "\"hidden_size\" must be an integer";
        QTest::newRow("fraction") << R"({"hidden_size":767.5})"
                                  << "\"hidden_size\" must be an integer";
        QTest::newRow("eps") << R"({"layer_norm_eps":0})"
                             << "\"layer_norm_eps\" must be positive";
        QTest::newRow("act") << R"({"hidden_act":"mystery"})"
                             << "unknown activation 'mystery'";
        QTest::newRow("labels hole") << R"({"id2label":{"0":"a","2":"c"}})"
                                     << "\"id2label\" class indices";
        QTest::newRow("labels key") << R"({"id2label":{"x":"a"}})"
                                    << "not a class index";
        QTest::newRow("num_labels") << R"({"id2label":{"0":"a"},"num_labels":3})"
                                    << "\"num_labels\" (3)";
        QTest::newRow("huge") << R"({"hidden_size":1099511627776,"num_attention_heads":1})"
                              << "\"hidden_size\" (1099511627776) is implausibly large";
        QTest::newRow("qkv") << R"({"qkv_bias":"yes"})"
                             << "\"qkv_bias\" must be true or false";
    }
    void vitConfigErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, expect);
        const QString err = configError(json.toStdString());
        QVERIFY2(err.startsWith("/m/config.json: field "), qPrintable(err));
        QVERIFY2(err.contains(expect), qPrintable(err));
    }

    void vitConfigDefaults()
    {
        const ViTConfig c =
            ViTConfig::fromJson(nlohmann::json::parse(R"({"num_labels":2,"hidden_size":768.0})"));
        QCOMPARE(c.hiddenSize, int64_t(768));
        QCOMPARE(c.numHiddenLayers, int64_t(12));
        QCOMPARE(c.imageSize, int64_t(224));
        QCOMPARE(c.hiddenAct, std::string("gelu"));
        QCOMPARE(c.qkvBias, true);
        QCOMPARE(c.numLabels(), int64_t(2));
        QCOMPARE(c.id2label.at(1), std::string("LABEL_1"));
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
