// SPDX-License-Identifier: MIT
#include "core/models/hfcache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

namespace loupe::core {

QString hfHubCacheDir(const QProcessEnvironment& env)
{
    auto var = [&](const char* name) { return env.value(QLatin1String(name)); };
    if (!var("HF_HUB_CACHE").isEmpty()) return var("HF_HUB_CACHE");
    if (!var("HUGGINGFACE_HUB_CACHE").isEmpty()) return var("HUGGINGFACE_HUB_CACHE");
    if (!var("HF_HOME").isEmpty()) return QDir(var("HF_HOME")).filePath("hub");
    const QString xdg = var("XDG_CACHE_HOME");
    const QString cache = xdg.isEmpty() ? QDir(var("HOME")).filePath(".cache") : xdg;
    return QDir(cache).filePath("huggingface/hub");
}

namespace {

bool hasWeights(const QDir& snapshot)
{
    for (const char* f : {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"})
        if (QFileInfo::exists(snapshot.filePath(QLatin1String(f)))) return true;
    return false;
}

// refs/NAME files hold the commit hash a branch or tag points at (refs may be nested: refs/pr/1).
QMultiHash<QString, QString> readRefs(const QDir& repo)
{
    QMultiHash<QString, QString> byRevision;
    const QDir refs(repo.filePath("refs"));
    const QString root = refs.absolutePath() + '/';
    const QFileInfoList files = refs.entryInfoList(QDir::Files | QDir::NoDotAndDotDot);
    QList<QFileInfo> queue = files;
    for (const QFileInfo& sub : refs.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
        for (const QFileInfo& f : QDir(sub.absoluteFilePath()).entryInfoList(QDir::Files))
            queue << f;
    for (const QFileInfo& f : queue) {
        QFile file(f.absoluteFilePath());
        if (f.size() > 256 || !file.open(QIODevice::ReadOnly)) continue;
        const QString rev = QString::fromUtf8(file.readAll()).trimmed();
        byRevision.insert(rev, f.absoluteFilePath().mid(root.size()));
    }
    return byRevision;
}

} // namespace

QList<CachedModel> discoverCachedModels(const QString& cacheDir)
{
    QList<CachedModel> out;
    const QDir cache(cacheDir);
    for (const QString& repoDir :
         cache.entryList({"models--*"}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        // models--org--name -> org/name (names cannot contain "--" on the hub, so this is unambiguous)
        const QString repoId =
            repoDir.mid(int(qstrlen("models--"))).replace(QLatin1String("--"), QLatin1String("/"));
        const QDir repo(cache.filePath(repoDir));
        const auto refs = readRefs(repo);
        const QDir snapshots(repo.filePath("snapshots"));
        QList<CachedModel> found;
        for (const QString& rev : snapshots.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QDir snap(snapshots.filePath(rev));
            if (!QFileInfo::exists(snap.filePath("config.json")))
                continue; // an image-processor-only or partial download
            CachedModel m;
            m.repoId = repoId;
            m.revision = rev;
            m.refs = refs.values(rev);
            m.refs.sort();
            m.path = snap.absolutePath();
            m.hasWeights = hasWeights(snap);
            m.architecture = detectArchitecture(m.path);
            found << m;
        }
        std::stable_sort(found.begin(), found.end(), [](const CachedModel& a, const CachedModel& b) {
            return !a.refs.isEmpty() && b.refs.isEmpty();
        });
        out << found;
    }
    return out;
}

} // namespace loupe::core
