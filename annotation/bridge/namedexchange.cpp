// SPDX-License-Identifier: MIT
#include "annotation/bridge/namedexchange.h"

#include "annotation/formats/format_registry.h"

namespace loupe::annotation {

bool exportProjectAs(const QString& format, const ProjectAccess& project, const ProjectExportOptions& options,
                     FormatReport& report)
{
    if (const std::optional<Format> builtIn = formatFromName(format)) {
        ProjectExportOptions o = options;
        o.format = *builtIn;
        return exportProject(project, o, report);
    }
    // Refuse an unknown name before the project is read.
    if (!findRegisteredFormat(format)) return exportDatasetNamed(format, {}, options.outDir, {}, report);
    const auto data = projectDataset(project, options.split, options.labels, report);
    if (!data) return false;
    // exportDatasetNamed fails on any error the writer reports, even one it returns true with, as
    // exportProject() does.
    return exportDatasetNamed(format, *data, options.outDir, projectExportOptions(project, options), report);
}

bool importIntoProjectAs(const QString& format, ProjectAccess& project, const ProjectImportOptions& options,
                         FormatReport& report)
{
    if (const std::optional<Format> builtIn = formatFromName(format)) {
        ProjectImportOptions o = options;
        o.format = *builtIn;
        return importIntoProject(project, o, report);
    }
    return importIntoProjectWith(project, options, report, [&](const ImportOptions& io) {
        return importDatasetNamed(format, options.path, report, io);
    });
}

} // namespace loupe::annotation
