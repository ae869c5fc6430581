// SPDX-License-Identifier: MIT
// loadTokenizer on broken and unusual folders: each failure is a compute::Error naming the file and the
// problem; tokenizer.json and CRLF vocabularies read the same as the golden files.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/text/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::compute;
using namespace loupe::compute::text;

namespace {

void write(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray read(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A copy of one golden tokenizer folder to break.
QString copyGolden(const QTemporaryDir& tmp, const QString& kind)
{
    const QString src = loupe::test::goldenDir("tokenizers") + "/" + kind;
    const QString dst = tmp.path() + "/" + kind;
    QDir().mkpath(dst);
    for (const QString& name : QDir(src).entryList(QDir::Files))
        write(dst + "/" + name, read(src + "/" + name));
    return dst;
}

// loadTokenizer must throw an Error whose message holds every fragment.
QString loadError(const QString& dir)
{
    try {
        loadTokenizer(dir.toStdString());
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        return "not a compute::Error: " + QString::fromUtf8(e.what());
    }
    return "no error";
}

} // namespace

class TestTokenizerFiles : public QObject
{
    Q_OBJECT

private slots:
    void missingFolderAndFiles()
    {
        QTemporaryDir tmp;
        QVERIFY(loadError(tmp.path() + "/nope").contains("is not a folder"));
        const QString empty = loadError(tmp.path());
        QVERIFY2(empty.contains(tmp.path()) && empty.contains("holds no tokenizer files"), qPrintable(empty));

        const QString gpt2 = copyGolden(tmp, "gpt2");
        QFile::remove(gpt2 + "/merges.txt");
        const QString m = loadError(gpt2);
        QVERIFY2(m.contains(gpt2) && m.contains("merges.txt is missing"), qPrintable(m));

        const QString bert = copyGolden(tmp, "bert");
        QFile::remove(bert + "/vocab.txt");
        const QString v = loadError(bert);
        QVERIFY2(v.contains("vocab.txt is missing"), qPrintable(v));
    }

    void malformedJson_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expect");
        QTest::newRow("vocab not json") << "gpt2"
                                        << "vocab.json" << QByteArray("{\"a\": 1,") << "is not valid JSON";
        QTest::newRow("vocab a list") << "gpt2"
                                      << "vocab.json" << QByteArray("[1, 2]") << "not a JSON object";
        QTest::newRow("vocab empty") << "clip"
                                     << "vocab.json" << QByteArray("{}") << "vocabulary is empty";
        QTest::newRow("id a string") << "gpt2"
                                     << "vocab.json" << QByteArray("{\"a\": \"1\"}") << "is not an integer";
        QTest::newRow("id negative") << "gpt2"
                                     << "vocab.json" << QByteArray("{\"a\": -1}") << "out of range";
        QTest::newRow("id huge") << "gpt2"
                                 << "vocab.json" << QByteArray("{\"a\": 99999999999999}") << "out of range";
        QTest::newRow("id past int64")
            << "gpt2"
            << "vocab.json" << QByteArray("{\"a\": 18446744073709551615}") << "out of range";
        QTest::newRow("id a float") << "gpt2"
                                    << "vocab.json" << QByteArray("{\"a\": 1.5}") << "is not an integer";
        QTest::newRow("config not json")
            << "bert"
            << "tokenizer_config.json" << QByteArray("nope") << "tokenizer_config.json: is not valid JSON";
        QTest::newRow("config class")
            << "bert"
            << "tokenizer_config.json" << QByteArray("{\"tokenizer_class\": \"T5Tokenizer\"}")
            << "is not supported";
        QTest::newRow("special not a string")
            << "clip"
            << "special_tokens_map.json" << QByteArray("{\"bos_token\": 5}") << "'bos_token'";
        QTest::newRow("added id huge")
            << "bert"
            << "added_tokens.json" << QByteArray("{\"[X]\": 4294967296000}") << "out of range";
        QTest::newRow("added decoder id")
            << "clip"
            << "tokenizer_config.json"
            << QByteArray("{\"added_tokens_decoder\": {\"x1\": {\"content\": \"a\"}}}") << "bad id 'x1'";
        QTest::newRow("added no content")
            << "clip"
            << "tokenizer_config.json"
            << QByteArray("{\"added_tokens_decoder\": {\"5\": {\"special\": true}}}") << "no 'content'";
    }
    void malformedJson()
    {
        QFETCH(QString, kind);
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, expect);
        QTemporaryDir tmp;
        const QString dir = copyGolden(tmp, kind);
        write(dir + "/" + file, content);
        const QString e = loadError(dir);
        QVERIFY2(e.contains(file) && e.contains(expect), qPrintable(e));
    }

