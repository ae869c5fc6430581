// SPDX-License-Identifier: MIT
#include "core/models/hub_download.h"

#include "core/models/hfcache.h"
#include "core/models/hub_files.h"
#include "core/models/hub_http.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <filesystem>

namespace loupe::core {

namespace {

// One file to fetch, as the HEAD request describes it.
struct RemoteFile
{
    QString name;
    QString etag; // sha256 (LFS) or git blob sha1
    qint64 size = -1;
    QUrl url; // where the bytes are (the LFS storage an LFS file redirects to)
};

bool isSha256(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{64}$"));
    return re.match(s).hasMatch();
}

bool isSha1(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{40}$"));
    return re.match(s).hasMatch();
}

// The checksum the ETag names, computed over the file: sha256 of the bytes, or git's blob sha1
// ("blob SIZE\0" then the bytes). Empty when the ETag is neither, so nothing can be checked.
QString checksumLike(const QString& etag, const QString& path)
{
    const bool sha256 = isSha256(etag);
    if (!sha256 && !isSha1(etag)) return {};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return QStringLiteral("(unreadable)");
    QCryptographicHash h(sha256 ? QCryptographicHash::Sha256 : QCryptographicHash::Sha1);
    if (!sha256) h.addData("blob " + QByteArray::number(f.size()) + '\0');
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

class Downloader
{
public:
    Downloader(const HubDownloadOptions& o, const HubProgress& progress, const std::atomic<bool>* stop)
        : m_o(o), m_progress(progress), m_stop(stop),
          m_endpoint(o.endpoint.isEmpty() ? hubEndpoint() : o.endpoint),
          m_http(QUrl(m_endpoint), o.token.isEmpty() ? hubToken() : o.token, o.transferTimeoutMs, stop)
    {
    }

    HubDownloadResult run();

private:
    // Why an answer is not a success, in words that say what to do; empty when it is one.
    QString failure(const HubHttpReply& r, const QString& what) const;
    bool describe(const QString& name, RemoteFile* file, QString* error);
    bool fetch(const RemoteFile& file, const QString& partial, QString* error);
    bool placeInCache(const RemoteFile& file, QString* error);
    bool placeInFolder(const RemoteFile& file, QString* error);
    void report(const QString& file) const
    {
        if (m_progress) m_progress(m_done + m_current, m_total, file);
    }
    bool stopRequested() const { return m_stop && m_stop->load(); }

    HubDownloadOptions m_o;
    HubProgress m_progress;
    const std::atomic<bool>* m_stop;
    QString m_endpoint;
    HubHttp m_http;
    QString m_commit;
    QString m_repoDir; // cache mode: CACHE/models--owner--name
    qint64 m_done = 0, m_current = 0, m_total = 0;
    HubDownloadResult m_result;
};

QString Downloader::failure(const HubHttpReply& r, const QString& what) const
{
    const QString host = QUrl(m_endpoint).host();
    if (r.stopped) return QStringLiteral("stopped");
    if (!r.answered()) {
        switch (r.error) {
        case QNetworkReply::HostNotFoundError:
            return QStringLiteral("cannot reach %1: host not found (offline? HF_ENDPOINT can name a mirror)")
                .arg(r.url.host());
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
            return QStringLiteral("cannot connect to %1 (offline?): %2").arg(r.url.host(), r.errorString);
        default:
            return QStringLiteral("%1: %2").arg(what, r.errorString);
        }
    }
    if (r.status == 401 || r.status == 403) {
        const QString hint = m_o.token.isEmpty() && hubToken().isEmpty()
                                 ? QStringLiteral("set HF_TOKEN to a token with access")
                                 : QStringLiteral("the token in use has no access to it");
        // The Hub answers 401 for a repository that does not exist, so as not to reveal private ones.
        if (r.header("X-Error-Code") == "RepoNotFound")
            return QStringLiteral("%1: no such repository, or it is private (%2)").arg(what, hint);
        return QStringLiteral("%1: access denied (HTTP %2): the repository is gated or private; %3")
            .arg(what)
            .arg(r.status)
            .arg(hint);
    }
    if (r.status == 404) {
        const QByteArray code = r.header("X-Error-Code");
        if (code == "RevisionNotFound")
            return QStringLiteral("%1: no revision '%2' in %3").arg(what, m_o.revision, m_o.repoId);
        if (code == "EntryNotFound") return QStringLiteral("%1: no such file in %2").arg(what, m_o.repoId);
        return QStringLiteral("%1: not found (HTTP 404): check the repository id and revision").arg(what);
    }
    if (r.status >= 400) return QStringLiteral("%1: HTTP %2 from %3").arg(what).arg(r.status).arg(host);
    return {};
}

bool Downloader::describe(const QString& name, RemoteFile* file, QString* error)
{
    file->name = name;
    QUrl url = hubResolveUrl(m_endpoint, m_o.repoId, m_commit, name);
    for (int hops = 0; hops < 5; ++hops) {
        const HubHttpReply r = m_http.head(url);
        if (QString f = failure(r, name); !f.isEmpty()) {
            *error = f;
            return false;
        }
        const QByteArray linkedEtag = r.header("X-Linked-Etag");
        const QUrl location = url.resolved(QUrl::fromEncoded(r.header("Location")));
        const bool redirect = r.status >= 300 && r.status < 400;
        // An LFS file answers with a redirect to its storage, its checksum and size on the redirect.
        if (!redirect || !linkedEtag.isEmpty()) {
            file->etag = normalizeEtag(linkedEtag.isEmpty() ? r.header("ETag") : linkedEtag);
            const QByteArray size = r.header(linkedEtag.isEmpty() ? "Content-Length" : "X-Linked-Size");
            bool ok = false;
            file->size = size.toLongLong(&ok);
            if (!ok) file->size = -1;
            file->url = redirect ? location : url;
            if (file->etag.isEmpty() || file->etag.contains(QLatin1Char('/'))) {
                *error = QStringLiteral("%1: the server sent no usable ETag, so the file cannot be checked")
                             .arg(name);
                return false;
            }
            return true;
        }
        url = location; // a renamed repository: follow it
    }
    *error = QStringLiteral("%1: too many redirects").arg(name);
    return false;
}

bool Downloader::fetch(const RemoteFile& file, const QString& partial, QString* error)
{
    QDir().mkpath(QFileInfo(partial).path());
    QFile out(partial);
    for (int attempt = 0;; ++attempt) {
        if (!out.open(QIODevice::ReadWrite)) {
            *error = QStringLiteral("cannot write %1: %2").arg(partial, out.errorString());
            return false;
        }
        if (file.size >= 0 && out.size() > file.size) out.resize(0);
        out.seek(out.size());
        const qint64 from = out.size();
        HubHttpReply r;
        if (file.size >= 0 && from == file.size) {
            r.status = 206; // everything is already here: only the checksum is left
        } else {
            r = m_http.download(file.url, from, out, [&](qint64 size) {
                m_current = size;
                report(file.name);
            });
        }
        m_current = out.size();
        out.close();
        if (r.stopped) {
            m_result.stopped = true;
            *error =
                QStringLiteral("stopped during %1; the %2 bytes already here are kept and resumed next time")
                    .arg(file.name)
                    .arg(m_current);
            return false;
        }
        if (r.status == 416) { // asked past the end: the partial file is not a prefix of this one
            QFile::remove(partial);
            if (attempt < m_o.retries) continue;
        }
        const QString f = failure(r, file.name);
        if (f.isEmpty() && (file.size < 0 || m_current == file.size)) break;
        // A dropped connection or a short body: resume from where it stopped.
        const bool transient = r.answered() ? r.status < 400 : r.error != QNetworkReply::HostNotFoundError;
        if (transient && attempt < m_o.retries && !stopRequested()) continue;
        *error = f.isEmpty()
                     ? QStringLiteral("%1: the transfer ended after %2 of %3 bytes; "
                                      "run the download again to resume it")
                           .arg(file.name)
                           .arg(m_current)
                           .arg(file.size)
                     : f + QStringLiteral(" (the %1 bytes already here are kept and resumed next time)")
                               .arg(m_current);
        return false;
    }
    const QString actual = checksumLike(file.etag, partial);
    if (!actual.isEmpty() && actual != file.etag) {
        QFile::remove(partial);
        *error =
            QStringLiteral("%1: checksum mismatch (expected %2 %3, got %4); the corrupt download was "
                           "removed, run the download again")
                .arg(file.name, isSha256(file.etag) ? QStringLiteral("sha256") : QStringLiteral("git sha1"),
                     file.etag, actual);
        return false;
    }
    return true;
}

bool Downloader::placeInCache(const RemoteFile& file, QString* error)
{
    const QString blob = m_repoDir + "/blobs/" + file.etag;
    const QString pointer = m_repoDir + "/snapshots/" + m_commit + '/' + file.name;
    const bool present = QFileInfo(blob).isFile() && (file.size < 0 || QFileInfo(blob).size() == file.size);
    if (!present) {
        if (!fetch(file, blob + ".incomplete", error)) return false;
        QFile::remove(blob);
        if (!QFile::rename(blob + ".incomplete", blob)) {
            *error = QStringLiteral("cannot move %1 into place").arg(blob);
            return false;
        }
        m_result.downloaded << file.name;
    }
    QDir().mkpath(QFileInfo(pointer).path());
    QFile::remove(pointer);
    // A relative link, as huggingface_hub makes, so the cache can be moved; a copy where links fail.
    const std::filesystem::path target =
        std::filesystem::path(blob.toStdString()).lexically_relative(QFileInfo(pointer).path().toStdString());
    std::error_code ec;
    std::filesystem::create_symlink(target, pointer.toStdString(), ec);
    if (ec && !QFile::copy(blob, pointer)) {
        *error = QStringLiteral("cannot write %1").arg(pointer);
        return false;
    }
    return true;
}

bool Downloader::placeInFolder(const RemoteFile& file, QString* error)
{
    const QString target = QDir(m_o.toDir).filePath(file.name);
    if (QFileInfo(target).isFile() && (file.size < 0 || QFileInfo(target).size() == file.size)) {
        const QString actual = checksumLike(file.etag, target);
        if (actual.isEmpty() || actual == file.etag) return true;
    }
    if (!fetch(file, target + ".incomplete", error)) return false;
    QFile::remove(target);
    if (!QFile::rename(target + ".incomplete", target)) {
        *error = QStringLiteral("cannot move %1 into place").arg(target);
        return false;
    }
    m_result.downloaded << file.name;
    return true;
}

HubDownloadResult Downloader::run()
{
    auto fail = [&](const QString& e) {
        m_result.error = e;
        m_result.stopped = m_result.stopped || stopRequested();
        return m_result;
    };
    if (const QString p = hubRepoIdProblem(m_o.repoId); !p.isEmpty()) return fail(p);
    if (m_o.revision.isEmpty()) m_o.revision = QStringLiteral("main");
    if (m_o.revision.split(QLatin1Char('/')).contains(QLatin1String("..")) || m_o.revision.startsWith('/'))
        return fail(QStringLiteral("'%1' is not a revision").arg(m_o.revision));
    const QUrl endpoint(m_endpoint);
    if (!endpoint.isValid() || (endpoint.scheme() != "http" && endpoint.scheme() != "https"))
        return fail(QStringLiteral("'%1' is not an http(s) endpoint").arg(m_endpoint));

    const QString what = m_o.repoId + '@' + m_o.revision;
    const HubHttpReply info = m_http.get(hubRepoInfoUrl(m_endpoint, m_o.repoId, m_o.revision));
    if (QString f = failure(info, what); !f.isEmpty()) return fail(f);
    if (info.status != 200)
        return fail(QStringLiteral("%1: unexpected HTTP %2 for the repository description")
                        .arg(what)
                        .arg(info.status));
    QString problem;
    const HubRepoInfo repo = parseHubRepoInfo(info.body, &problem);
    if (repo.commit.isEmpty()) return fail(QStringLiteral("%1: %2").arg(what, problem));
    m_commit = m_result.commit = repo.commit;
    const QStringList names = checkpointFiles(repo.files);
    bool weights = false;
    for (const QString& n : names)
        weights = weights || n.endsWith(QLatin1String(".safetensors"));
    if (!weights)
        return fail(
            QStringLiteral("%1 has no safetensors weights (Loupe reads *.safetensors; this repository "
                           "has %2)")
                .arg(what, repo.files.isEmpty() ? QStringLiteral("no files") : repo.files.join(", ")));

    QList<RemoteFile> files;
    for (const QString& n : names) {
        RemoteFile f;
        QString error;
        if (!describe(n, &f, &error)) return fail(error);
        files << f;
        m_total += qMax<qint64>(0, f.size);
    }

    if (m_o.toDir.isEmpty()) {
        const QString cache = m_o.cacheDir.isEmpty() ? hfHubCacheDir() : m_o.cacheDir;
        m_repoDir = QDir(cache).filePath(hubCacheFolderName(m_o.repoId));
        m_result.folder = m_repoDir + "/snapshots/" + m_commit;
    } else {
        m_result.folder = QDir(m_o.toDir).absolutePath();
    }
    for (const RemoteFile& f : files) {
        QString error;
        m_current = 0;
        if (stopRequested()) return fail(QStringLiteral("stopped before %1").arg(f.name));
        const bool ok = m_o.toDir.isEmpty() ? placeInCache(f, &error) : placeInFolder(f, &error);
        if (!ok) return fail(error);
        m_done += qMax<qint64>(0, f.size);
        m_current = 0;
        report(f.name);
    }
    if (m_o.toDir.isEmpty() && m_o.revision != m_commit) {
        QDir().mkpath(m_repoDir + "/refs");
        QSaveFile ref(m_repoDir + "/refs/" + m_o.revision);
        QDir().mkpath(QFileInfo(ref.fileName()).path()); // refs/pr/1
        if (ref.open(QIODevice::WriteOnly)) {
            ref.write(m_commit.toLatin1());
            ref.commit();
        }
    }
    m_result.ok = true;
    return m_result;
}

} // namespace

HubDownloadResult downloadFromHub(const HubDownloadOptions& options, const HubProgress& progress,
                                  const std::atomic<bool>* stop)
{
    return Downloader(options, progress, stop).run();
}

} // namespace loupe::core
