// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/editrecord.h"

#include <QUndoCommand>

namespace loupe::annotation {

// Every command on a document's undo stack: it can say what it did as data, for the persistent history.
class DocumentCommand : public QUndoCommand
{
public:
    using QUndoCommand::QUndoCommand;
    virtual EditRecord record() const = 0;
};

} // namespace loupe::annotation
