// SPDX-License-Identifier: MIT
// `loupe quantize`'s library: a quantised checkpoint folder is a Hugging Face folder Loupe loads back
// (int8 dequantised by Checkpoint, the saved precision used when none is asked for, the very same
// integers or bf16 values repacked), GPT-2's Conv1D weights scaled per output column, and hostile
// quantised files refused with the file and tensor named.
#include "compute/bench/random_weights.h"
#include "compute/dtype.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/io/checkpoint.h"
#include "compute/io/quantized_weights.h"
#include "compute/io/safetensors.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/gpt2.h"
#include "compute/models/vit.h"
#include "compute/quantize/int8_scheme.h"
#include "compute/quantize/quantize_checkpoint.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fstream>
#include <random>

using namespace loupe::compute;
namespace fs = std::filesystem;

namespace {

const fs::path kShapesVit = fs::path(LOUPE_TEST_DATA) / "../../resources/models/shapes-vit";

Tensor randomImage(int64_t batch, int64_t size, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    Tensor t = Tensor::empty(DType::F32, {batch, 3, size, size});
    float* p = t.ptr<float>();
    for (int64_t i = 0; i < t.numel(); ++i)
        p[i] = d(rng);
    return t;
}

void writeJson(const fs::path& p, const nlohmann::json& j)
{
    std::ofstream(p) << j.dump();
}

// A folder whose only tensors are `w` (I8 [4, 8]) and whatever `extra` adds.
fs::path hostileFolder(const QTemporaryDir& dir, const std::function<void(SafetensorsWriter&)>& extra)
{
    const fs::path folder = fs::path(dir.path().toStdString()) / "hostile";
    fs::create_directories(folder);
    writeJson(folder / "config.json", {{"model_type", "vit"}});
    SafetensorsWriter w;
    std::vector<int8_t> q(32, 3);
    w.add("layer.weight", DType::I8, {4, 8}, q.data(), q.size());
    extra(w);
    w.write(folder / "model.safetensors");
    return folder;
}

std::string openError(const fs::path& folder)
{
    try {
        Checkpoint::open(folder);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestQuantizeCheckpoint : public QObject
{
    Q_OBJECT
private slots:
    void int8FolderLoadsBackAndClassifiesAlike()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "int8";
        const QuantizeSummary s = quantizeCheckpoint(kShapesVit, out, {Precision::Int8});
        QVERIFY(!s.quantised.empty());
        QVERIFY(fs::exists(out / "preprocessor_config.json")); // every other file copied
        QVERIFY(s.bytesOut < s.bytesIn / 2);
        const nlohmann::json cfg = readJsonFile(out / "config.json");
        QCOMPARE(cfg["quantization_config"]["quant_method"].get<std::string>(), std::string("loupe"));
        QCOMPARE(cfg["quantization_config"]["bits"].get<int>(), 8);
        const SafetensorsFile file = SafetensorsFile::open(out / "model.safetensors");
        QVERIFY(file.metadata().count("loupe_quantization"));
        const std::string fc1 = "vit.encoder.layer.0.intermediate.dense.weight";
        QCOMPARE(file.tensor(fc1).dtype, DType::I8);
        QCOMPARE(file.tensor(fc1 + "_scale").shape, (std::vector<int64_t>{384}));
        QCOMPARE(file.tensor("vit.encoder.layer.0.layernorm_before.weight").dtype, DType::F32);
        QCOMPARE(file.tensor("vit.embeddings.position_embeddings").dtype, DType::F32);

        const Checkpoint original = Checkpoint::open(kShapesVit);
        const Checkpoint q = Checkpoint::open(out);
        QCOMPARE(q.savedWeightFormat().precision, Precision::Int8);
        QCOMPARE(q.linearWeightFormat().precision, Precision::Int8); // Default takes the saved precision
        QCOMPARE(q.names(), original.names());                       // the scales are not model tensors
        QCOMPARE(q.tensor(fc1).dtype, DType::F32);
        const std::vector<float> a = original.toF32(fc1), b = q.toF32(fc1);
        const std::vector<float> scales = toF32(file.tensor(fc1 + "_scale"));
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY(std::fabs(a[i] - b[i]) <= scales[i / 96] * 0.5f + 1e-7f);

        // Repacking the dequantised values at the saved format gives back the same values.
        auto packed = packLinearWeight(b.data(), 384, 96, 96, q.linearWeightFormat());
        QCOMPARE(packed->precision(), Precision::Int8);
        std::vector<float> back(b.size());
        packed->unpack(back.data());
        for (size_t i = 0; i < b.size(); ++i)
            QVERIFY(std::fabs(back[i] - b[i]) <= 1e-6f * std::fabs(b[i]));

        // Loaded as any model: same top class, small logit error.
        const VitModel f32 = VitModel::fromCheckpoint(original);
        const VitModel i8 = VitModel::fromCheckpoint(q);
        QVERIFY(i8.weightBytes() < f32.weightBytes() / 2);
        const Tensor px = randomImage(4, 96, 1);
        const std::vector<float> la = f32.forward(px).logits.toF32Vector(),
                                 lb = i8.forward(px).logits.toF32Vector();
        double worst = 0, spread = 0;
        for (size_t i = 0; i < la.size(); ++i) {
            worst = std::max(worst, double(std::fabs(la[i] - lb[i])));
            spread = std::max(spread, double(std::fabs(la[i])));
        }
        QVERIFY2(worst > 0, "int8 weights changed nothing: were they quantised?");
        QVERIFY2(worst < 0.1 * spread,
                 qPrintable(QString("max logit error %1 of %2").arg(worst).arg(spread)));
        // An explicit request wins over the saved precision.
        QCOMPARE(q.withEngineOptions({BackendChoice::Cpu, Precision::F32}).linearWeightFormat().precision,
                 Precision::F32);
    }

    void bf16FolderKeepsItsValues()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "bf16";
        quantizeCheckpoint(kShapesVit, out, {Precision::BF16});
        const Checkpoint q = Checkpoint::open(out);
        const std::string w = "vit.encoder.layer.2.attention.output.dense.weight";
        QCOMPARE(q.tensor(w).dtype, DType::BF16);
        QCOMPARE(q.linearWeightFormat().precision, Precision::BF16);
        const std::vector<float> v = q.toF32(w);
        auto packed = packLinearWeight(v.data(), 96, 96, 96, q.linearWeightFormat());
        std::vector<float> back(v.size());
        packed->unpack(back.data());
        QCOMPARE(back, v); // bf16 -> f32 -> bf16 loses nothing
    }

    void plainHalfCheckpointStaysF32ByDefault()
    {
        // An f16 checkpoint that Loupe did not write (no quantization_config): f32 unless asked.
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "f16";
        fs::create_directories(folder);
        writeJson(folder / "config.json", {{"model_type", "vit"}});
        SafetensorsWriter w;
        std::vector<uint16_t> h(16, floatToHalf(0.5f));
        w.add("a.weight", DType::F16, {4, 4}, h.data(), h.size() * 2);
        w.write(folder / "model.safetensors");
        const Checkpoint c = Checkpoint::open(folder);
        QCOMPARE(c.linearWeightFormat().precision, Precision::F32);
        QCOMPARE(c.withEngineOptions({BackendChoice::Cpu, Precision::F16}).linearWeightFormat().precision,
                 Precision::F16);
    }

    void groupWiseInt8()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "g32";
        quantizeCheckpoint(kShapesVit, out, {Precision::Int8, 32});
        const SafetensorsFile file = SafetensorsFile::open(out / "model.safetensors");
        QCOMPARE(file.tensor("vit.encoder.layer.0.output.dense.weight_scale").shape,
                 (std::vector<int64_t>{96, 384 / 32}));
        const Checkpoint q = Checkpoint::open(out);
        QCOMPARE(q.linearWeightFormat().groupSize, int64_t(32));
        const VitModel m = VitModel::fromCheckpoint(q);
        QCOMPARE(m.forward(randomImage(1, 96, 2)).logits.numel(), int64_t(6));
        QVERIFY_THROWS_EXCEPTION(
            Error,
            quantizeCheckpoint(kShapesVit, fs::path(dir.path().toStdString()) / "g7", {Precision::Int8, 7}));
    }

