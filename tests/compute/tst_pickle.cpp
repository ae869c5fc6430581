// SPDX-License-Identifier: MIT
// The restricted unpickler and the torch.save (zip) reader: hand-written pickles, real torch.save files
// (tests/data/torch, made by make_torch_bins.py), and pickles that try to run code.
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/pickle.h"
#include "compute/io/torch_bin.h"
#include "compute/io/zip_reader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>

using namespace loupe::compute;
using namespace std::string_literals;

namespace {

// Minimal stored-entry zip writer (CRCs left 0: the reader does not check them).
std::string makeZip(const std::vector<std::pair<std::string, std::string>>& entries, uint16_t method = 0)
{
    std::string out, central;
    auto u16 = [](std::string& s, uint16_t v) {
        s += char(v & 255);
        s += char(v >> 8);
    };
    auto u32 = [&](std::string& s, uint32_t v) {
        u16(s, uint16_t(v));
        u16(s, uint16_t(v >> 16));
    };
    for (const auto& [name, data] : entries) {
        const uint32_t off = uint32_t(out.size());
        u32(out, 0x04034b50);
        u16(out, 20);
        u16(out, 0);
        u16(out, method);
        u16(out, 0);
        u16(out, 0);
        u32(out, 0);
        u32(out, uint32_t(data.size()));
        u32(out, uint32_t(data.size()));
        u16(out, uint16_t(name.size()));
        u16(out, 0);
        out += name;
        out += data;
        u32(central, 0x02014b50);
        u16(central, 20);
        u16(central, 20);
        u16(central, 0);
        u16(central, method);
        u16(central, 0);
        u16(central, 0);
        u32(central, 0);
        u32(central, uint32_t(data.size()));
        u32(central, uint32_t(data.size()));
        u16(central, uint16_t(name.size()));
        u16(central, 0);
        u16(central, 0);
        u16(central, 0);
        u16(central, 0);
        u32(central, 0);
        u32(central, off);
        central += name;
    }
    const uint32_t cdOff = uint32_t(out.size());
    out += central;
    u32(out, 0x06054b50);
    u16(out, 0);
    u16(out, 0);
    u16(out, uint16_t(entries.size()));
    u16(out, uint16_t(entries.size()));
    u32(out, uint32_t(central.size()));
    u32(out, cdOff);
    u16(out, 0);
    return out;
}

std::string unicode(const std::string& s)
{
    std::string o = "X";
    const uint32_t n = uint32_t(s.size());
    for (int i = 0; i < 4; ++i)
        o += char((n >> (8 * i)) & 255);
    return o + s;
}

// Pickle of OrderedDict{"w": FloatStorage('0', numel) viewed at offset with the given size/stride}.
std::string statePickle(int numel, int offset, std::pair<int, int> size, std::pair<int, int> stride,
                        const std::string& storageType = "FloatStorage")
{
    std::string p = "\x80\x02";
    p += "ccollections\nOrderedDict\nq\x00)R"s;
    auto byte = [](int v) { return std::string(1, char(v)); };
    p += '(';
    p += unicode("w");
    p += "ctorch._utils\n_rebuild_tensor_v2\n";
    p += "((";
    p += unicode("storage");
    p += "ctorch\n";
    p += storageType;
    p += '\n';
    p += unicode("0");
    p += unicode("cpu");
    for (const std::string& piece :
         {"K"s, byte(numel), "tQK"s, byte(offset), "K"s, byte(size.first), "K"s, byte(size.second), "\x86K"s,
          byte(stride.first), "K"s, byte(stride.second), "\x86"s})
        p += piece;
    p += "\x89h\x00)Rt"s; // requires_grad=False, backward_hooks=OrderedDict()
    p += "Ru.";
    return p;
}

std::string floats(std::initializer_list<float> v)
{
    std::string s;
    for (float f : v)
        s.append(reinterpret_cast<const char*>(&f), 4);
    return s;
}

QString binError(const std::string& bytes)
{
    try {
        readTorchBin(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "mem.bin");
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString pickleError(const std::string& bytes)
{
    try {
        unpickle(bytes, "mem.pkl");
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestPickle : public QObject
{
    Q_OBJECT
private slots:
    void handWrittenStateDict()
    {
        const std::string zip = makeZip({{"archive/data.pkl", statePickle(6, 1, {2, 2}, {2, 1})},
                                         {"archive/data/0", floats({0, 1, 2, 3, 4, 5})},
                                         {"archive/version", "3\n"}});
        const auto c = readTorchBin(reinterpret_cast<const uint8_t*>(zip.data()), zip.size(), "mem.bin");
        QCOMPARE(c.tensors.size(), size_t(1));
        QCOMPARE(c.tensors[0].name, std::string("w"));
        QCOMPARE(c.tensors[0].shape, (std::vector<int64_t>{2, 2}));
        QCOMPARE(toF32(c.tensors[0]), (std::vector<float>{1, 2, 3, 4})); // offset 1, contiguous: zero-copy
        QVERIFY(c.owned.empty());
        QVERIFY(c.tensors[0].data >= zip.data() && c.tensors[0].data < zip.data() + zip.size());
    }

    void handWrittenStrided()
    {
        // A transposed 2x3 view of a 3x2 storage is copied into row-major order.
        const std::string zip = makeZip(
            {{"a/data.pkl", statePickle(6, 0, {2, 3}, {1, 2})}, {"a/data/0", floats({0, 1, 2, 3, 4, 5})}});
        const auto c = readTorchBin(reinterpret_cast<const uint8_t*>(zip.data()), zip.size(), "mem.bin");
        QCOMPARE(toF32(c.tensors[0]), (std::vector<float>{0, 2, 4, 1, 3, 5}));
        QCOMPARE(c.owned.size(), size_t(1));
    }

    void archiveErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        auto row = [](const char* tag, const std::string& b, const char* e) {
            QTest::newRow(tag) << QByteArray(b.data(), qsizetype(b.size())) << QString(e);
        };
        const std::string data = floats({0, 1, 2, 3, 4, 5});
        row("storage too small",
            makeZip({{"a/data.pkl", statePickle(6, 0, {2, 3}, {3, 1})}, {"a/data/0", "abc"}}),
            "fewer than its 6 elements");
        row("view past storage",
            makeZip({{"a/data.pkl", statePickle(6, 3, {2, 3}, {3, 1})}, {"a/data/0", data}}),
            "reaches element 8 of a storage of 6");
        row("missing storage", makeZip({{"a/data.pkl", statePickle(6, 0, {2, 3}, {3, 1})}}),
            "storage 'a/data/0' is missing");
        row("compressed", makeZip({{"a/data.pkl", statePickle(6, 0, {2, 3}, {3, 1})}, {"a/data/0", data}}, 8),
            "is compressed (method 8)");
        row("no pickle", makeZip({{"a/data/0", data}}), "no <folder>/data.pkl");
        row("legacy", std::string("\x80\x02\x8a\x0a", 4) + std::string(20, 'x'), "legacy");
        row("not zip", "hello world", "not a zip archive");
        row("empty", "", "empty file");
        std::string truncated =
            makeZip({{"a/data.pkl", statePickle(6, 0, {2, 3}, {3, 1})}, {"a/data/0", data}});
        truncated.resize(truncated.size() - 30);
        row("truncated zip", truncated, "end of central directory not found");
        row("dict of storage type",
            makeZip({{"a/data.pkl", statePickle(6, 0, {2, 3}, {3, 1}, "CharStorage")}, {"a/data/0", data}}),
            "global 'torch.CharStorage' is not allowed");
    }
    void archiveErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const QString err = binError(bytes.toStdString());
        QVERIFY2(err.startsWith("mem.bin"), qPrintable(err));
        QVERIFY2(err.contains(expect), qPrintable(err));
    }

    void refusedPickles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        auto row = [](const char* tag, const std::string& b, const char* e) {
            QTest::newRow(tag) << QByteArray(b.data(), qsizetype(b.size())) << QString(e);
        };
        row("os.system",
            "\x80\x02"
            "cos\nsystem\n(X\x02\x00\x00\x00"
            "lstR."s,
            "global 'os.system' is not allowed");
        row("builtins.eval",
            "\x80\x02"
            "cbuiltins\neval\n.",
            "global 'builtins.eval'");
        row("stack global",
            "\x80\x04\x8c\x08"
            "builtins\x8c\x04"
            "exec\x93.",
            "global 'builtins.exec'");
        row("call storage type",
            "\x80\x02"
            "ctorch\nFloatStorage\n)R.",
            "calling 'torch.FloatStorage'");
        row("INST", "(iposix\nsystem\n.", "'0x69 ('i')' refused");
        row("NEWOBJ",
            "\x80\x02"
            "ccollections\nOrderedDict\n)\x81.",
            "refused: loading must not run code");
        row("unknown opcode", "\x80\x02\xff", "unsupported pickle opcode 0xff");
        row("truncated",
            "\x80\x02X\x10\x00\x00\x00"
            "ab"s,
            "truncated pickle");
        row("no stop", "\x80\x02}", "no STOP");
        row("underflow", "\x80\x02s.", "stack underflow");
        row("mark underflow", "\x80\x02}(s.", "stack underflow");
        row("memo", "\x80\x02h\x05.", "memo key 5 was never stored");
        row("self append",
            "\x80\x02]q\x00h\x00"
            "a."s,
            "cannot contain itself");
        row("cycle",
            "\x80\x02]q\x00]q\x01h\x00"
            "a0h\x01"
            "a."s,
            "already part of another object");
        row("deep", "\x80\x02" + std::string(300, ']') + std::string(299, 'a') + ".", "nested deeper");
        row("wide long", "\x80\x02\x8a\x09" + std::string(9, '\x01') + ".", "wider than 64 bits");
        row("two results", "\x80\x02NN.", "STOP with 2 values");
        row("bad persid", "\x80\x02X\x01\x00\x00\x00xQ."s, "persistent id");
        row("bad rebuild",
            "\x80\x02"
            "ctorch._utils\n_rebuild_tensor_v2\n)R.",
            "_rebuild_tensor_v2 arguments");
        row("unterminated global",
            "\x80\x02"
            "ctorch",
            "GLOBAL name not terminated");
    }
    void refusedPickles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const QString err = pickleError(bytes.toStdString());
        QVERIFY2(err.startsWith("mem.pkl: pickle: "), qPrintable(err));
        QVERIFY2(err.contains(expect), qPrintable(err));
    }

    void acceptedValues()
    {
        // Plain containers and scalars of protocols 2-4 come through as data.
        // {"a": -2, "b": 1.5, "c": [1, 256, True, False, None], "d": 0x7fff} with FRAME and MEMOIZE-free
        // opcodes.
        const std::string p = "\x80\x04\x95\x20\x00\x00\x00\x00\x00\x00\x00"s + "}(" +
                              "\x8c\x01"
                              "a" +
                              "J\xfe\xff\xff\xff" +
                              "\x8c\x01"
                              "b" +
                              "G\x3f\xf8\x00\x00\x00\x00\x00\x00"s +
                              "\x8c\x01"
                              "c" +
                              "(K\x01M\x00\x01\x88\x89Nl"s +
                              "\x8c\x01"
                              "d" +
                              "\x8a\x02\xff\x7f"
                              "u.";
        const PyRef r = unpickle(p, "mem.pkl");
        QCOMPARE(r->kind, PyKind::Dict);
        QCOMPARE(r->dict.size(), size_t(4));
        QCOMPARE(r->dict[0].second->i, int64_t(-2));
        QCOMPARE(r->dict[1].second->f, 1.5);
        QCOMPARE(r->dict[2].second->kind, PyKind::List);
        QCOMPARE(r->dict[2].second->items.size(), size_t(5));
        QCOMPARE(r->dict[2].second->items[1]->i, int64_t(256));
        QCOMPARE(r->dict[3].second->i, int64_t(0x7fff));
    }

    void realTorchFiles_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::newRow("mixed dtypes, strided, shared storage, parameter") << "torch_mixed";
        QTest::newRow("nested state_dict") << "torch_nested";
        QTest::newRow("module state_dict with _metadata (BUILD)") << "torch_module";
    }
    void realTorchFiles()
    {
        QFETCH(QString, folder);
        const std::string dir = std::string(LOUPE_TEST_DATA) + "/torch/" + folder.toStdString();
        const Checkpoint c = Checkpoint::open(dir);
        QCOMPARE(c.format(), Checkpoint::Format::PytorchBin);
        std::ifstream in(dir + "/expected.json");
        const nlohmann::json expected = nlohmann::json::parse(in);
        QCOMPARE(c.names().size(), expected.size());
        const std::map<std::string, DType> dtypes = {{"float32", DType::F32},
                                                     {"float16", DType::F16},
                                                     {"bfloat16", DType::BF16},
                                                     {"int64", DType::I64},
                                                     {"int32", DType::I32}};
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const TensorView& t = c.tensor(it.key());
            QCOMPARE(t.dtype, dtypes.at(it.value()["dtype"].get<std::string>()));
            QCOMPARE(t.shape, it.value()["shape"].get<std::vector<int64_t>>());
            QCOMPARE(toF32(t), it.value()["values"].get<std::vector<float>>());
        }
    }

    void evilPickleRunsNothing()
    {
        const std::filesystem::path marker = "/tmp/loupe_pwned";
        std::filesystem::remove(marker);
        QTemporaryDir tmp;
        const std::filesystem::path dir = tmp.path().toStdString();
        std::filesystem::copy_file(std::string(LOUPE_TEST_DATA) + "/hostile/evil_reduce.bin",
                                   dir / "pytorch_model.bin");
        std::ofstream(dir / "config.json") << "{}";
        try {
            Checkpoint::open(dir);
            QFAIL("a pickle calling posix.system was accepted");
        } catch (const Error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("global 'posix.system' is not allowed"), qPrintable(msg));
            QVERIFY2(msg.contains("pytorch_model.bin"), qPrintable(msg));
        }
        QVERIFY(!std::filesystem::exists(marker));
    }
};

QTEST_GUILESS_MAIN(TestPickle)
#include "tst_pickle.moc"
