// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>
#include <QVector>
#include <optional>

namespace loupe::core {

class Database;
class Project;

// One caption of an image, with where it came from: typed by the user ("manual"), produced by a model
// ("model", with the runs row that holds the model, checkpoint hash and settings), or imported.
struct CaptionRow
{
    qint64 id = 0;
    qint64 assetId = 0;
    QString text;
    QString source;
    std::optional<qint64> runId;
    QDateTime created;
};

// Adds a caption as one undoable edit ("Add Caption"). Refuses, with *error naming the project and the
// problem, blank text, an image not in the project and a run id not in it; nothing is written then.
std::optional<qint64> addCaption(Project& project, qint64 assetId, const QString& text,
                                 const QString& source = QStringLiteral("manual"),
                                 std::optional<qint64> runId = std::nullopt, QString* error = nullptr);

// Replaces a caption's text as one undoable edit ("Edit Caption"); source and run stay, since they say
// where the caption came from. Refuses blank text and an unknown caption id.
bool updateCaptionText(Project& project, qint64 captionId, const QString& text, QString* error = nullptr);

// Removes a caption as one undoable edit ("Remove Caption"); undo brings it back with its id, source and
// run. Refuses an unknown caption id.
bool removeCaption(Project& project, qint64 captionId, QString* error = nullptr);

// The image's captions, oldest first (ids ascending). Empty for an unknown image.
QVector<CaptionRow> captionsOf(Project& project, qint64 assetId);
// The same on any connection (a worker's own, an AssetQuery's).
QVector<CaptionRow> captionsIn(Database& db, qint64 assetId);

// Inserts a caption on `db` without an undo record of its own, for a caller that already holds a
// transaction joining the caption to something else (a batch job's run and its caption, committed
// together so a cancelled job never leaves one without the other). Returns the caption id, or nothing
// with *error set. Does not check the text: callers pass model output.
std::optional<qint64> insertCaption(Database& db, qint64 assetId, const QString& text, const QString& source,
                                    std::optional<qint64> runId, QString* error = nullptr);

} // namespace loupe::core
