// SPDX-License-Identifier: MIT
// Shared by the view tests that work on the sample project (core::createSampleProject): making it in a
// temporary folder, opening it again per test, and its first model and image.
#pragma once

#include "core/samples/createsampleproject.h"
#include "core/store/project.h"

#include <QTemporaryDir>
#include <QtGlobal>
#include <memory>

namespace sample_project_test {

// The sample project made in `dir`: its file, or an empty string with *error set. The sample registers
// the models of the source tree, which LOUPE_MODELS_DIR points it at.
inline QString createSample(const QTemporaryDir& dir, QString* error)
{
    qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
    return loupe::core::createSampleProject(dir.filePath(QStringLiteral("sample")), error);
}

// The project at `path`, or null with a warning naming the file and why it did not open.
inline std::unique_ptr<loupe::core::Project> reopen(const QString& path)
{
    QString error;
    auto p = loupe::core::Project::open(path, &error);
    if (!p) qWarning("%s: %s", qPrintable(path), qPrintable(error));
    return p;
}

struct Asset
{
    qint64 id = -1; // -1 when the project has no image
    QString path;   // absolute
};

// The project's first image (the sample's shapes image).
inline Asset firstAsset(const loupe::core::Project& project)
{
    const QVector<loupe::core::AssetRow> rows = project.assetPage({}, 0, 1);
    if (rows.isEmpty()) return {};
    return {rows.first().id, project.absolutePath(rows.first().storedPath)};
}

// The sample made once per test case, with what most cases need of it.
struct SampleProject
{
    QTemporaryDir dir;
    QString path;      // the project file
    QString model;     // the first registered model (the shapes classifier), absolute
    qint64 asset = -1; // the first image
    QString imagePath; // absolute

    // False, with *error naming the file and what is missing, when the sample cannot be made or read.
    bool create(QString* error)
    {
        path = createSample(dir, error);
        if (path.isEmpty()) return false;
        const auto p = reopen(path);
        if (!p || p->models().isEmpty()) {
            *error = QStringLiteral("%1: does not open or has no model").arg(path);
            return false;
        }
        model = p->absolutePath(p->models().first().path);
        const Asset first = firstAsset(*p);
        if (first.id < 0) {
            *error = QStringLiteral("%1: has no image").arg(path);
            return false;
        }
        asset = first.id;
        imagePath = first.path;
        return true;
    }

    std::unique_ptr<loupe::core::Project> open() const { return reopen(path); }
};

} // namespace sample_project_test
