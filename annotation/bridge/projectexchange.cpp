// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectexchange.h"

#include "annotation/bridge/projectimport.h"
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
        im.split = pi.split; // YOLO writes each image under its own split (data.yaml's val)
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

ExportOptions projectExportOptions(const ProjectAccess& project, const ProjectExportOptions& options)
{
    ExportOptions eo;
    eo.split = options.split.isEmpty() ? QStringLiteral("default") : options.split;
    eo.yoloTask = options.yoloTask;
    if (options.copyImages) eo.imageRoot = project.imageRoot();
    return eo;
}

bool exportProject(const ProjectAccess& project, const ProjectExportOptions& options, FormatReport& report)
{
    const auto data = projectDataset(project, options.split, options.labels, report);
    if (!data) return false;
    return exportDataset(options.format, *data, options.outDir, projectExportOptions(project, options),
                         report) &&
           !report.hasErrors();
}

bool importIntoProject(ProjectAccess& project, Format format, const QString& path, FormatReport& report)
{
    // One import path for the CLI, the dialog and the tests: size checks, duplicate skipping, empty labels.
    ProjectImportOptions options;
    options.format = format;
    options.path = path;
    return importIntoProject(project, options, report);
}

} // namespace loupe::annotation
