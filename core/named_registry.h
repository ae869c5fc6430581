// SPDX-License-Identifier: MIT
#pragma once

#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <optional>
#include <vector>

namespace loupe::core {

// What plugins add at run time (formats, explanation methods, importers), by name, in the order added.
// Entry has `name` and `origin` (where it came from, for messages). Thread-safe; lookups return copies so
// plugin code is never called under the lock.
template <class Entry> class NamedRegistry
{
public:
    // False with *why ("<kind> 'name' is already provided by <origin>") when the name is taken.
    bool add(Entry entry, const QString& kind, QString* why)
    {
        QMutexLocker lock(&m_mutex);
        for (const Entry& e : m_entries)
            if (e.name == entry.name) {
                *why = QStringLiteral("%1 '%2' is already provided by %3").arg(kind, entry.name, e.origin);
                return false;
            }
        m_entries.push_back(std::move(entry));
        return true;
    }

    std::vector<Entry> all() const
    {
        QMutexLocker lock(&m_mutex);
        return m_entries;
    }

    std::optional<Entry> find(const QString& name) const
    {
        QMutexLocker lock(&m_mutex);
        for (const Entry& e : m_entries)
            if (e.name == name) return e;
        return std::nullopt;
    }

    void clear()
    {
        QMutexLocker lock(&m_mutex);
        m_entries.clear();
    }

private:
    mutable QMutex m_mutex;
    std::vector<Entry> m_entries;
};

} // namespace loupe::core
