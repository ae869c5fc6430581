// SPDX-License-Identifier: MIT
#include "views/canvas/tilepyramid.h"

#include "views/canvas/downsample.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcTiles, "loupe.canvas.tiles")

namespace {

QList<QImage> cutTiles(const QImage& level, int tileSize)
{
    QList<QImage> tiles;
    for (int y = 0; y < level.height(); y += tileSize)
        for (int x = 0; x < level.width(); x += tileSize)
            tiles.append(level.copy(x, y, std::min(tileSize, level.width() - x),
                                    std::min(tileSize, level.height() - y)));
    return tiles;
}

} // namespace

TilePyramid::TilePyramid(QObject* parent) : QObject(parent) {}

TilePyramid::~TilePyramid()
{
    clear();
}

int TilePyramid::coarsestLevel(QSize size)
{
    int level = 0;
    while (std::max(size.width(), size.height()) > (kTileSize << level))
        ++level;
    return level;
}

void TilePyramid::clear()
{
    if (m_cancel) m_cancel->store(true);
    m_future.waitForFinished();
    ++m_generation;
    m_base = QImage();
    m_levels.clear();
}

void TilePyramid::setImage(const QImage& image)
{
    clear();
    m_base = image;
    if (image.isNull()) return;
    const int coarsest = coarsestLevel(image.size());
    m_levels.resize(coarsest + 1);
    for (int l = 0; l <= coarsest; ++l) {
        const int f = 1 << l;
        m_levels[l].size = QSize((image.width() + f - 1) / f, (image.height() + f - 1) / f);
        m_levels[l].columns = (m_levels[l].size.width() + kTileSize - 1) / kTileSize;
    }
    if (coarsest == 0) return;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    const quint64 generation = m_generation;
    // The destructor and clear() wait for this future, so `this` outlives the worker; deliveries are
    // queued events on `this` and die with it.
    m_future = QtConcurrent::run([this, image, coarsest, cancel, generation] {
        auto post = [&](int level, const QImage& img) {
            QList<QImage> tiles = cutTiles(img, kTileSize);
            QMetaObject::invokeMethod(
                this, [this, generation, level, tiles] { deliver(generation, level, tiles); },
                Qt::QueuedConnection);
        };
        post(coarsest, downsampleBox(image, 1 << coarsest));
        QImage level = image;
        for (int l = 1; l < coarsest && !cancel->load(); ++l) {
            level = downsampleBox(level, 2);
            post(l, level);
        }
    });
}

void TilePyramid::deliver(quint64 generation, int level, QList<QImage> tiles)
{
    if (generation != m_generation || level >= m_levels.size()) return;
    m_levels[level].tiles = std::move(tiles);
    qCDebug(lcTiles) << "level" << level << "ready" << m_levels[level].size;
    emit levelReady(level);
}

bool TilePyramid::isLevelReady(int level) const
{
    if (level == 0) return !m_base.isNull();
    return level > 0 && level < m_levels.size() && !m_levels[level].tiles.isEmpty();
}

QSize TilePyramid::levelSize(int level) const
{
    return level >= 0 && level < m_levels.size() ? m_levels[level].size : QSize();
}

QImage TilePyramid::tile(int level, int tx, int ty) const
{
    if (!isLevelReady(level) || level == 0) return {};
    const Level& l = m_levels[level];
    const int index = ty * l.columns + tx;
    return tx >= 0 && tx < l.columns && index >= 0 && index < l.tiles.size() ? l.tiles[index] : QImage();
}

bool TilePyramid::isComplete() const
{
    for (int l = 0; l < m_levels.size(); ++l)
        if (!isLevelReady(l)) return false;
    return true;
}

void TilePyramid::waitForFinished()
{
    m_future.waitForFinished();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

} // namespace loupe::views
