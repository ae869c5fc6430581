// SPDX-License-Identifier: MIT
// `loupe tokenize` end to end on the golden tokenizer folders (tokenizer files only): --json gives the
// library's ids and tokens; the plain output lists them; bad folders and bad arguments fail clearly.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliTokenize : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonObject case_;

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("tokenizers"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        case_ = QJsonDocument::fromJson(f.readAll()).object();
    }

    void jsonMatchesTransformers_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("k");
        for (const char* kind : {"gpt2", "clip", "bert"})
            for (int k : {1, 12, 17, 21, 22})
                QTest::newRow((QByteArray(kind) + "." + QByteArray::number(k)).constData())
                    << QString(kind) << k;
    }
    void jsonMatchesTransformers()
    {
        QFETCH(QString, kind);
        QFETCH(int, k);
        const QString text = case_["inputs"].toObject()["strings"].toArray()[k].toString();
        const LoupeRun r = runLoupe({"tokenize", "--model", dir_ + "/" + kind, text, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const auto expected =
            loupe::compute::SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const auto& t = expected.tensor(QString("ids.%1.%2").arg(kind).arg(k).toStdString());
        std::vector<int64_t> want(size_t(t.numel()));
        if (!want.empty()) std::memcpy(want.data(), t.data, want.size() * 8);
        std::vector<int64_t> got;
        for (const QJsonValue& v : o["ids"].toArray())
            got.push_back(v.toInteger());
        QCOMPARE(got, want);
        const QJsonArray wantTokens = case_["outputs"]
                                          .toObject()["results"]
                                          .toArray()[k]
                                          .toObject()[kind]
                                          .toObject()["tokens"]
                                          .toArray();
        QCOMPARE(o["tokens"].toArray(), wantTokens);
    }

    void plainListsIdsAndTokens()
    {
        const LoupeRun r = runLoupe({"tokenize", "--model", dir_ + "/bert", "Hello world"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("8 tokens (bert)\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression("\\n +2  \\[CLS\\]\\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains("##ell"), qPrintable(r.out));
    }

    void optionsSpecialAndLength()
    {
        const LoupeRun r = runLoupe(
            {"tokenize", "--model", dir_ + "/clip", "a photo of a cat", "--json", "--max-length", "4"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray ids = QJsonDocument::fromJson(r.out.toUtf8()).object()["ids"].toArray();
        QCOMPARE(ids.size(), 4);
        QCOMPARE(ids.first().toInt(), 812);
        QCOMPARE(ids.last().toInt(), 813);
        const LoupeRun plain = runLoupe(
            {"tokenize", "--model", dir_ + "/clip", "a photo of a cat", "--json", "--no-special-tokens"});
        QVERIFY2(plain.code == 0, qPrintable(plain.err));
        QCOMPARE(QJsonDocument::fromJson(plain.out.toUtf8()).object()["ids"].toArray().first().toInt(), 320);
    }

    void errors()
    {
        QTemporaryDir tmp;
        const LoupeRun empty = runLoupe({"tokenize", "--model", tmp.path(), "text"});
        QCOMPARE(empty.code, 1);
        QVERIFY2(empty.err.contains("holds no tokenizer files"), qPrintable(empty.err));
        QFile f(tmp.path() + "/vocab.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{broken");
        f.close();
        QFile m(tmp.path() + "/merges.txt");
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write("#version: 0.2\n");
        m.close();
        const LoupeRun broken = runLoupe({"tokenize", "--model", tmp.path(), "text"});
        QCOMPARE(broken.code, 1);
        QVERIFY2(broken.err.contains("vocab.json") && broken.err.contains("not valid JSON"),
                 qPrintable(broken.err));
        QCOMPARE(runLoupe({"tokenize", "--model", dir_ + "/gpt2"}).code, 2);
        QCOMPARE(runLoupe({"tokenize", "text"}).code, 2);
        QCOMPARE(runLoupe({"tokenize", "--model", dir_ + "/gpt2", "x", "--max-length", "-3"}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "tst_cli_tokenize.moc"
