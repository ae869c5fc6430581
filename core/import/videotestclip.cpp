// SPDX-License-Identifier: MIT
#include "core/import/videotestclip.h"

#include <QFileInfo>

#ifdef LOUPE_HAVE_OPENCV_VIDEOIO
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#endif

namespace loupe::core {

void testVideoBackground(int frame, int* red, int* green, int* blue)
{
    // Steps of 37 and 23 keep neighbouring frames far apart in colour, beyond JPEG's error.
    *red = 30 + (frame * 37) % 200;
    *green = 100;
    *blue = 225 - (frame * 23) % 200;
}

bool writeTestVideo(const QString& path, int frames, QSize size, double fps, QString* error, bool still)
{
#ifdef LOUPE_HAVE_OPENCV_VIDEOIO
    cv::VideoWriter writer(QFileInfo(path).absoluteFilePath().toStdString(),
                           cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                           cv::Size(size.width(), size.height()));
    if (!writer.isOpened()) {
        if (error) *error = QStringLiteral("%1: cannot write a Motion-JPEG video here").arg(path);
        return false;
    }
    for (int f = 0; f < frames; ++f) {
        const int i = still ? 0 : f;
        int r = 0, g = 0, b = 0;
        testVideoBackground(i, &r, &g, &b);
        cv::Mat m(size.height(), size.width(), CV_8UC3, cv::Scalar(b, g, r)); // OpenCV is BGR
        const int side = std::max(2, size.height() / 4);
        const int x = (size.width() / 2 + i * 3) % std::max(1, size.width() - side);
        cv::rectangle(m, cv::Rect(x, size.height() / 2, side, side), cv::Scalar(255, 255, 255), cv::FILLED);
        writer.write(m);
    }
    writer.release();
    return true;
#else
    Q_UNUSED(frames);
    Q_UNUSED(size);
    Q_UNUSED(fps);
    Q_UNUSED(still);
    if (error) *error = QStringLiteral("%1: cannot write videos: this build has no video support").arg(path);
    return false;
#endif
}

} // namespace loupe::core
