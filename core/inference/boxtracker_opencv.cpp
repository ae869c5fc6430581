// SPDX-License-Identifier: MIT
// Box tracking without a SAM model: OpenCV's MIL tracker (online multiple-instance learning of the
// object's appearance against its surroundings).
#include "core/inference/boxtracker.h"

#ifdef LOUPE_HAVE_OPENCV_VIDEO
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#endif

#include <algorithm>
#include <cmath>

namespace loupe::core {

bool openCvTrackerAvailable()
{
#ifdef LOUPE_HAVE_OPENCV_VIDEO
    return true;
#else
    return false;
#endif
}

#ifdef LOUPE_HAVE_OPENCV_VIDEO

namespace {

// QImage rows are 4-byte aligned and RGB; OpenCV wants a continuous BGR Mat.
cv::Mat toBgr(const QImage& image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    cv::Mat m(rgb.height(), rgb.width(), CV_8UC3);
    for (int y = 0; y < rgb.height(); ++y)
        std::copy_n(rgb.constScanLine(y), size_t(rgb.width()) * 3, m.ptr<uchar>(y));
    cv::cvtColor(m, m, cv::COLOR_RGB2BGR);
    return m;
}

// The box's contents in grey at the first frame's template size, for the appearance score.
cv::Mat patch(const cv::Mat& bgr, const cv::Rect& box, const cv::Size& size)
{
    cv::Mat grey, out;
    cv::cvtColor(bgr(box), grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, out, size, 0, 0, cv::INTER_AREA);
    return out;
}

class OpenCvTracker : public BoxTracker
{
public:
    explicit OpenCvTracker(const OpenCvTrackOptions& o) : m_options(o) {}

    QString init(const QImage& image, const QRectF& box, const QImage&) override
    {
        const cv::Mat bgr = toBgr(image);
        const QRect r = box.toAlignedRect() & image.rect();
        if (r.width() < 2 || r.height() < 2)
            return QStringLiteral("the box %1,%2 %3x%4 has less than 2x2 pixels inside the %5x%6 frame")
                .arg(box.x())
                .arg(box.y())
                .arg(box.width())
                .arg(box.height())
                .arg(image.width())
                .arg(image.height());
        const cv::Rect cr(r.x(), r.y(), r.width(), r.height());
        m_tracker = cv::TrackerMIL::create();
        m_tracker->init(bgr, cr);
        m_template = patch(bgr, cr, cr.size());
        return {};
    }

    TrackStep update(const QImage& image) override
    {
        TrackStep step;
        if (!m_tracker) {
            step.lost = true;
            step.reason = QStringLiteral("the tracker was not started");
            return step;
        }
        const cv::Mat bgr = toBgr(image);
        cv::Rect found;
        if (!m_tracker->update(bgr, found)) {
            step.lost = true;
            step.reason = QStringLiteral("the tracker lost the object");
            return step;
        }
        const cv::Rect inside = found & cv::Rect(0, 0, bgr.cols, bgr.rows);
        if (inside.area() < 4 || double(inside.area()) < m_options.minInside * double(found.area())) {
            step.lost = true;
            step.reason = QStringLiteral("the object left the frame");
            return step;
        }
        // A flat template (no variance) has no defined correlation: then appearance cannot judge.
        cv::Mat score;
        cv::matchTemplate(patch(bgr, inside, m_template.size()), m_template, score, cv::TM_CCOEFF_NORMED);
        const double ncc = double(score.at<float>(0, 0));
        step.confidence = std::isfinite(ncc) ? std::clamp(ncc, 0.0, 1.0) : 1.0;
        if (step.confidence < m_options.minConfidence) {
            step.lost = true;
            step.reason = QStringLiteral("the box no longer looks like the object (match %1)")
                              .arg(step.confidence, 0, 'f', 2);
            return step;
        }
        step.box = QRectF(inside.x, inside.y, inside.width, inside.height);
        return step;
    }

private:
    OpenCvTrackOptions m_options;
    cv::Ptr<cv::TrackerMIL> m_tracker;
    cv::Mat m_template;
};

} // namespace

std::unique_ptr<BoxTracker> makeOpenCvTracker(const OpenCvTrackOptions& options, QString*)
{
    return std::make_unique<OpenCvTracker>(options);
}

#else

std::unique_ptr<BoxTracker> makeOpenCvTracker(const OpenCvTrackOptions&, QString* error)
{
    if (error)
        *error = QStringLiteral("Loupe was built without OpenCV video (libopencv-video-dev): the OpenCV "
                                "tracker is not available; use the SAM tracker with a SAM model");
    return nullptr;
}

#endif

} // namespace loupe::core
