// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// One caption of an image as the editor shows it: its text and where it came from ("manual", or
// "model" with the run and the model folder that produced it).
struct CaptionItem
{
    qint64 id = 0;
    QString text;
    QString source;
    qint64 runId = 0;
    QString model; // the run's model folder; empty without a run
    QDateTime created;
};

// The image's captions (core/store/captions) with the model of each one's run, oldest first.
QVector<CaptionItem> listCaptions(core::Project& project, qint64 assetId);

// Every tag used in the project, sorted (the tag editor's completions).
QStringList projectTags(core::Project& project);

} // namespace loupe::views
