// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>
#include <atomic>
#include <functional>

class QFile;

namespace loupe::core {

struct HubHttpReply
{
    int status = 0; // 0: no HTTP answer (see error)
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body; // small answers and error pages only; downloads go to their file
    QUrl url;
    bool stopped = false;

    QByteArray header(const char* name) const;
    bool answered() const { return status > 0; }
};

// Blocking HTTP for the Hub download: each call runs a local event loop, so it works on a worker thread
// that has none. The token is sent only to the endpoint's host, never to the storage a file redirects to.
class HubHttp
{
public:
    HubHttp(const QUrl& endpoint, QString token, int timeoutMs, const std::atomic<bool>* stop);

    // Redirects are not followed: the Hub puts an LFS file's checksum and size on the redirect itself.
    HubHttpReply head(const QUrl& url);
    HubHttpReply get(const QUrl& url);
    // Appends the body to `file` from byte `from` (a Range request when from > 0); a server that ignores
    // the range and answers 200 restarts the file. `onBytes` gets the file's size after every chunk.
    HubHttpReply download(const QUrl& url, qint64 from, QFile& file,
                          const std::function<void(qint64)>& onBytes);

private:
    QNetworkRequest request(const QUrl& url) const;
    HubHttpReply wait(QNetworkReply* reply, const std::function<void()>& onReadyRead = {});

    QNetworkAccessManager m_nam;
    QUrl m_endpoint;
    QString m_token;
    int m_timeoutMs;
    const std::atomic<bool>* m_stop;
};

} // namespace loupe::core
