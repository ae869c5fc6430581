// SPDX-License-Identifier: MIT
// CLIPModel's refusals and rules beyond the golden case: unsupported architectures, broken configs,
// missing / unexpected / misshapen tensors, texts longer than the position table, ids outside the
// vocabulary, wrong image sizes, and the library's two pooling rules (eos_token_id == 2 or not).
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/clip.h"

#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

using namespace loupe::compute;
using json = nlohmann::json;

namespace {

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestClipModel : public QObject
{
    Q_OBJECT

    std::string golden_;
    QTemporaryDir tmp_;
    int made_ = 0;

    // A checkpoint folder with the golden config edited by `editConfig` and the golden tensors filtered
    // and added to by `editTensors`.
    std::string
    makeCheckpoint(const std::function<void(json&)>& editConfig,
                   const std::function<void(SafetensorsWriter&, const TensorView&)>& editTensors = {})
    {
        const std::string dir = (tmp_.path() + "/ckpt" + QString::number(made_++)).toStdString();
        std::filesystem::create_directories(dir);
        json cfg = readJsonFile(golden_ + "/config.json");
        if (editConfig) editConfig(cfg);
        std::ofstream(dir + "/config.json") << cfg.dump();
        const SafetensorsFile f = SafetensorsFile::open(golden_ + "/model.safetensors");
        SafetensorsWriter w;
        for (const TensorView& v : f.tensors()) {
            if (editTensors)
                editTensors(w, v);
            else
                w.add(v.name, v.dtype, v.shape, v.data, v.nbytes);
        }
        w.write(dir + "/model.safetensors");
        return dir;
    }

    static void copyTensor(SafetensorsWriter& w, const TensorView& v)
    {
        w.add(v.name, v.dtype, v.shape, v.data, v.nbytes);
    }

    std::string loadError(const std::string& dir)
    {
        return errorOf([&] { ClipModel::fromCheckpoint(Checkpoint::open(dir)); });
    }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        golden_ = loupe::test::goldenDir(QStringLiteral("clip_match")).toStdString();
    }

    void unsupportedArchitecture()
    {
        const std::string e =
            loadError(makeCheckpoint([](json& c) { c["architectures"] = {"CLIPVisionModel"}; }));
        QVERIFY2(e.find("'CLIPVisionModel' is not supported") != std::string::npos, e.c_str());
        QVERIFY2(e.find("config.json") != std::string::npos, e.c_str());
    }

