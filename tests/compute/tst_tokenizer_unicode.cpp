// SPDX-License-Identifier: MIT
// The generated Unicode tables against Python on every code point: per block of 4096, FNV-1a hashes of
// category, NFD, NFC, str.lower and str.isspace must equal unicode_checksums.json (tools/unicode/
// make_checksums.py). Plus sequences the per-character hashes cannot see: canonical reordering,
// composition across combining marks, Hangul, final sigma.
#include "common/testsupport.h"
#include "compute/text/unicode.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute::text;

namespace {

constexpr uint64_t kFnvOffset = 0xCBF29CE484222325ull, kFnvPrime = 0x100000001B3ull;

void fnv(uint64_t& h, uint32_t v)
{
    for (int shift = 0; shift < 32; shift += 8)
        h = (h ^ ((v >> shift) & 0xFF)) * kFnvPrime;
}

void fnv(uint64_t& h, const std::u32string& s)
{
    for (char32_t c : s)
        fnv(h, uint32_t(c));
    fnv(h, 0xFFFFFFFFu);
}

QString hex(uint64_t v)
{
    return QString("%1").arg(v, 16, 16, QLatin1Char('0'));
}

std::u32string u(const char32_t* s)
{
    return s;
}

} // namespace

class TestTokenizerUnicode : public QObject
{
    Q_OBJECT

private slots:
    void everyCodePointMatchesPython()
    {
        QFile f(loupe::test::goldenDir("tokenizers") + "/unicode_checksums.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o["unicode"].toString(), QString("14.0.0"));
        const int block = o["block"].toInt();
        const QJsonArray blocks = o["blocks"].toArray();
        QCOMPARE(blocks.size(), 0x110000 / block);
        for (const QJsonValue& bv : blocks) {
            const QJsonObject b = bv.toObject();
            const char32_t first = char32_t(b["first"].toInt());
            uint64_t cat = kFnvOffset, nfd = kFnvOffset, nfc = kFnvOffset, lower = kFnvOffset,
                     space = kFnvOffset;
            for (char32_t c = first; c < first + char32_t(block); ++c) {
                const std::u32string one(1, c);
                fnv(cat, uint32_t(unicode::category(c)));
                fnv(nfd, unicode::nfd(one));
                fnv(nfc, unicode::nfc(one));
                fnv(lower, unicode::lower(one));
                fnv(space, unicode::isPythonSpace(c) ? 1u : 0u);
            }
            const QByteArray where = "block U+" + QByteArray::number(uint(first), 16);
            QVERIFY2(hex(cat) == b["category"].toString(), where + " category");
            QVERIFY2(hex(nfd) == b["nfd"].toString(), where + " NFD");
            QVERIFY2(hex(nfc) == b["nfc"].toString(), where + " NFC");
            QVERIFY2(hex(lower) == b["lower"].toString(), where + " lower");
            QVERIFY2(hex(space) == b["isspace"].toString(), where + " isspace");
        }
    }

    void sequences()
    {
        // Values from Python 3.11's unicodedata.normalize and str.lower.
        QVERIFY(unicode::nfc(U"e\u0301") == u(U"\u00e9"));
        QVERIFY(unicode::nfc(U"a\u0323\u0302") == u(U"\u1ead")); // reordered, then composed twice
        QVERIFY(unicode::nfc(U"a\u0302\u0323") == u(U"\u1ead"));
        QVERIFY(unicode::nfd(U"\u1ead") == u(U"a\u0323\u0302"));
        QVERIFY(unicode::nfc(U"\u1100\u1161\u11a8") == u(U"\uac01"));  // Hangul LVT
        QVERIFY(unicode::nfc(U"\uac00\u11a8") == u(U"\uac01"));        // LV + T
        QVERIFY(unicode::nfc(U"a\u0301\u0301") == u(U"\u00e1\u0301")); // the second acute is blocked
        QVERIFY(unicode::nfc(U"\u212b") == u(U"\u00c5"));              // singleton
        QVERIFY(unicode::nfc(U"\u0344") == u(U"\u0308\u0301"));        // excluded composition
        QVERIFY(unicode::lower(U"ΟΔΟΣ ΣΑΣ.") == u(U"οδος σας."));      // final sigma
        QVERIFY(unicode::lower(U"Σ") == u(U"σ"));
        QVERIFY(unicode::lower(U"ΑΣ'Α") == u(U"ασ'α")); // ' is case-ignorable
        QVERIFY(unicode::lower(U"İ") == u(U"i\u0307"));
    }

    void utf8()
    {
        QVERIFY(unicode::decodeUtf8("a\xC3\xA9\xF0\x9F\x98\x80") == u(U"a\u00e9\U0001F600"));
        QVERIFY(unicode::decodeUtf8("\xC0\xAF") == u(U"\ufffd\ufffd")); // overlong: two bad bytes
        QVERIFY(unicode::decodeUtf8("\xE0\x80\x80") == u(U"\ufffd\ufffd\ufffd"));
        QVERIFY(unicode::decodeUtf8("\xF4\x90\x80\x80") == u(U"\ufffd\ufffd\ufffd\ufffd")); // past U+10FFFF
        QVERIFY(unicode::decodeUtf8("\xE2\x82") == u(U"\ufffd")); // truncated: one replacement
        QCOMPARE(unicode::encodeUtf8(U"a\u00e9\U0001F600"), std::string("a\xC3\xA9\xF0\x9F\x98\x80"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerUnicode)
#include "tst_tokenizer_unicode.moc"
