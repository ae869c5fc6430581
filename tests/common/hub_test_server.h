// SPDX-License-Identifier: MIT
#pragma once

// A local HTTP server that answers like the Hugging Face Hub for one repository, so download tests never
// touch the network: GET /api/models/REPO/revision/REV (commit and siblings), HEAD/GET
// /REPO/resolve/REV/FILE (small files with their git blob sha1 as ETag, *.safetensors redirected to
// /lfs/SHA256 with X-Linked-Etag and X-Linked-Size), and /lfs/SHA256 with Range support (206 and
// Content-Range, as the Hub's storage answers). Faults can be switched on: a connection dropped part-way
// through an LFS body, a wrong sha256, a required token, a storage that ignores Range (200 and the whole
// body). It counts the LFS body bytes it sent, so a test can tell a resume from a fresh start.
// It runs on its own thread, so a test may block (on a download or on the loupe process) while it serves.
// Header-only because only tests that link Qt Network (through loupe_core) use it.
#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>
#include <QMap>
#include <QMutex>
#include <QMutexLocker>
#include <QSet>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <memory>

namespace loupe::test {

class HubTestServer
{
public:
    static constexpr const char* commit = "0123456789abcdef0123456789abcdef01234567";

    // Serves `files` (name -> bytes) as repository `repoId` at revision "main" (and at the commit).
    HubTestServer(QString repoId, QMap<QString, QByteArray> files)
        : m_repo(std::move(repoId)), m_files(std::move(files))
    {
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                auto* server = new QTcpServer(m_context);
                QObject::connect(server, &QTcpServer::newConnection, m_context, [this, server] {
                    while (QTcpSocket* s = server->nextPendingConnection())
                        serve(s);
                });
                server->listen(QHostAddress::LocalHost, 0);
                m_port = server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }

    ~HubTestServer()
    {
        QMetaObject::invokeMethod(
            m_context, [this] { qDeleteAll(m_context->children()); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        delete m_context;
    }

    // The golden tiny ViT checkpoint plus files a download must leave on the Hub.
    static QMap<QString, QByteArray> goldenRepoFiles(const QString& goldenFolder)
    {
        QMap<QString, QByteArray> files;
        for (const char* name : {"config.json", "preprocessor_config.json", "model.safetensors"}) {
            QFile f(goldenFolder + '/' + name);
            if (f.open(QIODevice::ReadOnly)) files.insert(QString::fromLatin1(name), f.readAll());
        }
        files.insert(QStringLiteral("pytorch_model.bin"), QByteArray(64, 'p'));
        files.insert(QStringLiteral("onnx/model.onnx"), QByteArray(32, 'o'));
        files.insert(QStringLiteral("README.md"), QByteArray("# tiny\n"));
        return files;
    }

    QString endpoint() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }

    // The next `times` tries to fetch an LFS body are cut after `bytes` bytes. A try is a file and
    // the offset it asks for: when a cut answer's connection ends before the client has read it, Qt's
    // HTTP stack sends the same request again on a new connection (under load it happens), and that
    // repeat is cut too without counting as another try. Counting requests instead would let a
    // client's tries outnumber the cuts by timing alone.
    void dropLfsAfter(qint64 bytes, int times = 1)
    {
        QMutexLocker lock(&m_mutex);
        m_dropAfter = bytes;
        m_drops = times;
        m_cutTries.clear();
    }
    // LFS bodies are sent `bytes` at a time, one piece every `intervalMs`, so a test can act mid-file.
    void throttleLfs(qint64 bytes, int intervalMs)
    {
        QMutexLocker lock(&m_mutex);
        m_chunk = bytes;
        m_chunkMs = intervalMs;
    }
    // LFS GETs answer 200 with the whole body whatever Range asks for.
    void ignoreRange(bool ignore)
    {
        QMutexLocker lock(&m_mutex);
        m_ignoreRange = ignore;
    }
    // LFS body bytes sent by GETs since the start or the last resetLfsBytesSent().
    qint64 lfsBytesSent() const
    {
        QMutexLocker lock(&m_mutex);
        return m_lfsBytesSent;
    }
    void resetLfsBytesSent()
    {
        QMutexLocker lock(&m_mutex);
        m_lfsBytesSent = 0;
    }
    // X-Linked-Etag announces a sha256 the bytes do not have.
    void announceWrongSha256(bool wrong)
    {
        QMutexLocker lock(&m_mutex);
        m_wrongSha = wrong;
    }
    // Every request without "Authorization: Bearer TOKEN" gets 401.
    void requireToken(const QByteArray& token)
    {
        QMutexLocker lock(&m_mutex);
        m_token = token;
    }
    // "METHOD PATH" or "METHOD PATH Range: bytes=N-" for every request so far.
    QStringList requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_log;
    }
    static QByteArray sha256(const QByteArray& b)
    {
        return QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex();
    }
    static QByteArray gitSha1(const QByteArray& b)
    {
        return QCryptographicHash::hash("blob " + QByteArray::number(b.size()) + '\0' + b,
                                        QCryptographicHash::Sha1)
            .toHex();
    }

private:
    struct Response
    {
        int status = 200;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        qint64 contentLength = -1; // differs from body.size() for HEAD
        qint64 cutAfter = -1;      // close the connection after this many body bytes
        qint64 chunk = 0;          // > 0: send the body this many bytes at a time,
        int chunkMs = 0;           // one piece every chunkMs
    };

