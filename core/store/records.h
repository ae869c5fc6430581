// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <array>
#include <optional>

namespace loupe::core {

enum ReviewState { ReviewNew = 0, ReviewAccepted = 1, ReviewRejected = 2, ReviewNeedsFix = 3 };

struct AssetRecord
{
    QString absolutePath;
    QString sha256Hex;
    int width = 0; // after EXIF orientation
    int height = 0;
    QString format;
    qint64 fileSize = 0;
    QString split;
    QJsonObject metadata;
};

struct AssetRow
{
    qint64 id = 0;
    QString storedPath;
    QString sha256Hex;
    int width = 0;
    int height = 0;
    QString format;
    QString split;
    int reviewState = 0;
    int annotationCount = 0;
    QDateTime added;
    bool done = false;                 // the image is marked done (fully annotated / reviewed)
    std::array<int, 4> reviewCounts{}; // its annotations per ReviewState (new, accepted, rejected, needs fix)
};

struct AssetFilter
{
    QString text;
    std::optional<qint64> labelId;
    QString split;
    std::optional<int> reviewState;
    std::optional<bool> done;
    // Only images with at least one annotation in this review state (ReviewNew .. ReviewNeedsFix).
    std::optional<int> shapeReviewState;
    // Only images with an annotation flagged "needs fix": the browser's progress filter, which may be
    // combined with shapeReviewState.
    bool hasNeedsFix = false;
    // Only images with a caption containing this text (substring, ignoring case by Unicode case folding;
    // % and _ match themselves).
    QString captionText;
};

struct Label
{
    qint64 id = 0;
    QString name;
    QColor color;
    QString hotkey;
    int order = 0;
};

struct RunRecord
{
    qint64 id = 0;
    qint64 assetId = 0;
    QString kind; // "classify", "explain", ...
    QString modelPath;
    QString checkpointHash;
    QJsonObject parameters;
    QString backend;
    double durationMs = 0;
    QDateTime when;
    QJsonObject result;
};

struct ModelRecord
{
    qint64 id = 0;
    QString path;
    QString name;
    QString architecture;
    QDateTime added;
};

struct ProjectInfo
{
    int schemaVersion = 0;
    qint64 assets = 0, labels = 0, annotations = 0, runs = 0, models = 0, captions = 0, qaTurns = 0;
    QString integrity; // "ok" or the quick_check message
};

} // namespace loupe::core
