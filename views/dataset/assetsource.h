// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <array>
#include <functional>
#include <memory>

namespace loupe::views {

// What the browser shows of one asset.
struct AssetRow
{
    qint64 id = -1;
    QString relativePath; // as stored (relative to the project when below it)
    QString absolutePath;
    int width = 0;
    int height = 0;
    QString split;
    QString reviewState;
    int annotationCount = 0;
    bool done = false;                 // marked done in review
    std::array<int, 4> reviewCounts{}; // annotations that are new, accepted, rejected, need a fix
    QString caption;                   // the image's first caption, empty without one
    QString sequence;                  // the video it is a frame of, empty for an ordinary image
    qint64 frame = -1;                 // its frame number in that video, -1 for an ordinary image
};

// The browser's filter. Empty / negative fields match everything.
struct DatasetFilter
{
    QString text;              // substring of the path
    qint64 labelId = -1;       // assets with at least one annotation of this label
    QString split;             // "train", "val", "test", ...
    QString reviewState;       // "unreviewed", "accepted", "rejected", ...
    int done = -1;             // 1: only images marked done; 0: only those not done
    bool hasNeedsFix = false;  // only images with an annotation flagged "needs fix"
    int shapeReviewState = -1; // images with an annotation in this state (0 new .. 3 needs fix)
    QString captionText;       // substring of one of the image's captions
    bool operator==(const DatasetFilter&) const = default;
};

// Pages of assets. Implementations are created and used on the browser's worker thread (each with
// its own database connection), never on the GUI thread.
class AssetSource
{
public:
    virtual ~AssetSource() = default;
    // Returns -1 and sets *error when the query fails.
    virtual int count(const DatasetFilter& filter, QString* error) = 0;
    virtual QList<AssetRow> page(const DatasetFilter& filter, int offset, int limit, QString* error) = 0;
};

// Makes an AssetSource; called on the worker thread.
using AssetSourceFactory = std::function<std::unique_ptr<AssetSource>()>;

} // namespace loupe::views

Q_DECLARE_METATYPE(loupe::views::AssetRow)
Q_DECLARE_METATYPE(loupe::views::DatasetFilter)