    void serve(QTcpSocket* s)
    {
        auto* buffer = new QByteArray;
        QObject::connect(s, &QTcpSocket::disconnected, s, [s, buffer] {
            delete buffer;
            s->deleteLater();
        });
        QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
            *buffer += s->readAll();
            const int end = buffer->indexOf("\r\n\r\n");
            if (end < 0) return;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            buffer->clear();
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            QMap<QByteArray, QByteArray> headers;
            for (int i = 1; i < lines.size(); ++i) {
                const int colon = lines[i].indexOf(':');
                if (colon > 0)
                    headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
            }
            const QByteArray method = first.value(0), path = first.value(1);
            const Response r = answer(method, QByteArray::fromPercentEncoding(path), headers);
            write(s, method, r);
        });
    }

    void write(QTcpSocket* s, const QByteArray& method, const Response& r)
    {
        static const QMap<int, QByteArray> reasons = {{200, "OK"},        {206, "Partial Content"},
                                                      {302, "Found"},     {401, "Unauthorized"},
                                                      {404, "Not Found"}, {416, "Range Not Satisfiable"}};
        QByteArray out =
            "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + reasons.value(r.status, "X") + "\r\n";
        for (const auto& [k, v] : r.headers)
            out += k + ": " + v + "\r\n";
        out +=
            "Content-Length: " + QByteArray::number(r.contentLength >= 0 ? r.contentLength : r.body.size()) +
            "\r\nConnection: close\r\n\r\n";
        const QByteArray body = method == "HEAD"  ? QByteArray()
                                : r.cutAfter >= 0 ? r.body.left(r.cutAfter)
                                                  : r.body;
        if (r.chunk > 0 && !body.isEmpty()) {
            s->write(out);
            auto rest = std::make_shared<QByteArray>(body);
            auto* timer = new QTimer(s); // goes with the socket when the client hangs up
            QObject::connect(timer, &QTimer::timeout, s, [s, timer, rest, chunk = r.chunk] {
                if (rest->isEmpty()) {
                    timer->stop();
                    s->disconnectFromHost();
                    return;
                }
                s->write(rest->left(chunk));
                rest->remove(0, chunk);
            });
            timer->start(r.chunkMs);
            return;
        }
        out += body;
        s->write(out);
        s->disconnectFromHost(); // after the bytes are written: a cut body reads as a dropped connection
    }

    Response answer(const QByteArray& method, const QByteArray& path,
                    const QMap<QByteArray, QByteArray>& headers)
    {
        QMutexLocker lock(&m_mutex);
        QString line = QString::fromLatin1(method + ' ' + path);
        if (headers.contains("range"))
            line += QStringLiteral(" Range: ") + QString::fromLatin1(headers["range"]);
        m_log << line;
        Response r;
        const QByteArray repoCommit = "X-Repo-Commit";
        if (!m_token.isEmpty() && headers.value("authorization") != "Bearer " + m_token &&
            !path.startsWith("/lfs/")) {
            r.status = 401;
            r.headers << qMakePair(QByteArray("X-Error-Code"), QByteArray("GatedRepo"));
            r.body = "Access to this model is restricted";
            return r;
        }
        const QString p = QString::fromUtf8(path);
        const QString api = "/api/models/" + m_repo + "/revision/";
        const QString resolve = '/' + m_repo + "/resolve/";
        if (p.startsWith(QLatin1String("/api/models/")) && !p.startsWith(api))
            return notFound("RepoNotFound");
        if (p.startsWith(api)) {
            const QString rev = p.mid(api.size());
            if (rev != QLatin1String("main") && rev != QLatin1String(commit))
                return notFound("RevisionNotFound");
            QByteArray siblings;
            for (const QString& name : m_files.keys())
                siblings += (siblings.isEmpty() ? "" : ",") + ("{\"rfilename\":\"" + name.toUtf8() + "\"}");
            r.body = "{\"id\":\"" + m_repo.toUtf8() + "\",\"sha\":\"" + commit + "\",\"siblings\":[" +
                     siblings + "]}";
            return r;
        }
        if (p.startsWith(resolve)) {
            const QString rest = p.mid(resolve.size());
            const QString rev = rest.section('/', 0, 0), name = rest.section('/', 1);
            if (rev != QLatin1String("main") && rev != QLatin1String(commit))
                return notFound("RevisionNotFound");
            if (!m_files.contains(name)) return notFound("EntryNotFound");
            const QByteArray bytes = m_files.value(name);
            r.headers << qMakePair(repoCommit, QByteArray(commit));
            if (name.endsWith(QLatin1String(".safetensors"))) {
                const QByteArray sha = m_wrongSha ? QByteArray(64, 'f') : sha256(bytes);
                r.status = 302;
                r.headers << qMakePair(QByteArray("Location"),
                                       endpoint().toLatin1() + "/lfs/" + sha256(bytes))
                          << qMakePair(QByteArray("X-Linked-Etag"), '"' + sha + '"')
                          << qMakePair(QByteArray("X-Linked-Size"), QByteArray::number(bytes.size()))
                          << qMakePair(QByteArray("ETag"), '"' + gitSha1("pointer " + bytes.left(16)) + '"');
                return r;
            }
            r.headers << qMakePair(QByteArray("ETag"), '"' + gitSha1(bytes) + '"');
            r.body = bytes;
            return r;
        }
        if (p.startsWith(QLatin1String("/lfs/"))) {
            const QByteArray sha = p.mid(5).toLatin1();
            for (const QByteArray& bytes : m_files)
                if (sha256(bytes) == sha) return lfsBody(method, bytes, headers.value("range"));
        }
        return notFound("EntryNotFound");
    }

    Response lfsBody(const QByteArray& method, const QByteArray& bytes, const QByteArray& range)
    {
        Response r;
        r.headers << qMakePair(QByteArray("ETag"), '"' + sha256(bytes) + '"')
                  << qMakePair(QByteArray("Accept-Ranges"), QByteArray("bytes"));
        qint64 from = 0;
        if (range.startsWith("bytes=") && !m_ignoreRange) {
            from = range.mid(6, range.indexOf('-') - 6).toLongLong();
            if (from >= bytes.size()) {
                r.status = 416;
                return r;
            }
            r.status = 206;
            r.headers << qMakePair(QByteArray("Content-Range"), "bytes " + QByteArray::number(from) + '-' +
                                                                    QByteArray::number(bytes.size() - 1) +
                                                                    '/' + QByteArray::number(bytes.size()));
        }
        r.body = bytes.mid(from);
        if (method == "GET") {
            // The offset asked for, even when ignoreRange answers from 0: the client's next try asks
            // for another one.
            const qint64 asked =
                range.startsWith("bytes=") ? range.mid(6, range.indexOf('-') - 6).toLongLong() : 0;
            const QString attempt = QString::fromLatin1(sha256(bytes)) + '@' + QString::number(asked);
            if (m_cutTries.contains(attempt)) {
                r.cutAfter = m_dropAfter; // a repeat of a try whose answer the client never read
            } else if (m_drops > 0) {
                --m_drops;
                m_cutTries.insert(attempt);
                r.cutAfter = m_dropAfter;
            }
        }
        r.chunk = m_chunk;
        r.chunkMs = m_chunkMs;
        if (method == "GET")
            m_lfsBytesSent += r.cutAfter >= 0 ? qMin(r.cutAfter, qint64(r.body.size())) : r.body.size();
        return r;
    }

    static Response notFound(const QByteArray& code)
    {
        Response r;
        r.status = 404;
        r.headers << qMakePair(QByteArray("X-Error-Code"), code);
        r.body = "not found";
        return r;
    }

    QString m_repo;
    QMap<QString, QByteArray> m_files;
    QThread m_thread;
    QObject* m_context = nullptr;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    qint64 m_dropAfter = -1;
    int m_drops = 0;
    QSet<QString> m_cutTries; // "sha256@offset" of the tries cut so far
    bool m_wrongSha = false;
    bool m_ignoreRange = false;
    qint64 m_chunk = 0;
    int m_chunkMs = 0;
    qint64 m_lfsBytesSent = 0;
    QByteArray m_token;
    QStringList m_log;
};

} // namespace loupe::test
