// SPDX-License-Identifier: MIT
// Parity of the three tokenizers with transformers' slow tokenizers on tests/data/golden/tokenizers: for
// every string of case.json and every tokenizer, the ids (expected.safetensors ids.<t>.<k>), the token
// strings, decode() with special tokens and clean-up, and decode() skipping special tokens without clean-up.
// extra_cases.json (made by make_extra_cases.py with the same library) adds Unicode and added-token corner
// cases and random mixes of scripts, and variants/ (the same vocabularies with added tokens using lstrip,
// rstrip, single_word and non-special added tokens, add_bos_token, add_prefix_space), checked the same way.
#include "common/testsupport.h"
#include "compute/io/safetensors.h"
#include "compute/text/tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cstring>

using namespace loupe::compute;
using namespace loupe::compute::text;

namespace {

std::vector<int64_t> idsOf(const TensorView& t)
{
    std::vector<int64_t> ids(size_t(t.numel()));
    if (!ids.empty()) std::memcpy(ids.data(), t.data, ids.size() * sizeof(int64_t));
    return ids;
}

QString show(const std::vector<int64_t>& ids)
{
    QStringList s;
    for (int64_t id : ids)
        s << QString::number(id);
    return "[" + s.join(", ") + "]";
}

QString show(const std::vector<std::string>& tokens)
{
    QStringList s;
    for (const std::string& t : tokens)
        s << QString::fromStdString(t);
    return "[" + s.join(" | ") + "]";
}

} // namespace

