// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"
#include "annotation/document/editrecord.h"
#include "annotation/document/historystore.h"

#include <QObject>
#include <functional>
#include <vector>

namespace loupe::annotation {

// Keeps a document's undo stack in a HistoryStore, so undo and redo survive closing the project:
// every push, merge, undo and redo writes at most the one record that changed plus the index.
// restore() rebuilds the stack from the store at open, without re-applying anything.
class DocumentCommand;

class PersistentHistory : public QObject
{
    Q_OBJECT
public:
    PersistentHistory(AnnotationDocument& doc, HistoryStore& history, QObject* parent = nullptr);

    // Call once, on an empty undo stack, before any edit. False (with the reason) when a saved record
    // cannot be read; then nothing is restored and the saved history is left as it is.
    bool restore(QString* error);

    // Makes the command a saved step is restored as (default: ReplayEdit). A project store restores
    // its project-level steps as commands that call the project's own undo.
    using ReplayFactory = std::function<DocumentCommand*(EditRecord record, bool wasUndone)>;
    void setReplayFactory(ReplayFactory factory) { m_factory = std::move(factory); }

private:
    void persist();

    AnnotationDocument& m_doc;
    HistoryStore& m_history;
    std::vector<const QUndoCommand*> m_persisted;
    bool m_restoring = false;
    ReplayFactory m_factory;
};

} // namespace loupe::annotation
