// SPDX-License-Identifier: MIT
#pragma once

namespace loupe {

// Starts the desktop application. argv may hold a project path or --sample.
int runGui(int argc, char** argv);

} // namespace loupe
