// SPDX-License-Identifier: MIT
// `loupe model info` names the command that runs each architecture the engine supports, and refuses with the
// loader's reason what it cannot run.
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliModelInfo : public QObject
{
    Q_OBJECT

private slots:
    void eachArchitectureNamesItsCommand_data()
    {
        QTest::addColumn<QString>("golden");
        QTest::addColumn<QString>("says");
        QTest::newRow("vit") << QStringLiteral("vit_classify")
                             << QStringLiteral("supported as ViTForImageClassification");
        QTest::newRow("clip") << QStringLiteral("clip_match")
                              << QStringLiteral("supported as CLIPModel (loupe match)");
        QTest::newRow("gpt2") << QStringLiteral("gpt2_generate")
                              << QStringLiteral("supported as GPT2LMHeadModel (loupe generate)");
    }

    void eachArchitectureNamesItsCommand()
    {
        QFETCH(QString, golden);
        QFETCH(QString, says);
        const LoupeRun r =
            runLoupe({QStringLiteral("model"), QStringLiteral("info"), loupe::test::goldenDir(golden)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(says), qPrintable(r.out));
    }

    // A CLIP folder whose weights miss a tensor is not called supported.
    void aBrokenClipIsNotRunnable()
    {
        QTemporaryDir tmp;
        const QString src = loupe::test::goldenDir(QStringLiteral("clip_match"));
        QVERIFY(QFile::copy(src + "/config.json", tmp.filePath(QStringLiteral("config.json"))));
        QFile empty(tmp.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        const QByteArray header = "{}";
        const quint64 n = quint64(header.size());
        empty.write(reinterpret_cast<const char*>(&n), 8);
        empty.write(header);
        empty.close();
        const LoupeRun r = runLoupe({QStringLiteral("model"), QStringLiteral("info"), tmp.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(QStringLiteral("not runnable")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliModelInfo)
#include "tst_cli_model_info.moc"
