// SPDX-License-Identifier: MIT
// Downloading a checkpoint from a local server that answers like the Hugging Face Hub: the cache layout,
// a plain folder, resuming a dropped or paused transfer with Range, checksum and HTTP errors, the job.
#include "common/hub_test_server.h"
#include "common/testsupport.h"
#include "core/jobs/jobtracker.h"
#include "core/models/hfcache.h"
#include "core/models/hub_download.h"
#include "core/models/hub_files.h"
#include "core/models/hub_job.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;
using loupe::test::HubTestServer;

namespace {

const QString repo = QStringLiteral("tiny/vit-classify");

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList resolved(const QStringList& log)
{
    QStringList out;
    for (const QString& l : log)
        if (l.contains(QLatin1String("/resolve/"))) out << l.section('/', -1);
    return out;
}

} // namespace

class TestHubDownload : public QObject
{
    Q_OBJECT

    QMap<QString, QByteArray> m_files;
    QTemporaryDir m_home;

    HubDownloadOptions options(const HubTestServer& server, const QString& cache) const
    {
        HubDownloadOptions o;
        o.repoId = repo;
        o.endpoint = server.endpoint();
        o.cacheDir = cache;
        o.transferTimeoutMs = 10000;
        return o;
    }

private slots:
    void initTestCase()
    {
        m_files = HubTestServer::goldenRepoFiles(loupe::test::goldenDir("vit_classify"));
        QVERIFY(m_files.value("model.safetensors").size() > 300000);
        // No saved login token or HF_TOKEN of the machine running the tests may leak in.
        qputenv("HF_HOME", m_home.path().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_TOKEN_PATH");
    }

    void selectsTheFilesLoupeReads()
    {
        const QStringList picked = checkpointFiles(
            {"config.json", "model-00001-of-00002.safetensors", "model.safetensors.index.json",
             "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "onnx/model.onnx", "tokenizer.json",
             "vocab.txt", "merges.txt", "README.md", "preprocessor_config.json", "special_tokens_map.json"});
        QCOMPARE(picked, QStringList({"config.json", "merges.txt", "model-00001-of-00002.safetensors",
                                      "model.safetensors.index.json", "preprocessor_config.json",
                                      "special_tokens_map.json", "tokenizer.json", "vocab.txt"}));
        QVERIFY(hubRepoIdProblem("openai/clip-vit-base-patch32").isEmpty());
        QVERIFY(hubRepoIdProblem("gpt2").isEmpty());
        QVERIFY(!hubRepoIdProblem("../etc").isEmpty());
        QVERIFY(!hubRepoIdProblem("a/b/c").isEmpty());
        QCOMPARE(hubCacheFolderName("owner/name"), QString("models--owner--name"));
        QCOMPARE(normalizeEtag("W/\"abc\""), QString("abc"));
    }

    void downloadsIntoTheCacheLayout()
    {
        HubTestServer server(repo, m_files);
        QTemporaryDir cache;
        qint64 lastDone = -1, lastTotal = -1;
        const HubDownloadResult r =
            downloadFromHub(options(server, cache.path()), [&](qint64 d, qint64 t, const QString&) {
                QVERIFY(d >= lastDone);
                lastDone = d;
                lastTotal = t;
            });
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.commit, QString(HubTestServer::commit));
        const QString repoDir = cache.filePath("models--tiny--vit-classify");
        QCOMPARE(r.folder, repoDir + "/snapshots/" + HubTestServer::commit);
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(lastTotal, qint64(m_files["model.safetensors"].size() + m_files["config.json"].size() +
                                   m_files["preprocessor_config.json"].size()));
        for (const char* name : {"config.json", "preprocessor_config.json", "model.safetensors"}) {
            const QFileInfo link(r.folder + '/' + name);
            QVERIFY2(link.isSymLink(), name);
            QCOMPARE(readAll(link.filePath()), m_files.value(name));
        }
        // The LFS blob is named by its sha256, a small file by its git blob sha1.
        const QByteArray weights = m_files["model.safetensors"];
        QVERIFY(QFileInfo(repoDir + "/blobs/" + HubTestServer::sha256(weights)).isFile());
        QVERIFY(QFileInfo(repoDir + "/blobs/" + HubTestServer::gitSha1(m_files["config.json"])).isFile());
        QCOMPARE(readAll(repoDir + "/refs/main"), QByteArray(HubTestServer::commit));
        QVERIFY(!QFileInfo::exists(r.folder + "/pytorch_model.bin"));
        QCOMPARE(resolved(server.requests()).filter("pytorch_model.bin"), QStringList());
        QCOMPARE(resolved(server.requests()).filter("onnx"), QStringList());
        QCOMPARE(resolved(server.requests()).filter("README"), QStringList());
        QCOMPARE(r.downloaded.size(), 3);

        // The hub cache discovery finds it, pointed at by main.
        const QList<CachedModel> found = discoverCachedModels(cache.path());
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].repoId, repo);
        QCOMPARE(found[0].refs, QStringList({"main"}));
        QVERIFY(found[0].hasWeights);

        // Again: everything is present, nothing is transferred.
        const HubDownloadResult again = downloadFromHub(options(server, cache.path()));
        QVERIFY2(again.ok, qPrintable(again.error));
        QCOMPARE(again.downloaded, QStringList());
    }

    void downloadsIntoAPlainFolder()
    {
        HubTestServer server(repo, m_files);
        QTemporaryDir to;
        HubDownloadOptions o = options(server, {});
        o.toDir = to.filePath("ckpt");
        const HubDownloadResult r = downloadFromHub(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.folder, to.filePath("ckpt"));
        QCOMPARE(QDir(r.folder).entryList(QDir::Files),
                 QStringList({"config.json", "model.safetensors", "preprocessor_config.json"}));
        QVERIFY(!QFileInfo(r.folder + "/model.safetensors").isSymLink());
        QCOMPARE(readAll(r.folder + "/model.safetensors"), m_files["model.safetensors"]);
    }

    void droppedConnectionResumesWithRange()
    {
        HubTestServer server(repo, m_files);
        server.dropLfsAfter(100000);
        QTemporaryDir cache;
        const HubDownloadResult r = downloadFromHub(options(server, cache.path()));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(readAll(r.folder + "/model.safetensors"), m_files["model.safetensors"]);
        // The resume asks from the cut. Qt's HTTP client may resend a request whose answer it lost on a
        // loaded machine, so the count is at least one, and no body request starts anywhere else.
        QVERIFY(server.requests().filter("Range: bytes=100000-").size() >= 1);
        QCOMPARE(server.requests().filter("Range: bytes=").size(),
                 server.requests().filter("Range: bytes=100000-").size());
    }

    void droppedWithoutRetriesKeepsThePartialForTheNextRun()
    {
        HubTestServer server(repo, m_files);
        server.dropLfsAfter(150000);
        QTemporaryDir cache;
        HubDownloadOptions o = options(server, cache.path());
        o.retries = 0;
        const HubDownloadResult failed = downloadFromHub(o);
        QVERIFY(!failed.ok);
        QVERIFY2(failed.error.contains("model.safetensors") && failed.error.contains("resume"),
                 qPrintable(failed.error));
        const QString partial = cache.filePath("models--tiny--vit-classify/blobs/") +
                                HubTestServer::sha256(m_files["model.safetensors"]) + ".incomplete";
        QCOMPARE(QFileInfo(partial).size(), qint64(150000));

        const HubDownloadResult r = downloadFromHub(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.requests().filter("Range: bytes=150000-").size(), 1);
        QCOMPARE(readAll(r.folder + "/model.safetensors"), m_files["model.safetensors"]);
        QVERIFY(!QFileInfo::exists(partial));
    }

    void stopKeepsThePartialAndAResumeFinishes()
    {
        HubTestServer server(repo, m_files);
        QTemporaryDir cache;
        std::atomic<bool> stop{false};
        const HubDownloadResult paused = downloadFromHub(
            options(server, cache.path()),
            [&](qint64, qint64, const QString& file) {
                if (file == "model.safetensors") stop = true;
            },
            &stop);
        QVERIFY(!paused.ok);
        QVERIFY2(paused.stopped, qPrintable(paused.error));
        const QString partial = cache.filePath("models--tiny--vit-classify/blobs/") +
                                HubTestServer::sha256(m_files["model.safetensors"]) + ".incomplete";
        QVERIFY(QFileInfo(partial).size() > 0);
        const HubDownloadResult r = downloadFromHub(options(server, cache.path()));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(readAll(r.folder + "/model.safetensors"), m_files["model.safetensors"]);
    }

    void pausedMidFileResumesWithOnlyTheRemainder()
    {
        HubTestServer server(repo, m_files);
        // Sent in pieces, so the pause lands mid-file however the socket buffers a fast local body.
        server.throttleLfs(8192, 10);
        QTemporaryDir cache;
        const QByteArray& weights = m_files["model.safetensors"];
        // Paused once part of the weights has arrived, as the Models panel's Pause does.
        std::atomic<bool> stop{false};
        const HubDownloadResult paused = downloadFromHub(
            options(server, cache.path()),
            [&](qint64 done, qint64, const QString& file) {
                if (file == "model.safetensors" && done > 0) stop = true;
            },
            &stop);
        QVERIFY(paused.stopped);
        const QString partial = cache.filePath("models--tiny--vit-classify/blobs/") +
                                HubTestServer::sha256(weights) + ".incomplete";
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY2(kept > 0 && kept < weights.size(), qPrintable(QString::number(kept)));
        QCOMPARE(readAll(partial), weights.left(kept)); // a prefix of the file, nothing else

        server.resetLfsBytesSent();
        server.throttleLfs(0, 0);
        const HubDownloadResult r = downloadFromHub(options(server, cache.path()));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.requests().filter(QStringLiteral("Range: bytes=%1-").arg(kept)).size(), 1);
        QCOMPARE(server.lfsBytesSent(), weights.size() - kept); // only the remainder travelled
        QCOMPARE(HubTestServer::sha256(readAll(r.folder + "/model.safetensors")),
                 HubTestServer::sha256(weights));
        QVERIFY(!QFileInfo::exists(partial));
    }

    void serverIgnoringRangeRestartsTheFileCleanly()
    {
        HubTestServer server(repo, m_files);
        server.dropLfsAfter(100000);
        server.ignoreRange(true); // answers 200 and the whole body to the resume
        QTemporaryDir cache;
        const HubDownloadResult r = downloadFromHub(options(server, cache.path()));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.requests().filter("Range: bytes=100000-").size(), 1);
        // The 100000 bytes kept were dropped, not prefixed to the full body.
        QCOMPARE(readAll(r.folder + "/model.safetensors"), m_files["model.safetensors"]);
        QCOMPARE(server.lfsBytesSent(), 100000 + m_files["model.safetensors"].size());
    }

    void wrongChecksumRemovesTheFileAndNamesIt()
    {
        HubTestServer server(repo, m_files);
        server.announceWrongSha256(true);
        QTemporaryDir cache;
        const HubDownloadResult r = downloadFromHub(options(server, cache.path()));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains("model.safetensors") && r.error.contains("checksum mismatch"),
                 qPrintable(r.error));
        const QDir blobs(cache.filePath("models--tiny--vit-classify/blobs"));
        QCOMPARE(blobs.entryList({"*.incomplete", QString(64, 'f')}, QDir::Files), QStringList());
    }

    void missingRepositoryRevisionOrServer_data()
    {
        QTest::addColumn<QString>("repoId");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("expected");
        QTest::newRow("repository") << "tiny/nothing-here"
                                    << "main"
                                    << "not found";
        QTest::newRow("revision") << repo << "v9"
                                  << "no revision 'v9'";
        QTest::newRow("bad id") << "../x"
                                << "main"
                                << "not a repository id";
    }

    void missingRepositoryRevisionOrServer()
    {
        QFETCH(QString, repoId);
        QFETCH(QString, revision);
        QFETCH(QString, expected);
        HubTestServer server(repo, m_files);
        QTemporaryDir cache;
        HubDownloadOptions o = options(server, cache.path());
        o.repoId = repoId;
        o.revision = revision;
        const HubDownloadResult r = downloadFromHub(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(expected), qPrintable(r.error));
        QCOMPARE(QDir(cache.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
    }

    void offlineSaysSo()
    {
        HubDownloadOptions o;
        o.repoId = repo;
        o.endpoint = "http://no-such-host.invalid";
        QTemporaryDir cache;
        o.cacheDir = cache.path();
        HubDownloadResult r = downloadFromHub(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains("host not found") && r.error.contains("no-such-host.invalid"),
                 qPrintable(r.error));

        quint16 closedPort = 0;
        {
            QTcpServer s;
            QVERIFY(s.listen(QHostAddress::LocalHost, 0));
            closedPort = s.serverPort();
        }
        o.endpoint = QString("http://127.0.0.1:%1").arg(closedPort);
        r = downloadFromHub(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains("cannot connect to 127.0.0.1"), qPrintable(r.error));
    }

    void gatedRepositoryAsksForAToken()
    {
        HubTestServer server(repo, m_files);
        server.requireToken("hf_secret");
        QTemporaryDir cache;
        HubDownloadOptions o = options(server, cache.path());
        HubDownloadResult r = downloadFromHub(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains("HF_TOKEN") && r.error.contains("gated"), qPrintable(r.error));
        o.token = "hf_secret";
        r = downloadFromHub(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        // The token goes to the Hub only, so a 401 never came back from the "LFS storage".
        QVERIFY(server.requests().filter("/lfs/").size() >= 1);
    }

    void runsAsAJob()
    {
        HubTestServer server(repo, m_files);
        QTemporaryDir cache;
        JobTracker tracker;
        HubDownloadResult result;
        JobHandle* job = startHubDownload(tracker, options(server, cache.path()),
                                          [&](const HubDownloadResult& r) { result = r; });
        QSignalSpy finished(job, &JobHandle::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(job->state(), JobHandle::State::Succeeded);
        QVERIFY(job->total() > 300);
        QTRY_VERIFY(result.ok);
        QVERIFY(job->message().contains(result.folder));
    }
};

QTEST_GUILESS_MAIN(TestHubDownload)
#include "tst_hub_download.moc"
