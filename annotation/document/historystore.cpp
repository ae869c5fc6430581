// SPDX-License-Identifier: MIT
#include "annotation/document/historystore.h"

namespace loupe::annotation {

bool MemoryHistoryStore::put(int position, const QByteArray& record)
{
    if (position < 0 || position > int(m_records.size())) return false;
    if (position == int(m_records.size()))
        m_records.push_back(record);
    else
        m_records[size_t(position)] = record;
    ++m_writes;
    return true;
}

bool MemoryHistoryStore::truncate(int count)
{
    if (count < int(m_records.size())) m_records.resize(size_t(std::max(count, 0)));
    return true;
}

} // namespace loupe::annotation
