// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <vector>

namespace loupe::annotation {

// Where the undo history lives between sessions: an ordered list of serialized EditRecords and the
// undo stack's index. The project store implements it as a table written in the same transaction
// discipline as the annotations; MemoryHistoryStore serves tests. Writes are incremental (one record
// per edit), so a long history costs nothing per edit.
class HistoryStore
{
public:
    virtual ~HistoryStore() = default;
    virtual bool put(int position, const QByteArray& record) = 0; // replace or append (position == count)
    virtual bool truncate(int count) = 0;
    virtual bool setIndex(int index) = 0;
    virtual std::vector<QByteArray> records() const = 0;
    virtual int index() const = 0;
    // Brackets the writes of one change of the stack, so a store with transactions writes them as one
    // (a crash then never leaves a truncated history without its new step). endBatch(false) discards.
    virtual bool beginBatch() { return true; }
    virtual bool endBatch(bool ok) { return ok; }
};

class MemoryHistoryStore : public HistoryStore
{
public:
    bool put(int position, const QByteArray& record) override;
    bool truncate(int count) override;
    bool setIndex(int index) override
    {
        m_index = index;
        return true;
    }
    std::vector<QByteArray> records() const override { return m_records; }
    int index() const override { return m_index; }
    int writes() const { return m_writes; }

private:
    std::vector<QByteArray> m_records;
    int m_index = 0;
    int m_writes = 0;
};

} // namespace loupe::annotation
