// SPDX-License-Identifier: MIT
#pragma once

// The device's copies of host constants (model weights, and the constants a graph build makes: masks,
// position tables, packed weights), keyed by the host memory they were made from. An entry lives as
// long as that memory: it keeps only a weak reference to the memory's owner, and entries whose owner has
// gone are dropped at the next miss or sweep(). So the constants of a graph built for one run leave with
// the graph (instead of accumulating for the life of the device), and a new tensor at a reused address
// is never served the old copy. While a graph holds a constant, its entry cannot be dropped, so nothing
// a run has bound disappears under it. Host memory without an owner (wrapped by its caller) cannot be
// tracked: such entries stay until clear(). Not thread-safe (the device holds a mutex around it).
#include <map>
#include <memory>
#include <string>

namespace loupe::compute::cuda {

template <class V> class ConstantCache
{
public:
    // The live entry under `key`, or null; a stale one (its owner gone) is dropped first.
    V* find(const std::string& key)
    {
        auto it = entries_.find(key);
        if (it == entries_.end()) return nullptr;
        if (stale(it->second)) {
            entries_.erase(it);
            return nullptr;
        }
        return &it->second.value;
    }

    // Adds (or replaces) the entry for `key`, made from memory kept alive by `owner` (null: untracked),
    // after dropping every stale entry.
    V& insert(const std::string& key, const std::shared_ptr<const void>& owner, V value)
    {
        sweep();
        Entry e{owner, owner == nullptr, std::move(value)};
        auto [it, added] = entries_.insert_or_assign(key, std::move(e));
        (void)added;
        return it->second.value;
    }

    // Drops the entries whose owner has gone; returns how many.
    size_t sweep()
    {
        size_t dropped = 0;
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (stale(it->second)) {
                it = entries_.erase(it);
                ++dropped;
            } else {
                ++it;
            }
        }
        return dropped;
    }

    size_t size() const { return entries_.size(); }
    void clear() { entries_.clear(); }

private:
    struct Entry
    {
        std::weak_ptr<const void> owner;
        bool untracked;
        V value;
    };
    static bool stale(const Entry& e) { return !e.untracked && e.owner.expired(); }

    std::map<std::string, Entry> entries_;
};

} // namespace loupe::compute::cuda
