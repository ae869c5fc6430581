// SPDX-License-Identifier: MIT
#include "core/models/hub_files.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace loupe::core {

QString hubRepoIdProblem(const QString& repoId)
{
    // The Hub's own rule: one or two names of letters, digits, '-', '_', '.', at most 96 characters each.
    static const QRegularExpression part(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$"));
    const QStringList parts = repoId.split(QLatin1Char('/'));
    if (repoId.isEmpty()) return QStringLiteral("the repository id is empty");
    if (parts.size() > 2)
        return QStringLiteral("'%1' is not a repository id: expected owner/name").arg(repoId);
    for (const QString& p : parts)
        if (!part.match(p).hasMatch() || p.contains(QLatin1String("..")) || p.endsWith(QLatin1Char('.')))
            return QStringLiteral("'%1' is not a repository id: names are letters, digits, '-', '_' "
                                  "and '.'")
                .arg(repoId);
    return {};
}

bool isCheckpointFile(const QString& name)
{
    if (name.contains(QLatin1Char('/'))) return false;
    static const QStringList exact = {"config.json",
                                      "preprocessor_config.json",
                                      "generation_config.json",
                                      "special_tokens_map.json",
                                      "added_tokens.json",
                                      "merges.txt",
                                      "tokenizer.json",
                                      "tokenizer_config.json",
                                      "tokenizer.model",
                                      "processor_config.json",
                                      "image_processor_config.json"};
    if (exact.contains(name)) return true;
    return name.endsWith(QLatin1String(".safetensors")) ||
           name.endsWith(QLatin1String(".safetensors.index.json")) ||
           name.startsWith(QLatin1String("vocab."));
}

QStringList checkpointFiles(const QStringList& siblings)
{
    QStringList out;
    for (const QString& f : siblings)
        if (isCheckpointFile(f)) out << f;
    out.sort();
    return out;
}

HubRepoInfo parseHubRepoInfo(const QByteArray& json, QString* problem)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (!doc.isObject()) {
        *problem = QStringLiteral("the repository description is not JSON (%1)").arg(err.errorString());
        return {};
    }
    const QJsonObject o = doc.object();
    HubRepoInfo info;
    info.commit = o.value(QLatin1String("sha")).toString();
    static const QRegularExpression hex40(QStringLiteral("^[0-9a-f]{40}$"));
    if (!hex40.match(info.commit).hasMatch()) {
        *problem = QStringLiteral("the repository description has no commit hash (\"sha\")");
        return {};
    }
    for (const QJsonValue& s : o.value(QLatin1String("siblings")).toArray()) {
        const QString name = s.toObject().value(QLatin1String("rfilename")).toString();
        // A name climbing out of the folder would write outside it.
        if (name.isEmpty() || name.startsWith(QLatin1Char('/')) ||
            name.split('/').contains(QLatin1String("..")))
            continue;
        info.files << name;
    }
    return info;
}

namespace {

QString trimmed(QString endpoint)
{
    while (endpoint.endsWith(QLatin1Char('/')))
        endpoint.chop(1);
    return endpoint;
}

QString encoded(const QString& s, const char* keep = "")
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s, keep));
}

} // namespace

QUrl hubRepoInfoUrl(const QString& endpoint, const QString& repoId, const QString& revision)
{
    return QUrl::fromEncoded(
        (trimmed(endpoint) + "/api/models/" + encoded(repoId, "/") + "/revision/" + encoded(revision))
            .toLatin1());
}

QUrl hubResolveUrl(const QString& endpoint, const QString& repoId, const QString& revision,
                   const QString& file)
{
    return QUrl::fromEncoded((trimmed(endpoint) + '/' + encoded(repoId, "/") + "/resolve/" +
                              encoded(revision) + '/' + encoded(file, "/"))
                                 .toLatin1());
}

QString hubCacheFolderName(const QString& repoId)
{
    return QStringLiteral("models--") + QString(repoId).replace(QLatin1Char('/'), QLatin1String("--"));
}

QString hubEndpoint(const QProcessEnvironment& env)
{
    const QString e = env.value(QStringLiteral("HF_ENDPOINT"));
    return trimmed(e.isEmpty() ? QStringLiteral("https://huggingface.co") : e);
}

QString hubToken(const QProcessEnvironment& env)
{
    const QString t = env.value(QStringLiteral("HF_TOKEN")).trimmed();
    if (!t.isEmpty()) return t;
    QString path = env.value(QStringLiteral("HF_TOKEN_PATH"));
    if (path.isEmpty()) {
        QString home = env.value(QStringLiteral("HF_HOME"));
        if (home.isEmpty()) {
            const QString xdg = env.value(QStringLiteral("XDG_CACHE_HOME"));
            home = QDir(xdg.isEmpty() ? QDir(env.value(QStringLiteral("HOME"))).filePath(".cache") : xdg)
                       .filePath(QStringLiteral("huggingface"));
        }
        path = QDir(home).filePath(QStringLiteral("token"));
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

QString normalizeEtag(const QByteArray& header)
{
    QString e = QString::fromLatin1(header).trimmed();
    if (e.startsWith(QLatin1String("W/"))) e = e.mid(2);
    if (e.size() >= 2 && e.startsWith(QLatin1Char('"')) && e.endsWith(QLatin1Char('"')))
        e = e.mid(1, e.size() - 2);
    return e;
}

} // namespace loupe::core
