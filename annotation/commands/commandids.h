// SPDX-License-Identifier: MIT
#pragma once

namespace loupe::annotation {

// QUndoCommand::id() values; commands with an id merge with the previous command of the same id when
// they belong to the same gesture (a drag, a brush stroke, typing into one attribute).
enum CommandId {
    CmdMoveShapes = 1,
    CmdMoveVertices,
    CmdChangeGeometry,
    CmdPaintMask,
    CmdChangeAttributes,
};

} // namespace loupe::annotation
