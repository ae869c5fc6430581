// SPDX-License-Identifier: MIT
#include "app/cli/command.h"

namespace loupe::cli {

std::vector<Command>& registry()
{
    static std::vector<Command> commands;
    return commands;
}

const Command* findCommand(const QString& name)
{
    for (const Command& c : registry())
        if (c.name == name)
            return &c;
    return nullptr;
}

} // namespace loupe::cli
