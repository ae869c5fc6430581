// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>
#include <QVector>
#include <optional>

namespace loupe::core {

class Database;
class Project;

// One question about an image and its answer: the Ask panel's chat, kept in the project. source is
// "model" for a generated answer (runId then names the runs row with the model and settings) or
// "manual" for one the user wrote.
struct QaTurn
{
    qint64 id = 0;
    qint64 assetId = 0;
    QString question;
    QString answer;
    QString source;
    std::optional<qint64> runId;
    QDateTime created;
};

// Appends a turn to the image's chat as one undoable edit ("Ask"). Refuses, with *error naming the project
// and the problem, a blank question, an image not in the project and a run id not in it.
std::optional<qint64> appendQaTurn(Project& project, qint64 assetId, const QString& question,
                                   const QString& answer, const QString& source = QStringLiteral("model"),
                                   std::optional<qint64> runId = std::nullopt, QString* error = nullptr);

// The image's chat in the order it was asked (ids ascending; undoing a clear restores the same order).
QVector<QaTurn> qaTurnsOf(Project& project, qint64 assetId);
QVector<QaTurn> qaTurnsIn(Database& db, qint64 assetId);

// Deletes the image's whole chat as one undoable edit ("Clear Chat"). Clearing an empty chat succeeds and
// records no undo step.
bool clearQaTurns(Project& project, qint64 assetId, QString* error = nullptr);

} // namespace loupe::core
