// SPDX-License-Identifier: MIT
#include "annotation/document/persistenthistory.h"

#include "annotation/commands/replayedit.h"

#include <QLoggingCategory>

namespace loupe::annotation {

Q_LOGGING_CATEGORY(lcHistory, "loupe.annotation.history")

PersistentHistory::PersistentHistory(AnnotationDocument& doc, HistoryStore& history, QObject* parent)
    : QObject(parent), m_doc(doc), m_history(history)
{
    connect(doc.undoStack(), &QUndoStack::indexChanged, this, [this] { persist(); });
}

bool PersistentHistory::restore(QString* error)
{
    const std::vector<QByteArray> saved = m_history.records();
    const int index = std::clamp(m_history.index(), 0, int(saved.size()));
    std::vector<EditRecord> records;
    for (size_t i = 0; i < saved.size(); ++i) {
        auto r = editRecordFromJson(saved[i], error);
        if (!r) {
            if (error) *error = QStringLiteral("undo history step %1: %2").arg(i + 1).arg(*error);
            return false;
        }
        records.push_back(std::move(*r));
    }
    QUndoStack* stack = m_doc.undoStack();
    m_restoring = true;
    for (size_t i = 0; i < records.size(); ++i) {
        const bool undone = int(i) >= index;
        stack->push(m_factory ? m_factory(std::move(records[i]), undone)
                              : new ReplayEdit(m_doc, std::move(records[i]), undone));
    }
    stack->setIndex(index);
    m_restoring = false;
    m_persisted.clear();
    for (int i = 0; i < stack->count(); ++i)
        m_persisted.push_back(stack->command(i));
    qCDebug(lcHistory) << "restored" << stack->count() << "undo steps at" << index;
    return true;
}

void PersistentHistory::persist()
{
    if (m_restoring) return;
    QUndoStack* stack = m_doc.undoStack();
    const int count = stack->count();
    size_t first = 0;
    while (first < m_persisted.size() && first < size_t(count) &&
           stack->command(int(first)) == m_persisted[first])
        ++first;
    // A push lands on top (and may merge into the top command), so the top step is rewritten whenever
    // it is the current one; steps below it never change once written.
    if (count > 0 && stack->index() == count) first = std::min(first, size_t(count - 1));
    const bool batched = m_history.beginBatch();
    bool ok = m_history.truncate(count);
    m_persisted.resize(size_t(count));
    for (size_t i = first; i < size_t(count); ++i) {
        const auto* cmd = dynamic_cast<const DocumentCommand*>(stack->command(int(i)));
        if (!cmd) continue;
        ok = m_history.put(int(i), editRecordToJson(cmd->record())) && ok;
        m_persisted[i] = cmd;
    }
    ok = m_history.setIndex(stack->index()) && ok;
    if (batched) ok = m_history.endBatch(ok);
    if (!ok)
        qCWarning(lcHistory) << "could not save the undo history; undo still works until the project closes";
}

} // namespace loupe::annotation
