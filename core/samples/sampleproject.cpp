// SPDX-License-Identifier: MIT
#include "core/samples/sampleproject.h"

#include "core/samples/maskcoco.h"
#include "core/samples/shapeswriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace loupe::core {

SampleContent writeSampleContent(const QString& folder)
{
    SampleContent c;
    const ShapesWorld world(kSampleSeed);
    const ShapesDatasetResult r = writeShapesDataset(folder, world, kSampleImageCount);
    if (!r.ok()) {
        c.error = r.error;
        return c;
    }
    c.imagesDir = QFileInfo(r.imagesDir).absoluteFilePath();
    for (int i = 0; i < r.images; ++i)
        c.images << QDir(c.imagesDir).filePath(shapesFileName(i));
    c.annotationsPath = QFileInfo(r.annotationsPath).absoluteFilePath();
    c.labelsPath = QFileInfo(r.labelsPath).absoluteFilePath();

    QStringList names;
    for (int i = 0; i < r.images; ++i)
        names << QStringLiteral("images/") + shapesFileName(i);
    c.masksPath = QDir(folder).absoluteFilePath(QStringLiteral("masks.json"));
    const QByteArray masks = QJsonDocument(shapesMaskCocoJson(world, r.images, names, ShapeClass::Ring))
                                 .toJson(QJsonDocument::Compact);
    QSaveFile f(c.masksPath);
    if (!f.open(QIODevice::WriteOnly) || f.write(masks) != masks.size() || !f.commit()) {
        c.error = QStringLiteral("%1: cannot write (%2)").arg(c.masksPath, f.errorString());
        return c;
    }
    c.labelNames = shapeClassNames();
    c.modelFolder = findShippedModel();
    for (const QString& name : kSampleTextModels) {
        const QString dir = findShippedModel(name);
        if (!dir.isEmpty()) c.textModelFolders << dir;
    }
    c.segmentModelFolder = findShippedModel(kSampleSegmentModel);
    return c;
}

QString findShippedModel(const QString& name)
{
    QStringList roots;
    const QString env = qEnvironmentVariable("LOUPE_MODELS_DIR");
    if (!env.isEmpty()) roots << env;
    // Without an application object there is no executable directory to search from.
    if (QCoreApplication::instance()) {
        const QString exe = QCoreApplication::applicationDirPath();
        roots << exe + QStringLiteral("/../share/loupe/models")
              << exe + QStringLiteral("/../resources/models")
              << exe + QStringLiteral("/../../resources/models");
    }
    for (const QString& root : roots) {
        const QString dir = QDir(root).filePath(name);
        if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("config.json"))))
            return QFileInfo(dir).canonicalFilePath();
    }
    return {};
}

} // namespace loupe::core
