// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"
#include "core/store/records.h"

#include <QStringList>
#include <optional>
#include <vector>

namespace loupe::core {
class Database;
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// Whether the image already has a pre-labelling run with this model folder, checkpoint hash and
// parameters (compared as the compact JSON text Project::addRun stores): what resume skips.
bool hasPrelabelRun(core::Database& db, qint64 assetId, const QString& model, const QString& hash,
                    const QJsonObject& parameters);

// The image's run and its proposals in one transaction, so resume never meets a run whose shapes are
// missing nor shapes without their run. Each shape gets the run's id. Like batch captions these are
// not undo steps: they are model output with their provenance, reviewed (accepted, rejected) or
// deleted like any shape. Returns the run id, or nullopt with error naming the project file.
std::optional<qint64> storeProposals(core::Project& project, const core::RunRecord& run,
                                     std::vector<Shape>& shapes, QString* error);

// The image's run and its tags, added to the tags it has (kept in their order, new ones after), in one
// transaction. *added counts the tags it did not have yet.
std::optional<qint64> storeTags(core::Project& project, const core::RunRecord& run, const QStringList& tags,
                                int* added, QString* error);

} // namespace loupe::annotation
