// SPDX-License-Identifier: MIT
#pragma once

// A synthetic image sequence for tracking tests: a flat yellow square moving 3 px to the right
// per frame over a textured background, written as frame_0.png, frame_1.png, ... Header-only so each
// test area can include it without linking anything more.
#include <QColor>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QRect>
#include <QStringList>
#include <cmath>

namespace loupe::test {

struct MovingSquare
{
    static constexpr int kWidth = 160, kHeight = 120, kSide = 32;
    static constexpr int kStepX = 3, kStepY = 0;

    // The square on frame i.
    static QRect squareAt(int i) { return QRect(30 + kStepX * i, 30 + kStepY * i, kSide, kSide); }

    // Smooth blobs of colour: texture for the tracker to tell background from object, without the
    // pixel-scale noise that no camera produces.
    static QColor background(int x, int y)
    {
        const double a = std::sin(x * 0.13) * std::cos(y * 0.11), b = std::sin((x + 2 * y) * 0.05);
        return QColor(int(90 + 50 * a), int(120 + 40 * b), int(70 + 30 * a * b));
    }

    static QImage frame(int i)
    {
        QImage img(kWidth, kHeight, QImage::Format_RGB888);
        for (int y = 0; y < kHeight; ++y)
            for (int x = 0; x < kWidth; ++x)
                img.setPixelColor(x, y, background(x, y));
        QPainter p(&img);
        p.fillRect(squareAt(i), QColor(230, 200, 20));
        // A dark cross gives the square an inside the tracker's features can hold on to.
        const QRect s = squareAt(i);
        p.fillRect(QRect(s.left() + kSide / 2 - 2, s.top() + 4, 4, kSide - 8), QColor(60, 20, 120));
        p.fillRect(QRect(s.left() + 4, s.top() + kSide / 2 - 2, kSide - 8, 4), QColor(60, 20, 120));
        return img;
    }

    // Writes `count` frames into `dir`; returns their paths in order (empty on a write failure).
    static QStringList write(const QString& dir, int count = 10)
    {
        QStringList paths;
        QDir().mkpath(dir);
        for (int i = 0; i < count; ++i) {
            const QString path = QDir(dir).filePath(QStringLiteral("frame_%1.png").arg(i));
            if (!frame(i).save(path)) return {};
            paths << path;
        }
        return paths;
    }
};

inline double iou(const QRectF& a, const QRectF& b)
{
    const QRectF i = a & b;
    const double inter = i.width() * i.height();
    const double uni = a.width() * a.height() + b.width() * b.height() - inter;
    return uni > 0 ? inter / uni : 0;
}

} // namespace loupe::test