    void gpt2Conv1DScalesPerOutputColumn()
    {
        QTemporaryDir dir;
        const fs::path src = fs::path(dir.path().toStdString()) / "gpt2",
                       out = src.parent_path() / "gpt2-int8";
        Gpt2Config c;
        c.vocabSize = 64;
        c.nPositions = 16;
        c.nEmbd = 32;
        c.nLayer = 1;
        c.nHead = 2;
        bench::writeRandomGpt2(src, c);
        quantizeCheckpoint(src, out, {Precision::Int8});
        const SafetensorsFile file = SafetensorsFile::open(out / "model.safetensors");
        const std::string w = "transformer.h.0.mlp.c_fc.weight"; // [in 32, out 128]
        QCOMPARE(file.tensor(w).shape, (std::vector<int64_t>{32, 128}));
        QCOMPARE(file.tensor(w + "_scale").shape, (std::vector<int64_t>{1, 128}));
        // The integers are those of the [out, in] matrix the model multiplies by, per output row.
        const std::vector<float> orig = Checkpoint::open(src).toF32(w);
        std::vector<float> t(orig.size());
        for (int64_t i = 0; i < 32; ++i)
            for (int64_t o = 0; o < 128; ++o)
                t[size_t(o * 32 + i)] = orig[size_t(i * 128 + o)];
        const Int8Weights q = quantizeInt8(t.data(), 128, 32, 32, 0);
        const std::vector<float> loaded = Checkpoint::open(out).toF32(w);
        for (int64_t i = 0; i < 32; ++i)
            for (int64_t o = 0; o < 128; ++o)
                QCOMPARE(loaded[size_t(i * 128 + o)], float(q.q[size_t(o * 32 + i)]) * q.scales[size_t(o)]);
        const Gpt2Model m = Gpt2Model::fromCheckpoint(Checkpoint::open(out));
        QCOMPARE(m.forward({{1, 2, 3}}).logits.size(2), int64_t(64));
    }

