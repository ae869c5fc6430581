// SPDX-License-Identifier: MIT
// `loupe sample shapes` driven through the real binary.
#include "common/runloupe.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256)
                                       : QByteArray();
}

} // namespace

class TestCliSample : public QObject
{
    Q_OBJECT
private slots:
    void writesImagesAnnotationsAndLabels()
    {
        QTemporaryDir d;
        const QString a = QDir(d.path()).filePath(QStringLiteral("a")),
                      b = QDir(d.path()).filePath(QStringLiteral("b"));
        const LoupeRun r =
            runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), a, QStringLiteral("--count"),
                      QStringLiteral("5"), QStringLiteral("--seed"), QStringLiteral("9"),
                      QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("images")].toInt(), 5);
        QCOMPARE(o[QStringLiteral("size")].toInt(), 64);
        QVERIFY(o[QStringLiteral("objects")].toInt() >= 5);
        QCOMPARE(QImage(QDir(a).filePath(QStringLiteral("images/shapes_000004.png"))).size(), QSize(64, 64));
        QVERIFY(runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), b, QStringLiteral("--count"),
                          QStringLiteral("5"), QStringLiteral("--seed"), QStringLiteral("9"),
                          QStringLiteral("--size"), QStringLiteral("64")})
                    .code == 0);
        for (const QString& f : {QStringLiteral("annotations.json"), QStringLiteral("labels.csv"),
                                 QStringLiteral("images/shapes_000002.png")})
            QCOMPARE(fileHash(QDir(b).filePath(f)), fileHash(QDir(a).filePath(f)));
    }

    void badArgumentsExitWithUsage()
    {
        QTemporaryDir d;
        const LoupeRun none = runLoupe({QStringLiteral("sample")});
        QCOMPARE(none.code, 2);
        const LoupeRun kind = runLoupe({QStringLiteral("sample"), QStringLiteral("faces"), d.path()});
        QCOMPARE(kind.code, 2);
        QVERIFY(kind.err.contains("unknown sample kind"));
        const LoupeRun size = runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), d.path(),
                                        QStringLiteral("--size"), QStringLiteral("4")});
        QCOMPARE(size.code, 2);
        QVERIFY(size.err.contains("size"));
        const LoupeRun count = runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), d.path(),
                                         QStringLiteral("--count"), QStringLiteral("x")});
        QCOMPARE(count.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliSample)
#include "tst_cli_sample.moc"
