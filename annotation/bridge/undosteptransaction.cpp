// SPDX-License-Identifier: MIT
#include "annotation/bridge/undosteptransaction.h"

namespace loupe::annotation {

bool UndoStepTransaction::join()
{
    if (m_tx) return true;
    m_tx.emplace(m_db);
    if (!m_tx->isActive()) {
        m_tx.reset();
        return false;
    }
    if (m_onOpen) m_onOpen();
    return true;
}

bool UndoStepTransaction::finish(QString* error)
{
    if (!m_tx) return true;
    const bool ok = m_tx->commit();
    if (!ok && error) *error = m_db.lastError();
    m_tx.reset(); // rolls back unless committed
    return ok;
}

} // namespace loupe::annotation
