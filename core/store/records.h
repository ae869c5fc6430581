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
    // A frame of a video (or of a named image sequence): the sequence's name and, for a video, the
    // 0-based index of the frame in the source. Both unset for an ordinary image.
    QString sequence;
    std::optional<qint64> frame;
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
    QString sequence;                  // see AssetRecord; empty for an ordinary image
    std::optional<qint64> frame;
};

// One frame of a sequence, as Project::sequenceFrames() lists them.
//
// A sequence is either named (the assets' `sequence` column: a video imported as frames, ordered by
// frame index) or, for images without a name, the folder that holds them (ordered by file name the way
// a person reads numbers: img2 before img10). `key` says which, so that both kinds can be walked alike.
struct SequenceFrame
{
    qint64 assetId = 0;
    QString storedPath;
    std::optional<qint64> frame; // the source frame index; unset in a folder sequence
};

struct SequenceKey
{
    QString name;   // the `sequence` column, or empty for a folder sequence
    QString folder; // the stored folder ("" for the project's own folder); used when name is empty
    bool isNamed() const { return !name.isEmpty(); }
    bool operator==(const SequenceKey&) const = default;
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
    // What ran the model (schema 7): the backend and device after any fall-back ("cpu", "vulkan",
    // "cuda"; the device's name), the precision it ran at ("f32", "bf16", ...) and, when the chosen
    // device did not run it, why.
    QString backend;
    QString device;
    QString precision;
    QString fallbackReason;
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
