// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/architecture.h"
#include "core/models/hfcache.h"

#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QString>

namespace loupe::core {

// A checkpoint folder the user registered (in a project, or from the Hugging Face cache).
struct RegisteredModel
{
    QString name;   // display name: the repo id for cache snapshots, else the folder name
    QString folder; // absolute, canonical path: the identity of the entry
    DetectedArchitecture architecture;
};

// The models a project knows: folders registered explicitly plus snapshots discovered in the Hugging
// Face cache. Registration checks the folder (supported architecture, readable weights) and refuses it
// with a message otherwise. The store persists registrations through toJson()/fromJson().
class ModelRegistry : public QObject
{
    Q_OBJECT
public:
    explicit ModelRegistry(QObject* parent = nullptr);

    // Returns an empty string on success, else why the folder cannot be used (naming the file). A folder
    // already registered is accepted again (its entry is refreshed).
    QString registerFolder(const QString& folder, const QString& name = {});
    bool unregisterFolder(const QString& folder);
    const QList<RegisteredModel>& registered() const { return registered_; }
    const RegisteredModel* find(const QString& folder) const;

    // Re-scans the cache (default: hfHubCacheDir()).
    void refreshCache(const QString& cacheDir = hfHubCacheDir());
    const QList<CachedModel>& discovered() const { return discovered_; }

    // [{"name": ..., "folder": ...}, ...]; fromJson re-detects each folder and keeps entries that are now
    // broken (with their error) so the user sees what went missing instead of losing it silently.
    QJsonArray toJson() const;
    void fromJson(const QJsonArray& entries);

signals:
    void changed();

private:
    QList<RegisteredModel> registered_;
    QList<CachedModel> discovered_;
};

} // namespace loupe::core
