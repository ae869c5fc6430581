// SPDX-License-Identifier: MIT
#include "plugins/host/plugin_registration.h"

#include "annotation/formats/format_registry.h"
#include "compute/error.h"
#include "core/explain/explain_method_registry.h"
#include "core/import/importer_registry.h"
#include "core/inference/detector.h"
#include "plugins/api/annotation_format.h"
#include "plugins/api/dataset_importer.h"
#include "plugins/api/explanation_method.h"
#include "plugins/api/model_adapter.h"
#include "plugins/host/dataset_json.h"
#include "plugins/host/explain_session.h"
#include "plugins/host/report_sink.h"

#include <QDir>
#include <QObject>

namespace loupe::plugins {

namespace {

void note(Registration& reg, bool ok, const QString& what, const QString& why)
{
    if (ok)
        reg.provided << what;
    else
        reg.refused << QStringLiteral("%1 refused: %2").arg(what, why);
}

void registerFormats(plugin::AnnotationFormatInterface* plugin, const QString& origin, Registration& reg)
{
    for (const plugin::FormatDescription& d : plugin->formats()) {
        annotation::RegisteredFormat f;
        f.name = d.name;
        f.title = d.title;
        f.importsFrom = d.importsFrom;
        f.origin = origin;
        const QString name = d.name;
        if (d.reads)
            f.read = [plugin, name, origin](
                         const QString& path, annotation::FormatReport& report,
                         const annotation::ImportOptions& options) -> std::optional<annotation::Dataset> {
                const QString abs = QDir::current().absoluteFilePath(path);
                ReportSink sink(report);
                QJsonObject json;
                const bool ok = plugin->read(
                    name, abs, QJsonObject{{QStringLiteral("emptyLabel"), options.emptyLabel}}, &json, sink);
                if (!ok && !report.hasErrors())
                    report.error(
                        abs, {},
                        QStringLiteral("the %1 reader of %2 failed without saying why").arg(name, origin));
                if (!ok || report.hasErrors()) return std::nullopt;
                return datasetFromJson(json, abs, options.emptyLabel, report);
            };
        if (d.writes)
            f.write = [plugin, name, origin](const annotation::Dataset& data, const QString& outDir,
                                             const annotation::ExportOptions& options,
                                             annotation::FormatReport& report) {
                ReportSink sink(report);
                const QJsonObject opts{{QStringLiteral("split"), options.split},
                                       {QStringLiteral("imageRoot"), options.imageRoot}};
                QDir().mkpath(outDir);
                const bool ok =
                    plugin->write(name, datasetToJson(data), QDir(outDir).absolutePath(), opts, sink);
                if (!ok && !report.hasErrors())
                    report.error(
                        outDir, {},
                        QStringLiteral("the %1 writer of %2 failed without saying why").arg(name, origin));
                return ok && !report.hasErrors();
            };
        QString why;
        note(reg, annotation::registerFormat(std::move(f), &why), QStringLiteral("format:") + d.name, why);
    }
}

// Loupe's detector interface over a plugin's detector: errors become the exception pre-labelling expects.
class PluginDetector : public core::Detector
{
public:
    PluginDetector(std::unique_ptr<plugin::Detector> d, QString folder, double threshold)
        : m_d(std::move(d)), m_folder(std::move(folder)), m_threshold(threshold)
    {
    }
    QString name() const override { return m_d->name(); }
    QString parameters() const override { return m_d->parameters(); }
    std::vector<core::Detection> detect(const QImage& image) override
    {
        std::vector<plugin::Detection> found;
        QString error;
        if (!m_d->detect(image, &found, &error))
            throw compute::Error(
                m_folder.toStdString(),
                (error.isEmpty() ? QStringLiteral("the detector failed") : error).toStdString());
        std::vector<core::Detection> out;
        for (plugin::Detection& d : found)
            if (d.score >= m_threshold) // the contract pre-labelling relies on, whatever the plugin did
                out.push_back({d.label, d.score, d.box, std::move(d.mask)});
        return out;
    }

private:
    std::unique_ptr<plugin::Detector> m_d;
    QString m_folder;
    double m_threshold;
};

void registerDetectors(plugin::ModelAdapterInterface* plugin, const QString& origin, Registration& reg)
{
    for (const QString& arch : plugin->architectures()) {
        const QString what = QStringLiteral("detector:") + arch;
        // registerDetector replaces silently; a plugin must not take over a built-in model.
        if (core::detectorArchitectures().contains(arch)) {
            note(reg, false, what, QStringLiteral("architecture '%1' already has a detector").arg(arch));
            continue;
        }
        core::registerDetector(
            arch, [plugin, origin](const core::DetectorOptions& o) -> std::unique_ptr<core::Detector> {
                plugin::DetectorRequest req{o.modelFolder, o.labellerFolder, o.labels, o.threshold,
                                            o.settings};
                QString error;
                std::unique_ptr<plugin::Detector> d = plugin->openDetector(req, &error);
                if (!d)
                    throw compute::Error(
                        o.modelFolder.toStdString(),
                        (error.isEmpty() ? QStringLiteral("%1 cannot open it").arg(origin) : error)
                            .toStdString());
                return std::make_unique<PluginDetector>(std::move(d), o.modelFolder, o.threshold);
            });
        note(reg, true, what, {});
    }
}

void registerExplainers(plugin::ExplanationMethodInterface* plugin,
                        const plugin::ExplanationSettingsInterface* settings, const QString& origin,
                        Registration& reg)
{
    for (const QString& method : plugin->methods()) {
        core::ExplainMethodEntry e;
        e.name = method;
        e.title = plugin->title(method);
        e.origin = origin;
        e.map = explainMapOf(plugin, method);
        if (settings) {
            for (const plugin::MethodSetting& s : settings->settings(method))
                e.settings.push_back({s.key, s.defaultValue, s.description});
            e.mapWithSettings = explainSettingsMapOf(plugin, method);
        }
        QString why;
        note(reg, core::registerExplainMethod(std::move(e), &why), QStringLiteral("explain:") + method, why);
    }
}

void registerImporter(plugin::DatasetImporterInterface* plugin, const QString& origin, Registration& reg)
{
    core::DatasetImporterEntry e;
    e.name = plugin->importerName();
    e.title = plugin->importerTitle();
    e.origin = origin;
    e.accepts = [plugin](const QString& path) {
        return plugin->accepts(QDir::current().absoluteFilePath(path));
    };
    e.scan = [plugin](const QString& path, QString* error) -> std::optional<core::DatasetScan> {
        plugin::DatasetContents c;
        if (!plugin->scan(QDir::current().absoluteFilePath(path), &c, error)) return std::nullopt;
        return core::DatasetScan{c.images, c.annotationFormat, c.annotationPath};
    };
    const QString name = e.name;
    QString why;
    note(reg, core::registerDatasetImporter(std::move(e), &why), QStringLiteral("importer:") + name, why);
}

} // namespace

Registration registerPluginObject(QObject* object, const QString& origin)
{
    Registration reg;
    if (auto* p = qobject_cast<plugin::AnnotationFormatInterface*>(object)) {
        reg.implementsAny = true;
        registerFormats(p, origin, reg);
    }
    if (auto* p = qobject_cast<plugin::ModelAdapterInterface*>(object)) {
        reg.implementsAny = true;
        registerDetectors(p, origin, reg);
    }
    if (auto* p = qobject_cast<plugin::ExplanationMethodInterface*>(object)) {
        reg.implementsAny = true;
        registerExplainers(p, qobject_cast<plugin::ExplanationSettingsInterface*>(object), origin, reg);
    }
    if (auto* p = qobject_cast<plugin::DatasetImporterInterface*>(object)) {
        reg.implementsAny = true;
        registerImporter(p, origin, reg);
    }
    return reg;
}

} // namespace loupe::plugins
