// SPDX-License-Identifier: MIT
#include "annotation/bridge/sampleannotations.h"

#include "annotation/bridge/collectingaccess.h"
#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"
#include "core/samples/splitmix.h"
#include "core/store/project.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <cmath>

namespace loupe::annotation {

namespace {

QString firstProblem(const FormatReport& report, const QString& path)
{
    if (report.errors().empty()) return QStringLiteral("%1: cannot read the sample annotations").arg(path);
    const FormatReport::Issue& e = report.errors().front();
    const QString file = e.file.isEmpty() ? path : e.file;
    return e.place.isEmpty() ? QStringLiteral("%1: %2").arg(file, e.message)
                             : QStringLiteral("%1: %2: %3").arg(file, e.place, e.message);
}

} // namespace

int addSampleAnnotations(core::Project& project, const core::SampleContent& content, QString* error)
{
    ProjectStoreAccess access(project);
    const std::vector<ProjectImage> images = access.images();
    QSet<qint64> val;
    for (const ProjectImage& im : images) {
        if (!access.shapesOf(im.id).empty()) return 0;
        if (im.split == QLatin1String("val")) val.insert(im.id);
    }

    CollectingAccess polygons(access), masks(access);
    FormatReport polygonReport, maskReport;
    if (!importIntoProject(polygons, Format::Coco, content.annotationsPath, polygonReport)) {
        *error = firstProblem(polygonReport, content.annotationsPath);
        return -1;
    }
    if (!importIntoProject(masks, Format::Coco, content.masksPath, maskReport)) {
        *error = firstProblem(maskReport, content.masksPath);
        return -1;
    }
    const QString ring = core::shapeClassName(core::ShapeClass::Ring);
    std::vector<ImportItem> items;
    for (ImportItem& item : polygons.collected)
        if (item.label != ring) items.push_back(std::move(item));
    for (ImportItem& item : masks.collected)
        items.push_back(std::move(item));

    core::SplitMix64 scores(core::kSampleSeed);
    for (ImportItem& item : items) {
        Shape& s = item.shape;
        if (val.contains(s.imageId)) {
            s.source = ShapeSource::Model;
            s.score = std::round(scores.uniform(0.35, 0.98) * 1000.0) / 1000.0;
            s.review = ReviewState::New;
        } else {
            s.source = ShapeSource::Manual;
            s.score.reset();
            s.review = ReviewState::Accepted;
        }
    }
    QString why;
    if (!access.importShapes(items, &why)) {
        *error = QStringLiteral("%1: cannot add the sample annotations: %2").arg(project.path(), why);
        return -1;
    }
    return int(items.size());
}

QString prepareSampleProject(const QString& folder, QString* error)
{
    const QString path = QDir(folder).absoluteFilePath(QStringLiteral("sample.loupe"));
    if (!QFileInfo::exists(path) && core::createSampleProject(folder, error).isEmpty()) return {};
    std::unique_ptr<core::Project> project = core::Project::open(path, error);
    if (!project) return {};
    ProjectStoreAccess access(*project);
    for (const ProjectImage& im : access.images())
        if (!access.shapesOf(im.id).empty()) return path;
    // Rewriting the content is harmless (same bytes) and brings an older folder its masks file.
    const core::SampleContent content = core::writeSampleContent(folder);
    if (!content.ok()) {
        *error = content.error;
        return {};
    }
    if (addSampleAnnotations(*project, content, error) < 0) return {};
    return path;
}

} // namespace loupe::annotation
