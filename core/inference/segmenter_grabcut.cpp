// SPDX-License-Identifier: MIT
// The click-to-mask fallback without a SAM model: OpenCV's GrabCut (iterated graph cuts on colour GMMs).
#include "core/inference/segmenter.h"

#ifdef LOUPE_HAVE_OPENCV
#include <opencv2/imgproc.hpp>
#endif

#include <algorithm>
#include <cmath>

namespace loupe::core {

bool Segmenter::grabCutAvailable()
{
#ifdef LOUPE_HAVE_OPENCV
    return true;
#else
    return false;
#endif
}

#ifdef LOUPE_HAVE_OPENCV

namespace {

constexpr int kIterations = 5;

// Without a box, the positive clicks' bounding box grown by a quarter of the image's longer side:
// GrabCut needs some pixels it may call background to learn the background colours.
QRect regionOf(const SegmentPrompt& prompt, const QSize& size)
{
    if (prompt.box) return prompt.box->normalized().toAlignedRect() & QRect(QPoint(0, 0), size);
    QRectF r;
    for (int i = 0; i < prompt.points.size(); ++i)
        if (prompt.labels.value(i) != 0) r |= QRectF(prompt.points[i], QSizeF(1, 1));
    const int grow = std::max(size.width(), size.height()) / 4;
    return r.toAlignedRect().adjusted(-grow, -grow, grow, grow) & QRect(QPoint(0, 0), size);
}

} // namespace

SegmentResult grabCutSegment(const QImage& image, const SegmentPrompt& prompt)
{
    SegmentResult r;
    r.engine = SegmentResult::Engine::GrabCut;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const int W = rgb.width(), H = rgb.height();
    if (W < 2 || H < 2) {
        r.error = QStringLiteral("the image is too small to segment");
        return r;
    }
    const QRect region = regionOf(prompt, rgb.size());
    if (region.isEmpty()) {
        r.error = QStringLiteral("the prompt has no positive click and no box inside the image");
        return r;
    }
    // Row strides differ between QImage (4-byte aligned) and a dense Mat: copy into a continuous Mat.
    cv::Mat pixels(H, W, CV_8UC3);
    for (int y = 0; y < H; ++y)
        std::copy_n(rgb.constScanLine(y), size_t(W) * 3, pixels.ptr<uchar>(y));

    cv::Mat mask(H, W, CV_8UC1, cv::Scalar(cv::GC_BGD));
    mask(cv::Rect(region.x(), region.y(), region.width(), region.height())).setTo(cv::GC_PR_FGD);
    // A frame of sure background so that a box covering the whole image still leaves GrabCut some.
    if (region.width() >= W - 1 && region.height() >= H - 1)
        cv::rectangle(mask, cv::Rect(0, 0, W, H), cv::Scalar(cv::GC_BGD), 1);
    const int radius = std::max(2, std::min(W, H) / 60);
    for (int i = 0; i < prompt.points.size(); ++i) {
        const cv::Point c(int(std::lround(prompt.points[i].x())), int(std::lround(prompt.points[i].y())));
        cv::circle(mask, c, radius, cv::Scalar(prompt.labels.value(i) != 0 ? cv::GC_FGD : cv::GC_BGD),
                   cv::FILLED);
    }
    try {
        cv::Mat bgd, fgd;
        cv::grabCut(pixels, mask, cv::Rect(), bgd, fgd, kIterations, cv::GC_INIT_WITH_MASK);
    } catch (const cv::Exception& e) {
        r.error = QStringLiteral("GrabCut failed: ") + QString::fromStdString(e.what());
        return r;
    }
    QImage out(W, H, QImage::Format_Grayscale8);
    for (int y = 0; y < H; ++y) {
        const uchar* m = mask.ptr<uchar>(y);
        uchar* row = out.scanLine(y);
        for (int x = 0; x < W; ++x)
            row[x] = (m[x] == cv::GC_FGD || m[x] == cv::GC_PR_FGD) ? 255 : 0;
    }
    r.mask = out;
    return r;
}

#else

SegmentResult grabCutSegment(const QImage&, const SegmentPrompt&)
{
    SegmentResult r;
    r.engine = SegmentResult::Engine::GrabCut;
    r.error =
        QStringLiteral("no SAM model, and this build has no GrabCut fallback (OpenCV imgproc was not found)");
    return r;
}

#endif

} // namespace loupe::core
