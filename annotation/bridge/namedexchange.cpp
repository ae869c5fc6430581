// SPDX-License-Identifier: MIT
#include "annotation/bridge/namedexchange.h"

#include "annotation/dataset/sameshape.h"
#include "annotation/formats/format_registry.h"
#include "annotation/formats/imagematch.h"
#include "annotation/shapes/attributes.h"

#include <QHash>

namespace loupe::annotation {

namespace {

// The kind duplicatesSkipped() counts.
const QString kDuplicateKind = QStringLiteral("duplicate");

// What importIntoProject() does once its reader has run, for a dataset a registered format read.
// Kept in step with projectimport.cpp by hand until that file offers this step on its own.
bool addToProject(ProjectAccess& project, const std::vector<ProjectImage>& images, const QStringList& paths,
                  const Dataset& data, const ProjectImportOptions& options, FormatReport& report)
{
    const QString& path = options.path;
    const ImageMatch match = matchImages(paths, data, path, report);
    QHash<QString, LabelDef> projectLabels;
    QHash<qint64, QString> labelNames;
    for (const LabelDef& l : project.labels()) {
        projectLabels.insert(l.name, l);
        labelNames.insert(l.id, l.name);
    }
    std::vector<ImportItem> items;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (size_t k = 0; k < data.images.size(); ++k) {
        const int idx = match.projectIndex[k];
        if (idx < 0) continue;
        const DatasetImage& im = data.images[k];
        const ProjectImage& pi = images[size_t(idx)];
        // A reader that could not size an image (KITTI without image_2/) leaves 0 x 0: take the project's.
        const bool sized = im.width > 0 && im.height > 0;
        if (sized && (im.width != pi.width || im.height != pi.height)) {
            report.error(path, im.path,
                         QStringLiteral("annotated as %1 x %2 but the project's image \"%3\" is %4 x %5")
                             .arg(im.width)
                             .arg(im.height)
                             .arg(pi.path)
                             .arg(pi.width)
                             .arg(pi.height));
            continue;
        }
        const std::vector<Shape> existing =
            options.keepDuplicates ? std::vector<Shape>{} : project.shapesOf(pi.id);
        for (const Shape& s : im.shapes) {
            ImportItem item;
            item.label = s.labelId >= 0 ? data.labels[size_t(s.labelId)].name : QString();
            const bool duplicate = std::any_of(existing.begin(), existing.end(), [&](const Shape& e) {
                const QString eLabel =
                    e.kind() == ShapeKind::Caption ? QString() : labelNames.value(e.labelId);
                return eLabel == item.label && sameGeometry(e, s);
            });
            if (duplicate) {
                report.dropped(kDuplicateKind,
                               QStringLiteral("the image already has the same shape with the same label"));
                continue;
            }
            const auto spec = projectLabels.constFind(item.label);
            if (spec != projectLabels.constEnd()) {
                const QString problem = validateAttributes(spec->attributes, s.attributes);
                if (!problem.isEmpty())
                    report.warning(
                        path, im.path,
                        QStringLiteral("%1 \"%2\": %3").arg(shapeKindName(s.kind()), item.label, problem));
            }
            item.shape = s;
            item.shape.id = 0;
            item.shape.imageId = pi.id;
            if (!item.shape.created.isValid()) item.shape.created = item.shape.updated = now;
            items.push_back(std::move(item));
        }
    }
    if (const qsizetype dup = duplicatesSkipped(report); dup > 0)
        report.warning(
            path, QString(),
            QStringLiteral("%1 duplicates skipped (the same label and geometry are already on the image; "
                           "keep duplicates to add them anyway)")
                .arg(dup));
    if (report.hasErrors()) return false;
    QString error;
    if (!project.importShapes(items, &error)) {
        report.error(path, QString(),
                     QStringLiteral("the project refused the import, nothing was changed: %1").arg(error));
        return false;
    }
    return true;
}

} // namespace

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
    ExportOptions eo;
    eo.split = options.split.isEmpty() ? QStringLiteral("default") : options.split;
    eo.yoloTask = options.yoloTask;
    if (options.copyImages) eo.imageRoot = project.imageRoot();
    return exportDatasetNamed(format, *data, options.outDir, eo, report);
}

bool importIntoProjectAs(const QString& format, ProjectAccess& project, const ProjectImportOptions& options,
                         FormatReport& report)
{
    if (const std::optional<Format> builtIn = formatFromName(format)) {
        ProjectImportOptions o = options;
        o.format = *builtIn;
        return importIntoProject(project, o, report);
    }
    const std::vector<ProjectImage> images = project.images();
    QStringList paths;
    std::vector<QSize> sizes;
    for (const ProjectImage& pi : images) {
        paths << pi.path;
        sizes.emplace_back(pi.width, pi.height);
    }
    const ImportTarget target(paths, sizes);
    ImportOptions io;
    io.target = &target;
    if (!options.emptyLabel.isEmpty()) io.emptyLabel = options.emptyLabel;
    const std::optional<Dataset> data = importDatasetNamed(format, options.path, report, io);
    if (!data) return false;
    return addToProject(project, images, paths, *data, options, report);
}

} // namespace loupe::annotation
