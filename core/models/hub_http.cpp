// SPDX-License-Identifier: MIT
#include "core/models/hub_http.h"

#include <QEventLoop>
#include <QFile>
#include <QTimer>

namespace loupe::core {

QByteArray HubHttpReply::header(const char* name) const
{
    for (const auto& [key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0) return value;
    return {};
}

HubHttp::HubHttp(const QUrl& endpoint, QString token, int timeoutMs, const std::atomic<bool>* stop)
    : m_endpoint(endpoint), m_token(std::move(token)), m_timeoutMs(timeoutMs), m_stop(stop)
{
}

QNetworkRequest HubHttp::request(const QUrl& url) const
{
    QNetworkRequest r(url);
    r.setTransferTimeout(m_timeoutMs);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("loupe"));
    // Compressed answers would make Content-Length and Range count compressed bytes.
    r.setRawHeader("Accept-Encoding", "identity");
    if (!m_token.isEmpty() && url.host() == m_endpoint.host() && url.port() == m_endpoint.port())
        r.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    return r;
}

HubHttpReply HubHttp::wait(QNetworkReply* reply, const std::function<void()>& onReadyRead)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer poll;
    bool stopped = false;
    // Checked after every chunk too, so a stop lands mid-file even when the whole body comes in a burst.
    if (onReadyRead)
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
            onReadyRead();
            if (m_stop && m_stop->load() && !stopped) {
                stopped = true;
                reply->abort();
            }
        });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (m_stop && m_stop->load()) {
            stopped = true;
            reply->abort();
        }
    });
    poll.start(100);
    if (!reply->isFinished()) loop.exec();
    if (onReadyRead && reply->bytesAvailable() > 0 && !stopped) onReadyRead();
    HubHttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.errorString = reply->errorString();
    r.headers = reply->rawHeaderPairs();
    r.url = reply->url();
    r.stopped = stopped;
    if (!onReadyRead) r.body = reply->readAll();
    reply->deleteLater();
    return r;
}

HubHttpReply HubHttp::head(const QUrl& url)
{
    return wait(m_nam.head(request(url)));
}

HubHttpReply HubHttp::get(const QUrl& url)
{
    return wait(m_nam.get(request(url)));
}

HubHttpReply HubHttp::download(const QUrl& url, qint64 from, QFile& file,
                               const std::function<void(qint64)>& onBytes)
{
    QNetworkRequest req = request(url);
    if (from > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(from) + '-');
    QNetworkReply* reply = m_nam.get(req);
    QByteArray errorBody;
    bool decided = false, toFile = false;
    bool writeFailed = false;
    const auto onReadyRead = [&] {
        if (!decided) {
            decided = true;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            toFile = status == 200 || status == 206;
            if (status == 200 && file.size() > 0) {
                file.resize(0);
                file.seek(0);
            }
        }
        const QByteArray chunk = reply->readAll();
        if (!toFile) {
            if (errorBody.size() < 4096) errorBody += chunk.left(4096);
            return;
        }
        if (file.write(chunk) != chunk.size()) {
            writeFailed = true;
            reply->abort();
            return;
        }
        if (onBytes) onBytes(file.size());
    };
    HubHttpReply r = wait(reply, onReadyRead);
    file.flush();
    r.body = errorBody;
    if (writeFailed) {
        r.error = QNetworkReply::UnknownContentError;
        r.errorString = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
    }
    return r;
}

} // namespace loupe::core