    void badMerges_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("expect");
        QTest::newRow("unknown part")
            << QByteArray("Ġ zzqx") << "uses 'zzqx', which is not in the vocabulary";
        QTest::newRow("unknown result") << QByteArray("x q") << "makes 'xq', which is not in the vocabulary";
        QTest::newRow("three parts") << QByteArray("a b c") << "is not a merge of two tokens";
    }
    void badMerges()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, expect);
        QTemporaryDir tmp;
        const QString dir = copyGolden(tmp, "gpt2");
        QByteArray merges = read(dir + "/merges.txt");
        merges.insert(merges.indexOf('\n') + 1, line + "\n");
        write(dir + "/merges.txt", merges);
        const QString e = loadError(dir);
        QVERIFY2(e.contains("merges.txt") && e.contains(expect), qPrintable(e));
    }

    void kindFromFilesWithoutConfig()
    {
        QTemporaryDir tmp;
        for (const char* kind : {"gpt2", "clip", "bert"}) {
            const QString dir = copyGolden(tmp, kind);
            QFile::remove(dir + "/tokenizer_config.json");
            QCOMPARE(QString::fromStdString(loadTokenizer(dir.toStdString())->kind()), QString(kind));
        }
    }

    void crlfVocabularyReadsTheSame()
    {
        QTemporaryDir tmp;
        const QString dir = copyGolden(tmp, "bert");
        write(dir + "/vocab.txt", read(dir + "/vocab.txt").replace("\n", "\r\n"));
        const QString gm = copyGolden(tmp, "gpt2");
        write(gm + "/merges.txt", read(gm + "/merges.txt").replace("\n", "\r\n"));
        const auto bert = loadTokenizer(dir.toStdString());
        const auto goldenBert = loadTokenizer((loupe::test::goldenDir("tokenizers") + "/bert").toStdString());
        const auto gpt2 = loadTokenizer(gm.toStdString());
        const auto goldenGpt2 = loadTokenizer((loupe::test::goldenDir("tokenizers") + "/gpt2").toStdString());
        const std::string text = "The photographer walked in the garden [MASK], Café";
        QCOMPARE(bert->encode(text).ids, goldenBert->encode(text).ids);
        QCOMPARE(gpt2->encode(text).ids, goldenGpt2->encode(text).ids);
    }

    void mergesWithoutFinalNewlineDropTheLastOne()
    {
        // The library reads merges.txt as read().split("\n")[1:-1]: the last line goes when no newline ends
        // it.
        QTemporaryDir tmp;
        const QString dir = copyGolden(tmp, "gpt2");
        QByteArray merges = read(dir + "/merges.txt");
        QVERIFY(merges.endsWith('\n'));
        const QList<QByteArray> lines = merges.trimmed().split('\n');
        const QByteArray last = lines.last(); // "a b": the pair that makes the last merge
        const std::string word = (last.split(' ')[0] + last.split(' ')[1]).toStdString();
        const auto before = loadTokenizer(dir.toStdString());
        merges.chop(1);
        write(dir + "/merges.txt", merges);
        const auto after = loadTokenizer(dir.toStdString());
        QCOMPARE(before->encode(word).tokens, std::vector<std::string>{word});
        QVERIFY(after->encode(word).tokens.size() > 1);
    }

    void tokenizerJsonReadsTheSame()
    {
        // The same vocabularies written as tokenizer.json (the fast tokenizers' single file).
        QTemporaryDir tmp;
        const QString golden = loupe::test::goldenDir("tokenizers");
        const std::vector<std::string> texts = {"Hello world", "a photo of a cat [MASK] <|endoftext|>",
                                                "Café, naïve 日本語", "  spaces  ", ""};
        for (const char* kind : {"gpt2", "clip", "bert"}) {
            const QString src = golden + "/" + kind;
            const QString dir = tmp.path() + "/json_" + kind;
            QDir().mkpath(dir);
            write(dir + "/tokenizer_config.json", read(src + "/tokenizer_config.json"));
            write(dir + "/special_tokens_map.json", read(src + "/special_tokens_map.json"));
            QJsonObject model;
            if (QString(kind) == "bert") {
                QJsonObject vocab;
                int id = 0;
                for (const QByteArray& line : read(src + "/vocab.txt").split('\n'))
                    if (!line.isEmpty()) vocab[QString::fromUtf8(line)] = id++;
                model = {{"type", "WordPiece"}, {"vocab", vocab}, {"unk_token", "[UNK]"}};
            } else {
                QJsonArray merges;
                const QList<QByteArray> lines = read(src + "/merges.txt").split('\n');
                for (int i = 1; i < lines.size(); ++i)
                    if (!lines[i].isEmpty()) merges.append(QString::fromUtf8(lines[i]));
                model = {{"type", "BPE"},
                         {"vocab", QJsonDocument::fromJson(read(src + "/vocab.json")).object()},
                         {"merges", merges}};
                if (QString(kind) == "clip") model["end_of_word_suffix"] = "</w>";
            }
            write(dir + "/tokenizer.json", QJsonDocument(QJsonObject{{"model", model}}).toJson());
            if (QString(kind) == "bert") write(dir + "/added_tokens.json", read(src + "/added_tokens.json"));
            const auto fromJson = loadTokenizer(dir.toStdString());
            const auto fromFiles = loadTokenizer(src.toStdString());
            QCOMPARE(QString::fromStdString(fromJson->kind()), QString(kind));
            for (const std::string& t : texts)
                QCOMPARE(fromJson->encode(t).ids, fromFiles->encode(t).ids);
        }
    }

    void tokenizerJsonOfAnotherModel()
    {
        QTemporaryDir tmp;
        write(tmp.path() + "/tokenizer.json", R"({"model": {"type": "Unigram", "vocab": []}})");
        const QString e = loadError(tmp.path());
        QVERIFY2(e.contains("tokenizer.json") && e.contains("'Unigram' is not supported"), qPrintable(e));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerFiles)
#include "tst_tokenizer_files.moc"
