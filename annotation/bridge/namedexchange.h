// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectimport.h"

namespace loupe::annotation {

// Project export and import by format name: a built-in format or one registered at run time
// (format_registry.h, the plugins' formats). Built-ins take the same path as exportProject() and
// importIntoProject(); a registered format gets the same checks (images matched by path or name, sizes
// compared, duplicates skipped, all or nothing). An unknown name, or a format that only reads (writes),
// is an error in the report naming the formats there are. options.format is ignored.
bool exportProjectAs(const QString& format, const ProjectAccess& project, const ProjectExportOptions& options,
                     FormatReport& report);
bool importIntoProjectAs(const QString& format, ProjectAccess& project, const ProjectImportOptions& options,
                         FormatReport& report);

} // namespace loupe::annotation
