// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/architecture.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace loupe::core {

// The Hugging Face hub cache folder, resolved as huggingface_hub does: $HF_HUB_CACHE, then the legacy
// $HUGGINGFACE_HUB_CACHE, then $HF_HOME/hub, then $XDG_CACHE_HOME/huggingface/hub, then
// ~/.cache/huggingface/hub.
QString hfHubCacheDir(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

// One snapshot of a model repository in the cache: CACHE/models--ORG--NAME/snapshots/REVISION/.
struct CachedModel
{
    QString repoId;                    // "org/name" (or "name" for repositories without an organisation)
    QString revision;                  // snapshot folder name (a commit hash)
    QStringList refs;                  // refs/* names pointing at this revision ("main", ...)
    QString path;                      // the snapshot folder: a checkpoint folder Loupe can open
    bool hasWeights = false;           // model.safetensors, its index, or pytorch_model.bin present
    DetectedArchitecture architecture; // from config.json; error set for unusable snapshots
};

// Snapshots with a config.json, sorted by repository, revisions pointed to by a ref first. Folders that
// are not model repositories (datasets--*, spaces--*, .locks) are skipped; nothing is written.
QList<CachedModel> discoverCachedModels(const QString& cacheDir);

} // namespace loupe::core
