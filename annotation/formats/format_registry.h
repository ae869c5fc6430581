// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/formats.h"

#include <functional>
#include <optional>
#include <vector>

namespace loupe::annotation {

// A format added at run time (plugins), next to the built-in Format enum. Readers and writers keep the
// built-ins' contract: everything the format cannot express is in the report, a reader returns nullopt
// when the input has any error.
struct RegisteredFormat
{
    QString name;        // as --format takes it
    QString title;       // for people
    QString importsFrom; // what to point an import at
    QString origin;      // where it came from (a plugin's file), for messages
    // Either may be empty: a format that only reads or only writes.
    std::function<std::optional<Dataset>(const QString& path, FormatReport&, const ImportOptions&)> read;
    std::function<bool(const Dataset&, const QString& outDir, const ExportOptions&, FormatReport&)> write;
};

// False with *why when the name is empty, a built-in format's or already registered. Thread-safe.
bool registerFormat(RegisteredFormat format, QString* why);
std::vector<RegisteredFormat> registeredFormats();
std::optional<RegisteredFormat> findRegisteredFormat(const QString& name);
// For tests: forget every registered format.
void clearRegisteredFormats();

// Built-in names first, then the registered ones: what an import/export command offers.
QStringList allFormatNames();
// By name, built-in or registered; an unknown name, or a format that cannot read (write), is an error in
// the report naming the formats there are.
std::optional<Dataset> importDatasetNamed(const QString& format, const QString& path, FormatReport& report,
                                          const ImportOptions& options = {});
bool exportDatasetNamed(const QString& format, const Dataset& data, const QString& outDir,
                        const ExportOptions& options, FormatReport& report);

} // namespace loupe::annotation
