// SPDX-License-Identifier: MIT
// `loupe model download` against a local server answering like the Hugging Face Hub: the folder it prints
// opens with `loupe model info`, a dropped transfer resumes, and failures say what happened.
#include "common/hub_test_server.h"
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using loupe::test::HubTestServer;
using loupe::test::LoupeRun;

namespace {

const QString repo = QStringLiteral("tiny/vit-classify");

// runLoupe with the hub cache and token settings pointed into `home`, so nothing of the machine leaks in.
LoupeRun runIn(const QString& home, const QStringList& args, const QString& token = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HF_HOME", home);
    env.remove("HF_HUB_CACHE");
    env.remove("HUGGINGFACE_HUB_CACHE");
    env.remove("HF_TOKEN_PATH");
    env.remove("HF_ENDPOINT");
    if (token.isEmpty())
        env.remove("HF_TOKEN");
    else
        env.insert("HF_TOKEN", token);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LOUPE_EXE), args);
    const bool finished = p.waitForFinished(60000);
    if (!finished) p.kill();
    return {finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestCliModelDownload : public QObject
{
    Q_OBJECT

    QMap<QString, QByteArray> m_files;

private slots:
    void initTestCase() { m_files = HubTestServer::goldenRepoFiles(loupe::test::goldenDir("vit_classify")); }

    void downloadsIntoTheCacheAndTheFolderOpens()
    {
        HubTestServer server(repo, m_files);
        server.dropLfsAfter(50000);
        QTemporaryDir home;
        const LoupeRun r = runIn(home.path(), {"model", "download", repo, "--endpoint", server.endpoint()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString folder = r.out.trimmed();
        QCOMPARE(folder, home.filePath("hub/models--tiny--vit-classify/snapshots/") + HubTestServer::commit);
        QVERIFY(!server.requests().filter("Range: bytes=50000-").isEmpty());
        QVERIFY(!QFileInfo::exists(folder + "/pytorch_model.bin"));
        const LoupeRun info = runIn(home.path(), {"model", "info", folder});
        QVERIFY2(info.code == 0, qPrintable(info.err));
        QVERIFY2(info.out.contains("supported as ViTForImageClassification"), qPrintable(info.out));
    }

    void anInterruptedDownloadResumesWhenRunAgain()
    {
        HubTestServer server(repo, m_files);
        const QByteArray& weights = m_files["model.safetensors"];
        // The first try and its three resumptions are all cut short (the server counts tries by the
        // offset they ask for, so a request Qt repeats after a lost answer does not use up a cut).
        server.dropLfsAfter(20000, 4);
        QTemporaryDir home;
        const QStringList args = {"model", "download", repo, "--endpoint", server.endpoint()};
        const LoupeRun failed = runIn(home.path(), args);
        QVERIFY2(failed.code == 1, qPrintable(failed.err + '\n' + server.requests().join('\n')));
        QVERIFY2(failed.err.contains("model.safetensors") && failed.err.contains("resume"),
                 qPrintable(failed.err));
        const QString partial = home.filePath("hub/models--tiny--vit-classify/blobs/") +
                                HubTestServer::sha256(weights) + ".incomplete";
        QCOMPARE(QFileInfo(partial).size(), qint64(80000));

        server.resetLfsBytesSent();
        const qsizetype before = server.requests().size();
        const LoupeRun r = runIn(home.path(), args);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        // Only the rest is fetched: every body request asks from 80000 (Qt may repeat one whose
        // answer it lost, so their number is not fixed), and nothing more is sent.
        const QStringList fetched = server.requests().mid(before).filter("GET /lfs/");
        QVERIFY(!fetched.isEmpty());
        for (const QString& line : fetched)
            QVERIFY2(line.endsWith("Range: bytes=80000-"), qPrintable(line));
        QCOMPARE(server.lfsBytesSent(), fetched.size() * (weights.size() - 80000));
        QFile f(r.out.trimmed() + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(HubTestServer::sha256(f.readAll()), HubTestServer::sha256(weights));
        QVERIFY(!QFileInfo::exists(partial));
    }

    void aCommitRevisionIntoAPlainFolder()
    {
        HubTestServer server(repo, m_files);
        QTemporaryDir home;
        const QString to = home.filePath("plain");
        const LoupeRun r = runIn(home.path(), {"model", "download", repo, "--revision", HubTestServer::commit,
                                               "--endpoint", server.endpoint() + "/", "--to", to});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), to);
        QFile f(to + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), m_files["model.safetensors"]);
        QVERIFY(!QFileInfo::exists(home.filePath("hub")));
    }

    void failuresNameTheProblem_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");
        QTest::newRow("no repository") << QStringList{"tiny/missing"} << 1 << "not found";
        QTest::newRow("no revision") << QStringList{repo, "--revision", "nope"} << 1 << "no revision 'nope'";
        QTest::newRow("wrong checksum") << QStringList{repo, "--wrong-sha"} << 1 << "checksum mismatch";
        QTest::newRow("gated") << QStringList{repo, "--gated"} << 1 << "set HF_TOKEN";
        QTest::newRow("offline") << QStringList{repo, "--offline"} << 1 << "host not found";
        QTest::newRow("no id") << QStringList{} << 2 << "usage: loupe model download";
        QTest::newRow("bad id") << QStringList{"a/b/c"} << 1 << "not a repository id";
        QTest::newRow("missing value") << QStringList{repo, "--revision"} << 2 << "--revision needs a value";
    }

    void failuresNameTheProblem()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, says);
        HubTestServer server(repo, m_files);
        QString endpoint = server.endpoint();
        if (args.removeAll("--wrong-sha")) server.announceWrongSha256(true);
        if (args.removeAll("--gated")) server.requireToken("hf_secret");
        if (args.removeAll("--offline")) endpoint = "http://no-such-host.invalid";
        QTemporaryDir home;
        const bool withEndpoint = !args.isEmpty() && !args.endsWith("--revision");
        const LoupeRun r =
            runIn(home.path(), QStringList{"model", "download"} + args +
                                   (withEndpoint ? QStringList{"--endpoint", endpoint} : QStringList{}));
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
        QCOMPARE(r.out, QString());
    }

    void gatedWithATokenDownloads()
    {
        HubTestServer server(repo, m_files);
        server.requireToken("hf_secret");
        QTemporaryDir home;
        const LoupeRun r =
            runIn(home.path(), {"model", "download", repo, "--endpoint", server.endpoint()}, "hf_secret");
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void modelUsageStillListsInfo()
    {
        QTemporaryDir home;
        const LoupeRun r = runIn(home.path(), {"model", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("loupe model info DIR"));
        QVERIFY(r.out.contains("loupe model download REPO_ID"));
    }
};

QTEST_GUILESS_MAIN(TestCliModelDownload)
#include "tst_cli_model_download.moc"
