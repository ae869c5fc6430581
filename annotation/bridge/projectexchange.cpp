// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectexchange.h"

#include "annotation/dataset/labelfilter.h"
#include "annotation/formats/imagematch.h"

#include <QHash>

namespace loupe::annotation {

std::optional<Dataset> projectDataset(const ProjectAccess& project, const QString& split,
                                      const QStringList& labels, FormatReport& report)
{
    Dataset d;
    QHash<qint64, int> labelIndex;
    for (const LabelDef& l : project.labels()) {
        labelIndex.insert(l.id, int(d.labels.size()));
        d.labels.push_back(l);
    }
    for (const ProjectImage& pi : project.images()) {
        if (!split.isEmpty() && pi.split != split) continue;
        DatasetImage im;
        im.path = pi.path;
        im.width = pi.width;
        im.height = pi.height;
        for (Shape s : project.shapesOf(pi.id)) {
            if (s.kind() == ShapeKind::Caption) {
                s.labelId = -1;
            } else if (labelIndex.contains(s.labelId)) {
                s.labelId = labelIndex.value(s.labelId);
            } else {
                report.error(
                    pi.path, QStringLiteral("annotation %1").arg(s.id),
                    QStringLiteral("refers to label %1, which the project does not have").arg(s.labelId));
                continue;
            }
            im.shapes.push_back(std::move(s));
        }
        d.images.push_back(std::move(im));
    }
    if (!labels.isEmpty() && !keepLabels(d, labels, report)) return std::nullopt;
    if (report.hasErrors()) return std::nullopt;
    return d;
}

bool exportProject(const ProjectAccess& project, const ProjectExportOptions& options, FormatReport& report)
{
    const auto data = projectDataset(project, options.split, options.labels, report);
    if (!data) return false;
    ExportOptions eo;
    eo.split = options.split.isEmpty() ? QStringLiteral("default") : options.split;
    eo.yoloTask = options.yoloTask;
    if (options.copyImages) eo.imageRoot = project.imageRoot();
    return exportDataset(options.format, *data, options.outDir, eo, report) && !report.hasErrors();
}

bool importIntoProject(ProjectAccess& project, Format format, const QString& path, FormatReport& report)
{
    const auto data = importDataset(format, path, report);
    if (!data) return false;
    const std::vector<ProjectImage> images = project.images();
    QStringList paths;
    for (const ProjectImage& pi : images)
        paths << pi.path;
    const ImageMatch match = matchImages(paths, *data, path, report);
    QHash<QString, LabelDef> projectLabels;
    for (const LabelDef& l : project.labels())
        projectLabels.insert(l.name, l);
    std::vector<ImportItem> items;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (size_t k = 0; k < data->images.size(); ++k) {
        const int idx = match.projectIndex[k];
        if (idx < 0) continue;
        const DatasetImage& im = data->images[k];
        const ProjectImage& pi = images[size_t(idx)];
        // Coordinates are only right on an image of the size they were drawn on.
        if (im.width != pi.width || im.height != pi.height) {
            report.error(path, im.path,
                         QStringLiteral("annotated as %1 x %2 but the project's image \"%3\" is %4 x %5")
                             .arg(im.width)
                             .arg(im.height)
                             .arg(pi.path)
                             .arg(pi.width)
                             .arg(pi.height));
            continue;
        }
        for (const Shape& s : im.shapes) {
            ImportItem item;
            item.label = s.labelId >= 0 ? data->labels[size_t(s.labelId)].name : QString();
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
    if (report.hasErrors()) return false;
    QString error;
    if (!project.importShapes(items, &error)) {
        report.error(path, QString(),
                     QStringLiteral("the project refused the import, nothing was changed: %1").arg(error));
        return false;
    }
    return true;
}

} // namespace loupe::annotation
