// SPDX-License-Identifier: MIT
#include "annotation/formats/format_registry.h"

#include "core/named_registry.h"

namespace loupe::annotation {

namespace {

core::NamedRegistry<RegisteredFormat>& registry()
{
    static core::NamedRegistry<RegisteredFormat> r;
    return r;
}

QString unknownFormat(const QString& name)
{
    return QStringLiteral("unknown format '%1'; one of %2")
        .arg(name, allFormatNames().join(QStringLiteral(", ")));
}

} // namespace

bool registerFormat(RegisteredFormat format, QString* why)
{
    const QString name = format.name.trimmed().toLower();
    if (name.isEmpty() || (!format.read && !format.write)) {
        *why = QStringLiteral("a format needs a name and a reader or a writer");
        return false;
    }
    if (formatFromName(name)) {
        *why = QStringLiteral("format '%1' is built in").arg(name);
        return false;
    }
    format.name = name;
    return registry().add(std::move(format), QStringLiteral("format"), why);
}

std::vector<RegisteredFormat> registeredFormats()
{
    return registry().all();
}

std::optional<RegisteredFormat> findRegisteredFormat(const QString& name)
{
    return registry().find(name.trimmed().toLower());
}

void clearRegisteredFormats()
{
    registry().clear();
}

QStringList allFormatNames()
{
    QStringList names = formatNames();
    for (const RegisteredFormat& f : registeredFormats())
        names << f.name;
    return names;
}

std::optional<Dataset> importDatasetNamed(const QString& format, const QString& path, FormatReport& report,
                                          const ImportOptions& options)
{
    if (const std::optional<Format> builtIn = formatFromName(format))
        return importDataset(*builtIn, path, report, options);
    const std::optional<RegisteredFormat> f = findRegisteredFormat(format);
    if (!f) {
        report.error(path, {}, unknownFormat(format));
        return std::nullopt;
    }
    if (!f->read) {
        report.error(path, {}, QStringLiteral("format '%1' (%2) only writes").arg(f->name, f->origin));
        return std::nullopt;
    }
    std::optional<Dataset> data = f->read(path, report, options);
    if (report.hasErrors()) return std::nullopt; // all of it or none, as the built-ins
    return data;
}

bool exportDatasetNamed(const QString& format, const Dataset& data, const QString& outDir,
                        const ExportOptions& options, FormatReport& report)
{
    if (const std::optional<Format> builtIn = formatFromName(format))
        return exportDataset(*builtIn, data, outDir, options, report);
    const std::optional<RegisteredFormat> f = findRegisteredFormat(format);
    if (!f) {
        report.error(outDir, {}, unknownFormat(format));
        return false;
    }
    if (!f->write) {
        report.error(outDir, {}, QStringLiteral("format '%1' (%2) only reads").arg(f->name, f->origin));
        return false;
    }
    return f->write(data, outDir, options, report) && !report.hasErrors();
}

} // namespace loupe::annotation
