// SPDX-License-Identifier: MIT
#include "annotation/formats/jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <random>

using namespace loupe::annotation;

class TestJsonWriter : public QObject
{
    Q_OBJECT
private slots:
    void numbers()
    {
        QCOMPARE(formatNumber(3.0), QByteArray("3"));
        QCOMPARE(formatNumber(-0.5), QByteArray("-0.5"));
        QCOMPARE(formatNumber(0.1), QByteArray("0.1"));
        QCOMPARE(formatNumber(1e20), QByteArray("1e+20"));
        QCOMPARE(formatNumber(qQNaN()), QByteArray("null"));
        // Shortest text that reads back exactly.
        std::mt19937_64 rng(3);
        std::uniform_real_distribution<double> u(-1e6, 1e6);
        for (int i = 0; i < 1000; ++i) {
            const double d = u(rng);
            QCOMPARE(formatNumber(d).toDouble(), d);
        }
    }
    void stringsAndStructure()
    {
        const QString tricky = QStringLiteral("quote\" backslash\\ tab\t nl\n ctrl\x01 é 猫 ") +
                               QString::fromUcs4(U"\U0001F408");
        JsonWriter w(2);
        w.beginObject();
        w.key(tricky).value(tricky);
        w.key(u"empty_array").beginArray().endArray();
        w.key(u"empty_object").beginObject().endObject();
        w.key(u"list").beginArray().value(1).value(2.5).value(true).null().value("x").endArray();
        w.key(u"flat").numbers({1, 2, 3});
        w.endObject();
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(w.bytes(), &pe);
        QVERIFY2(pe.error == QJsonParseError::NoError,
                 qPrintable(pe.errorString() + QString::fromUtf8(w.bytes())));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(tricky).toString(), tricky);
        QCOMPARE(o.value(QStringLiteral("empty_array")).toArray().size(), 0);
        QCOMPARE(o.value(QStringLiteral("list")).toArray().size(), 5);
        QCOMPARE(o.value(QStringLiteral("flat")).toArray().at(2).toInt(), 3);
        // Keys keep the order they were written in (QJsonDocument would sort them).
        QVERIFY(w.bytes().indexOf("empty_array") < w.bytes().indexOf("empty_object"));
        QVERIFY(w.bytes().indexOf("empty_object") < w.bytes().indexOf("\"list\""));
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_json_writer.moc"
