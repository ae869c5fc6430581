// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QImage>
#include <QList>
#include <QObject>
#include <atomic>
#include <memory>

namespace loupe::views {

// Level-of-detail tiles of one image, built on a worker thread. Level 0 is the image itself (drawn
// straight from it); level L ≥ 1 is the image reduced 2^L times, cut into kTileSize tiles. The
// coarsest level (one tile) is made first straight from the image, so something cheap to draw is
// available almost at once; then the finer levels follow. Painting uses the best level that is ready.
class TilePyramid : public QObject
{
    Q_OBJECT
public:
    static constexpr int kTileSize = 512;

    explicit TilePyramid(QObject* parent = nullptr);
    ~TilePyramid() override;

    // `image` must be RGB32 or ARGB32_Premultiplied. Cancels a build in progress.
    void setImage(const QImage& image);
    void clear();

    const QImage& base() const { return m_base; }
    int levelCount() const { return int(m_levels.size()); } // 1 + reduced levels
    bool isLevelReady(int level) const;
    QSize levelSize(int level) const;
    // Tile (tx, ty) of a reduced level; null while not built.
    QImage tile(int level, int tx, int ty) const;
    bool isComplete() const;
    // Blocks until the build is done and delivered (tests, benchmarks).
    void waitForFinished();

    // The coarsest level whose one tile holds the whole image, for an image of that size.
    static int coarsestLevel(QSize imageSize);

signals:
    void levelReady(int level);

private:
    struct Level
    {
        QSize size;
        int columns = 0;
        QList<QImage> tiles; // row-major; empty until the level is ready
    };
    void deliver(quint64 generation, int level, QList<QImage> tiles);

    QImage m_base;
    QList<Level> m_levels;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QFuture<void> m_future;
};

} // namespace loupe::views