class TestTokenizerGolden : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonObject case_;
    SafetensorsFile expected_;
    QJsonArray extra_;
    QJsonObject variants_;
    std::map<QString, std::unique_ptr<Tokenizer>> variantTokenizers_;
    std::map<QString, std::unique_ptr<Tokenizer>> tokenizers_;

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir("tokenizers");
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        case_ = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!case_.isEmpty());
        expected_ = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        for (const char* kind : {"gpt2", "clip", "bert"}) {
            tokenizers_[kind] = loadTokenizer((dir_ + "/" + kind).toStdString());
            QCOMPARE(QString::fromStdString(tokenizers_[kind]->kind()), QString(kind));
        }
    }

    void strings_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("k");
        const int count = case_["inputs"].toObject()["strings"].toArray().size();
        QVERIFY(count >= 29);
        for (const char* kind : {"gpt2", "clip", "bert"})
            for (int k = 0; k < count; ++k)
                QTest::newRow((QByteArray(kind) + "." + QByteArray::number(k)).constData())
                    << QString(kind) << k;
    }
    void strings()
    {
        QFETCH(QString, kind);
        QFETCH(int, k);
        const std::string text = case_["inputs"].toObject()["strings"].toArray()[k].toString().toStdString();
        const QJsonObject result =
            case_["outputs"].toObject()["results"].toArray()[k].toObject()[kind].toObject();
        Tokenizer& tok = *tokenizers_.at(kind);

        const Encoding enc = tok.encode(text);
        const std::vector<int64_t> want =
            idsOf(expected_.tensor(QString("ids.%1.%2").arg(kind).arg(k).toStdString()));
        if (enc.ids != want) qWarning().noquote() << "got" << show(enc.ids) << "\nwant" << show(want);
        QCOMPARE(enc.ids, want);

        std::vector<std::string> wantTokens;
        for (const QJsonValue& t : result["tokens"].toArray())
            wantTokens.push_back(t.toString().toStdString());
        if (enc.tokens != wantTokens)
            qWarning().noquote() << "got" << show(enc.tokens) << "\nwant" << show(wantTokens);
        QCOMPARE(enc.tokens, wantTokens);
        QCOMPARE(enc.attentionMask, std::vector<int64_t>(want.size(), 1));

        QCOMPARE(QString::fromStdString(tok.decode(enc.ids, false)), result["decoded"].toString());
        tok.cleanUpTokenizationSpaces = false;
        const std::string plain = tok.decode(enc.ids, true);
        tok.cleanUpTokenizationSpaces = true;
        QCOMPARE(QString::fromStdString(plain), result["decoded_skip_special_no_cleanup"].toString());

        // Each token string maps back to its id (added tokens included).
        for (size_t i = 0; i < enc.ids.size(); ++i)
            if (enc.ids[i] != tok.unkId || enc.tokens[i] == tok.idToToken(tok.unkId))
                QCOMPARE(tok.tokenId(enc.tokens[i]), enc.ids[i]);
    }

    void extra_data()
    {
        QFile f(dir_ + "/extra_cases.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        extra_ = QJsonDocument::fromJson(f.readAll()).object()["results"].toArray();
        QVERIFY(extra_.size() >= 400);
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("k");
        for (const char* kind : {"gpt2", "clip", "bert"})
            for (int k = 0; k < extra_.size(); ++k)
                QTest::newRow((QByteArray(kind) + "." + QByteArray::number(k)).constData())
                    << QString(kind) << k;
    }
    void extra()
    {
        QFETCH(QString, kind);
        QFETCH(int, k);
        const QJsonObject r = extra_[k].toObject();
        const std::string text = r["text"].toString().toStdString();
        const QJsonObject want = r[kind].toObject();
        Tokenizer& tok = *tokenizers_.at(kind);
        const Encoding enc = tok.encode(text);
        std::vector<int64_t> wantIds;
        for (const QJsonValue& v : want["ids"].toArray())
            wantIds.push_back(v.toInteger());
        std::vector<std::string> wantTokens;
        for (const QJsonValue& t : want["tokens"].toArray())
            wantTokens.push_back(t.toString().toStdString());
        if (enc.ids != wantIds)
            qWarning().noquote() << "text" << r["text"].toString() << "\ngot" << show(enc.tokens) << "\nwant"
                                 << show(wantTokens);
        QCOMPARE(enc.ids, wantIds);
        QCOMPARE(enc.tokens, wantTokens);
        QCOMPARE(QString::fromStdString(tok.decode(enc.ids, false)), want["decoded"].toString());
        tok.cleanUpTokenizationSpaces = false;
        const std::string plain = tok.decode(enc.ids, true);
        tok.cleanUpTokenizationSpaces = true;
        QCOMPARE(QString::fromStdString(plain), want["decoded_skip_special_no_cleanup"].toString());
    }

    void variants_data()
    {
        QFile f(dir_ + "/extra_cases.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        variants_ = QJsonDocument::fromJson(f.readAll()).object()["variants"].toObject();
        QCOMPARE(variants_.size(), 3);
        QTest::addColumn<QString>("variant");
        QTest::addColumn<int>("k");
        for (const QString& name : variants_.keys()) {
            const QJsonObject v = variants_[name].toObject();
            variantTokenizers_[name] = loadTokenizer((dir_ + "/" + v["folder"].toString()).toStdString());
            QCOMPARE(QString::fromStdString(variantTokenizers_[name]->kind()), v["kind"].toString());
            for (int k = 0; k < v["results"].toArray().size(); ++k)
                QTest::newRow((name.toUtf8() + "." + QByteArray::number(k)).constData()) << name << k;
        }
    }
    void variants()
    {
        QFETCH(QString, variant);
        QFETCH(int, k);
        const QJsonObject want = variants_[variant].toObject()["results"].toArray()[k].toObject();
        Tokenizer& tok = *variantTokenizers_.at(variant);
        const Encoding enc = tok.encode(want["text"].toString().toStdString());
        std::vector<std::string> wantTokens;
        for (const QJsonValue& t : want["tokens"].toArray())
            wantTokens.push_back(t.toString().toStdString());
        std::vector<int64_t> wantIds;
        for (const QJsonValue& v : want["ids"].toArray())
            wantIds.push_back(v.toInteger());
        if (enc.tokens != wantTokens)
            qWarning().noquote() << "got" << show(enc.tokens) << "\nwant" << show(wantTokens);
        QCOMPARE(enc.tokens, wantTokens);
        QCOMPARE(enc.ids, wantIds);
        QCOMPARE(QString::fromStdString(tok.decode(enc.ids, false)), want["decoded"].toString());
        tok.cleanUpTokenizationSpaces = false;
        const std::string plain = tok.decode(enc.ids, true);
        tok.cleanUpTokenizationSpaces = true;
        QCOMPARE(QString::fromStdString(plain), want["decoded_skip_special_no_cleanup"].toString());
    }

    void specialIds()
    {
        const Tokenizer& gpt2 = *tokenizers_.at("gpt2");
        QCOMPARE(gpt2.bosId, int64_t(556));
        QCOMPARE(gpt2.eosId, int64_t(556));
        QCOMPARE(gpt2.padId, int64_t(-1));
        QCOMPARE(gpt2.vocabSize(), int64_t(557));
        const Tokenizer& clip = *tokenizers_.at("clip");
        QCOMPARE(clip.bosId, int64_t(812));
        QCOMPARE(clip.eosId, int64_t(813));
        QCOMPARE(clip.padId, int64_t(813));
        QCOMPARE(clip.modelMaxLength, int64_t(32));
        const Tokenizer& bert = *tokenizers_.at("bert");
        QCOMPARE(bert.clsId, bert.tokenId("[CLS]"));
        QCOMPARE(bert.sepId, bert.tokenId("[SEP]"));
        QCOMPARE(bert.padId, int64_t(0));
        QCOMPARE(bert.bosId, int64_t(420)); // [DEC], BLIP's decoder start
        QCOMPARE(bert.tokenId("[ENC]"), int64_t(421));
        QCOMPARE(bert.vocabSize(), int64_t(422));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerGolden)
#include "tst_tokenizer_golden.moc"
