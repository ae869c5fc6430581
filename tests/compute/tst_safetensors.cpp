// SPDX-License-Identifier: MIT
// The safetensors reader and writer: round trips, the golden files, and malformed headers built in memory.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/safetensors.h"
#include "compute/io/safetensors_writer.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace loupe::compute;

namespace {

// A file image with the given header text (padded to 8) followed by `dataBytes` zero bytes.
std::vector<uint8_t> image(const std::string& header, size_t dataBytes, uint64_t declared = UINT64_MAX)
{
    std::vector<uint8_t> out(8 + header.size() + dataBytes, 0);
    const uint64_t n = declared == UINT64_MAX ? header.size() : declared;
    for (int i = 0; i < 8; ++i)
        out[i] = uint8_t(n >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

QString errorOf(const std::vector<uint8_t>& bytes)
{
    try {
        parseSafetensors(bytes.data(), bytes.size(), "mem.safetensors");
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestSafetensors : public QObject
{
    Q_OBJECT
private slots:
    void writerRoundTrip()
    {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("out.safetensors").toStdString();
        SafetensorsWriter w;
        w.setMetadata("format", "pt");
        const std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -8.5f};
        w.addF32("a", {2, 3}, a.data());
        const std::vector<uint16_t> h = {floatToHalf(0.5f), floatToHalf(-1.25f), floatToHalf(3.0f)};
        w.add("h", DType::F16, {3}, h.data(), 6);
        const std::vector<uint16_t> b = {floatToBf16(2.5f), floatToBf16(-0.75f)};
        w.add("b", DType::BF16, {2, 1}, b.data(), 4);
        const int64_t s = -42;
        w.add("scalar", DType::I64, {}, &s, 8);
        w.add("empty", DType::F32, {0, 5}, nullptr, 0);
        QVERIFY_THROWS_EXCEPTION(Error, w.add("a", DType::F32, {1}, a.data(), 4));
        QVERIFY_THROWS_EXCEPTION(Error, w.add("bad", DType::F32, {2}, a.data(), 4));
        w.write(path);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"out.safetensors"}); // no temp left
        QVERIFY(QFileInfo(dir.filePath("out.safetensors")).permissions() & QFileDevice::ReadOther);

        const SafetensorsFile f = SafetensorsFile::open(path);
        QCOMPARE(f.metadata().at("format"), std::string("pt"));
        QCOMPARE(f.tensors().size(), size_t(5));
        // Header padded so the data region starts 8-byte aligned.
        QCOMPARE(reinterpret_cast<uintptr_t>(f.tensors().front().data) % 8, uintptr_t(0));
        QCOMPARE(toF32(f.tensor("a")), a);
        QCOMPARE(f.tensor("a").shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(toF32(f.tensor("h")), (std::vector<float>{0.5f, -1.25f, 3.0f}));
        QCOMPARE(toF32(f.tensor("b")), (std::vector<float>{2.5f, -0.75f}));
        QCOMPARE(f.tensor("scalar").dtype, DType::I64);
        QVERIFY(f.tensor("scalar").shape.empty());
        int64_t sv = 0;
        std::memcpy(&sv, f.tensor("scalar").data, 8);
        QCOMPARE(sv, int64_t(-42));
        QCOMPARE(f.tensor("empty").nbytes, size_t(0));
        QVERIFY(f.find("nope") == nullptr);
        QVERIFY_THROWS_EXCEPTION(Error, f.tensor("nope"));
    }

    void writeFailsCleanly()
    {
        SafetensorsWriter w;
        const float x = 1;
        w.addF32("x", {1}, &x);
        try {
            w.write("/nonexistent-dir/out.safetensors");
            QFAIL("write into a missing folder succeeded");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("/nonexistent-dir/out.safetensors") != std::string::npos);
        }
    }

    void goldenModel()
    {
        const auto dir = loupe::test::goldenDir("vit_classify").toStdString();
        const SafetensorsFile f = SafetensorsFile::open(dir + "/model.safetensors");
        QCOMPARE(f.tensors().size(), size_t(56));
        const TensorView& bias = f.tensor("classifier.bias");
        QCOMPARE(bias.shape, std::vector<int64_t>{10});
        const auto v = toF32(bias);
        QCOMPARE(v[0], 0.016729585826396942f);
        QCOMPARE(v[2], 0.3533666133880615f);
        QCOMPARE(f.tensor("classifier.weight").shape, (std::vector<int64_t>{10, 48}));

        const SafetensorsFile e = SafetensorsFile::open(dir + "/expected.safetensors");
        QCOMPARE(e.tensors().size(), size_t(17));
        int64_t top = -1;
        std::memcpy(&top, e.tensor("top_class").data, 8);
        QCOMPARE(top, int64_t(4));
        QCOMPARE(e.tensor("attentions.0").shape, (std::vector<int64_t>{1, 4, 17, 17}));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        auto row = [](const char* tag, const std::vector<uint8_t>& b, const char* expect) {
            QTest::newRow(tag) << QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()))
                               << QString(expect);
        };
        const std::string ok = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        row("empty", {}, "empty file");
        row("short", {1, 0, 0}, "too short");
        row("length past end", image(ok, 8, 5000), "runs past the end");
        row("absurd length", image(ok, 8, uint64_t(1) << 60), "absurd");
        row("not json", image("{\"t\": nope}", 8), "not valid JSON");
        row("not object", image("[1,2,3]", 0), "not a JSON object");
        row("unknown dtype", image(R"({"t":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})", 2),
            "unknown dtype");
        row("negative dim", image(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8),
            "negative dimension");
        row("overflow dims",
            image(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}})", 8),
            "overflows");
        row("size mismatch", image(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
            "shape x dtype size is 12 bytes");
        row("offset outside", image(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", 8),
            "outside the data region");
        row("offsets reversed", image(R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", 8),
            "not an increasing pair");
        row("overlap",
            image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  12),
            "overlaps");
        row("gap",
            image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                  12),
            "gap of 4 bytes");
        row("trailing bytes", image(ok, 16), "not described by the header");
        row("duplicate name",
            image(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                  R"("t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                  8),
            "appears twice");
        row("float offset", image(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0.5,8]}})", 8),
            "not an integer");
        row("missing shape", image(R"({"t":{"dtype":"F32","data_offsets":[0,8]}})", 8), "shape");
        row("bad metadata", image(R"({"__metadata__":{"a":1}})", 0), "__metadata__");
        row("huge offset",
            image(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}})", 8),
            "too large");
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const std::vector<uint8_t> b(bytes.begin(), bytes.end());
        const QString err = errorOf(b);
        QVERIFY2(!err.isEmpty(), "malformed file was accepted");
        QVERIFY2(err.startsWith("mem.safetensors: "), qPrintable(err));
        QVERIFY2(err.contains(expect), qPrintable(err));
    }

    void unalignedDataReadsThroughMemcpy()
    {
        // A 3-byte header pushes f32 data to an odd address: toF32 must still give the values.
        std::string header = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        header += ' '; // odd length
        auto b = image(header, 8);
        const float vals[2] = {1.5f, -3.0f};
        std::memcpy(b.data() + 8 + header.size(), vals, 8);
        const auto h = parseSafetensors(b.data(), b.size(), "mem");
        QCOMPARE(toF32(h.tensors[0]), (std::vector<float>{1.5f, -3.0f}));
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
