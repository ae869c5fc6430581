// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectimport.h"

#include "annotation/dataset/sameshape.h"
#include "annotation/formats/imagematch.h"
#include "annotation/shapes/attributes.h"

#include <QHash>

namespace loupe::annotation {

namespace {

const QString kDuplicateKind = QStringLiteral("duplicate");
const QString kDuplicateReason = QStringLiteral("the image already has the same shape with the same label");

} // namespace

qsizetype duplicatesSkipped(const FormatReport& report)
{
    return report.droppedCount(kDuplicateKind);
}

namespace {

// importDatasetIntoProject() with the project's images already read.
bool addDataset(ProjectAccess& project, const std::vector<ProjectImage>& images, const Dataset& data,
                const ProjectImportOptions& options, FormatReport& report)
{
    QStringList paths;
    for (const ProjectImage& pi : images)
        paths << pi.path;
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
        // Coordinates are only right on an image of the size they were drawn on; an unsized image
        // (0 x 0) was drawn on the project's.
        const bool unsized = im.width == 0 && im.height == 0;
        if (!unsized && (im.width != pi.width || im.height != pi.height)) {
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
                report.dropped(kDuplicateKind, kDuplicateReason);
                continue;
            }
            // Values the project's label does not allow are kept (nothing is lost) but reported.
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

bool importDatasetIntoProject(ProjectAccess& project, const Dataset& data,
                              const ProjectImportOptions& options, FormatReport& report)
{
    return addDataset(project, project.images(), data, options, report);
}

bool importIntoProjectWith(ProjectAccess& project, const ProjectImportOptions& options, FormatReport& report,
                           const std::function<std::optional<Dataset>(const ImportOptions&)>& read)
{
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
    const std::optional<Dataset> data = read(io);
    if (!data) return false;
    return addDataset(project, images, *data, options, report);
}

bool importIntoProject(ProjectAccess& project, const ProjectImportOptions& options, FormatReport& report)
{
    return importIntoProjectWith(project, options, report, [&](const ImportOptions& io) {
        return importDataset(options.format, options.path, report, io);
    });
}

} // namespace loupe::annotation