    void brokenConfig_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("heads") << "vision_config/num_attention_heads" << 5 << "not divisible into 5";
        QTest::newRow("patch") << "vision_config/patch_size" << 15 << "not a multiple of patch_size";
        QTest::newRow("eos") << "text_config/eos_token_id" << 900 << "outside the vocabulary";
        QTest::newRow("layers") << "text_config/num_hidden_layers" << 0 << "must be at least 1";
    }
    void brokenConfig()
    {
        QFETCH(QString, path);
        QFETCH(int, value);
        QFETCH(QString, message);
        const QStringList parts = path.split('/');
        const std::string e = loadError(
            makeCheckpoint([&](json& c) { c[parts[0].toStdString()][parts[1].toStdString()] = value; }));
        QVERIFY2(e.find(message.toStdString()) != std::string::npos, e.c_str());
        QVERIFY2(e.find(parts[0].toStdString() + ": field") != std::string::npos, e.c_str());
    }

    void missingTensor()
    {
        const std::string e = loadError(makeCheckpoint({}, [](SafetensorsWriter& w, const TensorView& v) {
            if (v.name != "text_projection.weight") copyTensor(w, v);
        }));
        QVERIFY2(e.find("missing tensor 'text_projection.weight'") != std::string::npos, e.c_str());
    }

    void unexpectedTensor()
    {
        const std::string e = loadError(makeCheckpoint({}, [](SafetensorsWriter& w, const TensorView& v) {
            copyTensor(w, v);
            if (v.name == "logit_scale") w.add("extra.weight", v.dtype, v.shape, v.data, v.nbytes);
        }));
        QVERIFY2(e.find("unexpected tensor 'extra.weight'") != std::string::npos, e.c_str());
    }

    void misshapenTensor()
    {
        // A config that disagrees with the weights: 8 projection dims instead of 24.
        const std::string e = loadError(makeCheckpoint([](json& c) { c["projection_dim"] = 8; }));
        QVERIFY2(e.find("visual_projection.weight' has shape [24, 48], expected [8, 48]") !=
                     std::string::npos,
                 e.c_str());
    }

    void textLimits()
    {
        const ClipModel m = ClipModel::fromCheckpoint(Checkpoint::open(golden_));
        const int64_t maxPos = m.config().text.maxPositionEmbeddings; // 32
        std::vector<int64_t> longText(size_t(maxPos + 1), 5);
        std::string e = errorOf([&] { m.encodeText(ClipTextBatch::pad({longText}, 813)); });
        QVERIFY2(e.find("longer than the model's 32 positions") != std::string::npos, e.c_str());
        longText.resize(size_t(maxPos));
        QCOMPARE(m.encodeText(ClipTextBatch::pad({longText}, 813)).embeds.shape(), (Shape{1, 24}));
        e = errorOf([&] { m.encodeText(ClipTextBatch::pad({{812, 814, 813}}, 813)); });
        QVERIFY2(e.find("token id 814 is outside the vocabulary of 814") != std::string::npos, e.c_str());
        e = errorOf([&] { ClipTextBatch::pad({{812, 813}, {}}, 813); });
        QVERIFY2(e.find("text 2 has no tokens") != std::string::npos, e.c_str());
        e = errorOf([&] { m.encodeImage(Tensor::zeros(DType::F32, {1, 3, 32, 32})); });
        QVERIFY2(e.find("pixel_values must be [batch, 3, 64, 64], got [1, 3, 32, 32]") != std::string::npos,
                 e.c_str());
    }

    // transformers 4.41 CLIPTextTransformer: eos_token_id == 2 pools at argmax(input_ids) (the old rule,
    // kept for configs written before 4.31); otherwise at the first eos_token_id, or 0 without one.
    void poolingRules()
    {
        const ClipModel current = ClipModel::fromCheckpoint(Checkpoint::open(golden_));
        const ClipTextBatch b = ClipTextBatch::pad({{812, 5, 813, 800, 813}, {812, 7, 9}}, 0);
        QCOMPARE(current.poolPositions(b), (std::vector<int64_t>{2, 0}));
        const ClipModel legacy = ClipModel::fromCheckpoint(
            Checkpoint::open(makeCheckpoint([](json& c) { c["text_config"]["eos_token_id"] = 2; })));
        // Largest id: 813 at position 2 (the first of equal maxima), 812 at 0 in the second row.
        QCOMPARE(legacy.poolPositions(b), (std::vector<int64_t>{2, 0}));
        const ClipTextBatch c = ClipTextBatch::pad({{1, 5, 700, 2}}, 2);
        QCOMPARE(legacy.poolPositions(c), (std::vector<int64_t>{2}));
        QCOMPARE(current.poolPositions(c), (std::vector<int64_t>{0}));
        // The pooled position changes the embedding: padding after eos is never read.
        const ClipTextBatch padded = ClipTextBatch::pad({{812, 5, 813}, {812, 5, 813, 7, 9}}, 813);
        const std::vector<float> e = current.encodeText(padded).embeds.toF32Vector();
        const std::vector<float> alone =
            current.encodeText(ClipTextBatch::pad({{812, 5, 813}}, 813)).embeds.toF32Vector();
        for (size_t i = 0; i < alone.size(); ++i) {
            QVERIFY(std::fabs(e[i] - alone[i]) < 1e-5f);
            QVERIFY(std::fabs(e[alone.size() + i] - alone[i]) < 1e-5f); // pooled at 2 too: causal
        }
    }
};

QTEST_APPLESS_MAIN(TestClipModel)
#include "tst_clip_model.moc"