    void outputFolderMustBeNewOrEmpty()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Error, quantizeCheckpoint(kShapesVit, kShapesVit, {Precision::Int8}));
        const fs::path busy = fs::path(dir.path().toStdString()) / "busy";
        fs::create_directories(busy);
        std::ofstream(busy / "x") << "x";
        QVERIFY_THROWS_EXCEPTION(Error, quantizeCheckpoint(kShapesVit, busy, {Precision::Int8}));
    }

    void hostileQuantisedFiles()
    {
        QTemporaryDir dir;
        std::string e = openError(hostileFolder(dir, [](SafetensorsWriter&) {}));
        QVERIFY2(e.find("model.safetensors") != std::string::npos &&
                     e.find("'layer.weight' is I8 but has no scale") != std::string::npos,
                 e.c_str());
        fs::remove_all(fs::path(dir.path().toStdString()) / "hostile");

        e = openError(hostileFolder(dir, [](SafetensorsWriter& w) {
            std::vector<float> s(3, 1.f);
            w.addF32("layer.weight_scale", {3}, s.data());
        }));
        QVERIFY2(e.find("model.safetensors") != std::string::npos &&
                     e.find("'layer.weight_scale' has shape [3]") != std::string::npos,
                 e.c_str());
        fs::remove_all(fs::path(dir.path().toStdString()) / "hostile");

        e = openError(hostileFolder(dir, [](SafetensorsWriter& w) {
            std::vector<float> s(4, std::nanf(""));
            w.addF32("layer.weight_scale", {4}, s.data());
        }));
        QVERIFY2(e.find("not finite and positive") != std::string::npos, e.c_str());
        fs::remove_all(fs::path(dir.path().toStdString()) / "hostile");

        { // A scale-named tensor that belongs to no I8 weight is an ordinary tensor (CLIP's logit_scale).
            const fs::path f = hostileFolder(dir, [](SafetensorsWriter& w) {
                std::vector<float> s(4, 1.f);
                w.addF32("layer.weight_scale", {4}, s.data());
                w.addF32("logit_scale", {1}, s.data());
            });
            const Checkpoint c = Checkpoint::open(f);
            QCOMPARE(c.names(), (std::vector<std::string>{"layer.weight", "logit_scale"}));
            fs::remove_all(f);
        }

        e = openError(hostileFolder(dir, [](SafetensorsWriter& w) {
            std::vector<uint16_t> s(4, floatToHalf(1.f));
            w.add("layer.weight_scale", DType::F16, {4}, s.data(), 8);
        }));
        QVERIFY2(e.find("expected f32") != std::string::npos, e.c_str());
    }

    void malformedQuantizationConfig()
    {
        QVERIFY_THROWS_EXCEPTION(
            Error, savedWeightFormat({{"quantization_config", {{"quant_method", "loupe"}}}}, "c"));
        QVERIFY_THROWS_EXCEPTION(
            Error, savedWeightFormat(
                       {{"quantization_config", {{"quant_method", "loupe"}, {"dtype", "int4"}}}}, "c"));
        QCOMPARE(savedWeightFormat({{"quantization_config", {{"quant_method", "gptq"}}}}, "c").precision,
                 Precision::Default); // someone else's scheme: not ours to read
    }
};

QTEST_APPLESS_MAIN(TestQuantizeCheckpoint)
#include "tst_quantize_checkpoint.moc"
