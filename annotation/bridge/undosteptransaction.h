// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/database.h"

#include <QString>
#include <functional>
#include <optional>

namespace loupe::annotation {

// The one SQLite transaction of one change of the undo stack (a push, undo, redo or a jump of several),
// so the rows a step writes and the undo record that describes it commit together: a crash between
// the two would leave a shape that Edit > Undo cannot take back, or a step that undoes nothing.
//
// QUndoStack runs a command's redo()/undo() first and announces the change (indexChanged) after it, so
// the step is opened by the first write (join()) and committed once the history is written (finish()).
// Every write made meanwhile through a core::Transaction becomes a savepoint of this one.
class UndoStepTransaction
{
public:
    explicit UndoStepTransaction(core::Database& db) : m_db(db) {}
    // A step still open here had no announcement (a command dropped after writing); its writes were
    // shown to the user, so they are kept.
    ~UndoStepTransaction() { finish(nullptr); }
    UndoStepTransaction(const UndoStepTransaction&) = delete;
    UndoStepTransaction& operator=(const UndoStepTransaction&) = delete;

    // Opens the step's transaction unless it is open already. False when SQLite refuses (busy, read-only).
    bool join();
    bool isOpen() const { return m_tx.has_value(); }
    // Commits the step; false (with SQLite's reason) when the commit failed and everything was rolled back.
    bool finish(QString* error);
    // Rolls back everything the step wrote.
    void abandon() { m_tx.reset(); }
    // Called each time join() opens a new step (the owner schedules a finish() for steps nobody announces).
    void setOnOpen(std::function<void()> onOpen) { m_onOpen = std::move(onOpen); }

private:
    core::Database& m_db;
    std::optional<core::Transaction> m_tx;
    std::function<void()> m_onOpen;
};

} // namespace loupe::annotation
