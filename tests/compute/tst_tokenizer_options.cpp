// SPDX-License-Identifier: MIT
// Truncation and padding against the library (extra_cases.json "options": padding=True batches,
// truncation at several max lengths with and without padding="max_length" and special tokens), and the
// behaviour the library cannot show: invalid UTF-8 input, padding without a pad token, left sides,
// unknown ids in decode, and the tokenizer shared between threads.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/text/tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <thread>

using namespace loupe::compute;
using namespace loupe::compute::text;

namespace {

std::vector<int64_t> ints(const QJsonValue& v)
{
    std::vector<int64_t> out;
    for (const QJsonValue& x : v.toArray())
        out.push_back(x.toInteger());
    return out;
}

} // namespace

class TestTokenizerOptions : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonArray options_;
    std::map<QString, std::unique_ptr<Tokenizer>> tok_;

    Tokenizer& tok(const char* kind) { return *tok_.at(kind); }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir("tokenizers");
        QFile f(dir_ + "/extra_cases.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        options_ = QJsonDocument::fromJson(f.readAll()).object()["options"].toArray();
        QVERIFY(options_.size() >= 30);
        for (const char* kind : {"gpt2", "clip", "bert"})
            tok_[kind] = loadTokenizer((dir_ + "/" + kind).toStdString());
    }

    void libraryOptions_data()
    {
        QTest::addColumn<int>("i");
        for (int i = 0; i < options_.size(); ++i) {
            const QJsonObject o = options_[i].toObject();
            const QByteArray name = o["tokenizer"].toString().toUtf8() + " " +
                                    o["padding"].toString().toUtf8() + " max " +
                                    QByteArray::number(o["max_length"].toInt()) +
                                    (o["add_special_tokens"].toBool() ? " special" : " plain");
            QTest::newRow(name.constData()) << i;
        }
    }
    void libraryOptions()
    {
        QFETCH(int, i);
        const QJsonObject o = options_[i].toObject();
        const Tokenizer& t = *tok_.at(o["tokenizer"].toString());
        EncodeOptions opt;
        opt.addSpecialTokens = o["add_special_tokens"].toBool();
        opt.maxLength = o["max_length"].toInt();
        const QString padding = o["padding"].toString();
        opt.padding = padding == "longest"      ? Padding::Longest
                      : padding == "max_length" ? Padding::MaxLength
                                                : Padding::None;
        std::vector<std::string> texts;
        for (const QJsonValue& v : o["texts"].toArray())
            texts.push_back(v.toString().toStdString());
        // The library's "longest" case is one call on the batch, the others one call per text.
        std::vector<Encoding> got;
        if (opt.padding == Padding::Longest)
            got = t.encodeBatch(texts, opt);
        else
            for (const std::string& text : texts)
                got.push_back(t.encodeWith(text, opt));
        QCOMPARE(got.size(), texts.size());
        for (size_t r = 0; r < got.size(); ++r) {
            QCOMPARE(got[r].ids, ints(o["input_ids"].toArray()[int(r)]));
            QCOMPARE(got[r].attentionMask, ints(o["attention_mask"].toArray()[int(r)]));
            QCOMPARE(got[r].tokens.size(), got[r].ids.size());
        }
    }

    void invalidUtf8ReadsAsReplacementCharacter()
    {
        // Each maximal invalid subsequence is one U+FFFD, as Python's bytes.decode(errors="replace").
        for (const char* kind : {"gpt2", "clip", "bert"}) {
            const Tokenizer& t = tok(kind);
            QCOMPARE(t.encode("a\xff"
                              "b")
                         .ids,
                     t.encode("a\xEF\xBF\xBD"
                              "b")
                         .ids);
            QCOMPARE(t.encode("x\xE2\x82y").ids, t.encode("x\xEF\xBF\xBDy").ids); // truncated 3-byte sequence
            QCOMPARE(t.encode("\xED\xA0\x80").ids,
                     t.encode("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD").ids); // surrogate
            QCOMPARE(t.encode("\xF0\x9F\x98").ids, t.encode("\xEF\xBF\xBD").ids);
        }
        // GPT-2 keeps U+FFFD as its three bytes; BERT and CLIP drop it in their clean-up.
        QCOMPARE(tok("gpt2").encode("\xff").tokens, (std::vector<std::string>{"ï", "¿", "½"}));
        QCOMPARE(tok("bert").encode("\xff").ids,
                 (std::vector<int64_t>{tok("bert").clsId, tok("bert").sepId}));
    }

    void decodeInvalidBytesGivesReplacement()
    {
        // "ï¿" alone is the first two bytes of U+FFFD's encoding: an incomplete sequence.
        Tokenizer& g = tok("gpt2");
        const int64_t a = g.tokenId("ï"), b = g.tokenId("¿");
        QVERIFY(a >= 0 && b >= 0);
        QCOMPARE(QString::fromStdString(g.decode({a, b})), QString(QChar(0xFFFD)));
    }

    void paddingNeedsPadToken()
    {
        EncodeOptions opt;
        opt.padding = Padding::Longest;
        try {
            tok("gpt2").encodeBatch({"a", "a photo"}, opt);
            QFAIL("padding without a pad token must throw");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("pad_token"), e.what());
        }
        // Without padding the batch is fine.
        opt.padding = Padding::None;
        QCOMPARE(tok("gpt2").encodeBatch({"a", "a photo"}, opt).size(), size_t(2));
    }

    void leftSides()
    {
        Tokenizer& c = tok("clip");
        const Encoding full = c.encode("a photo of a cat");
        c.paddingSide = Side::Left;
        c.truncationSide = Side::Left;
        EncodeOptions opt;
        opt.maxLength = 4;
        const Encoding cut = c.encodeWith("a photo of a cat", opt);
        QCOMPARE(cut.ids, (std::vector<int64_t>{c.bosId, full.ids[full.ids.size() - 3],
                                                full.ids[full.ids.size() - 2], c.eosId}));
        opt.maxLength = 10;
        opt.padding = Padding::MaxLength;
        const Encoding padded = c.encodeWith("a photo", opt);
        QCOMPARE(padded.ids.size(), size_t(10));
        QCOMPARE(padded.ids.front(), c.padId);
        QCOMPARE(padded.attentionMask.front(), int64_t(0));
        QCOMPARE(padded.attentionMask.back(), int64_t(1));
        QCOMPARE(padded.ids.back(), c.eosId);
        c.paddingSide = Side::Right;
        c.truncationSide = Side::Right;
    }

    void paddingToModelMaxLength()
    {
        EncodeOptions opt;
        opt.padding = Padding::MaxLength; // no maxLength: tokenizer_config.json's model_max_length (32)
        const Encoding e = tok("clip").encodeWith("a cat", opt);
        QCOMPARE(int64_t(e.ids.size()), tok("clip").modelMaxLength);
    }

    void decodeUnknownIds()
    {
        try {
            tok("gpt2").decode({1, 100000});
            QFAIL("an id outside the vocabulary must throw");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("100000"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, tok("clip").decode({-5}));
        // BERT reads an unknown id as [UNK], as the library does.
        QCOMPARE(QString::fromStdString(tok("bert").decode({100000}, false)), QString("[UNK]"));
        QCOMPARE(QString::fromStdString(tok("gpt2").idToToken(100000)), QString());
        QCOMPARE(tok("gpt2").tokenId("no such token"), int64_t(-1));
    }

    void sharedBetweenThreads()
    {
        // encode() is const and its BPE cache locks: four threads on one tokenizer agree with one thread.
        const Tokenizer& g = tok("gpt2");
        std::vector<std::string> texts;
        for (int i = 0; i < 200; ++i)
            texts.push_back("photograph number " + std::to_string(i * 7919) + " of the garden, Café naïve");
        std::vector<std::vector<int64_t>> want;
        for (const std::string& t : texts)
            want.push_back(g.encode(t).ids);
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int w = 0; w < 4; ++w)
            threads.emplace_back([&, w] {
                for (size_t i = size_t(w); i < texts.size(); i += 2)
                    if (g.encode(texts[i]).ids != want[i]) ++mismatches;
            });
        for (std::thread& t : threads)
            t.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTokenizerOptions)
#include "tst_tokenizer_options.moc"
