// SPDX-License-Identifier: MIT
#include "annotation/bridge/projecthistorystore.h"

#include "core/store/project.h"

namespace loupe::annotation {

ProjectHistoryStore::ProjectHistoryStore(core::Project& project) : m_project(project) {}

ProjectHistoryStore::~ProjectHistoryStore() = default;

bool ProjectHistoryStore::beginBatch()
{
    m_batch = std::make_unique<core::Transaction>(m_project.db());
    if (m_batch->isActive()) return true;
    m_batch.reset(); // busy or already inside a transaction: the writes go one by one
    return false;
}

bool ProjectHistoryStore::endBatch(bool ok)
{
    if (!m_batch) return ok;
    ok = ok && m_batch->commit();
    m_batch.reset(); // rolls back unless committed
    return ok;
}

bool ProjectHistoryStore::run(const QString& sql, qint64 a, const QByteArray* blob)
{
    core::Statement s = m_project.db().prepare(sql);
    s.bind(1, a);
    if (blob) s.bind(2, *blob);
    if (s.run()) return true;
    m_error = QStringLiteral("%1: undo history: %2").arg(m_project.path(), m_project.db().lastError());
    return false;
}

bool ProjectHistoryStore::put(int position, const QByteArray& record)
{
    if (position < 0) return false;
    return run(QStringLiteral("INSERT OR REPLACE INTO annotation_history(position, record) VALUES(?1, ?2)"),
               position, &record);
}

bool ProjectHistoryStore::truncate(int count)
{
    return run(QStringLiteral("DELETE FROM annotation_history WHERE position >= ?1"), std::max(count, 0));
}

bool ProjectHistoryStore::setIndex(int index)
{
    return run(QStringLiteral("UPDATE annotation_history_state SET idx = ?1 WHERE id = 1"), index);
}

std::vector<QByteArray> ProjectHistoryStore::records() const
{
    std::vector<QByteArray> out;
    core::Statement s =
        m_project.db().prepare(QStringLiteral("SELECT record FROM annotation_history ORDER BY position"));
    while (s.step())
        out.push_back(s.columnBlob(0));
    return out;
}

int ProjectHistoryStore::index() const
{
    core::Statement s =
        m_project.db().prepare(QStringLiteral("SELECT idx FROM annotation_history_state WHERE id = 1"));
    return s.step() ? int(s.columnInt64(0)) : 0;
}

bool ProjectHistoryStore::replace(const std::vector<QByteArray>& records, int index, QString* error)
{
    core::Transaction t(m_project.db());
    bool ok = t.isActive() && truncate(0);
    for (size_t i = 0; ok && i < records.size(); ++i)
        ok = put(int(i), records[i]);
    ok = ok && setIndex(index) && t.commit();
    if (!ok && error) *error = m_error.isEmpty() ? m_project.db().lastError() : m_error;
    return ok;
}

} // namespace loupe::annotation
