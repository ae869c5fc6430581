// SPDX-License-Identifier: MIT
#include "core/import/videoimport.h"

#include "core/store/project.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSet>
#include <QtConcurrent>

#ifdef LOUPE_HAVE_OPENCV_VIDEOIO
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#endif

namespace loupe::core {

Q_LOGGING_CATEGORY(lcVideo, "loupe.import.video")

bool isVideoFile(const QString& fileName)
{
    static const QStringList kSuffixes = {QStringLiteral("mp4"),  QStringLiteral("avi"),
                                          QStringLiteral("mov"),  QStringLiteral("mkv"),
                                          QStringLiteral("webm"), QStringLiteral("m4v")};
    return kSuffixes.contains(QFileInfo(fileName).suffix(), Qt::CaseInsensitive);
}

bool hasVideoSupport()
{
#ifdef LOUPE_HAVE_OPENCV_VIDEOIO
    return true;
#else
    return false;
#endif
}

#ifdef LOUPE_HAVE_OPENCV_VIDEOIO

namespace {

// FFmpeg when OpenCV has it: the other backends (GStreamer, OpenCV's image-sequence reader) print
// errors of their own for every file they cannot open, and read nothing FFmpeg cannot.
bool openCapture(cv::VideoCapture& cap, const QString& path)
{
    const std::string file = QFile::encodeName(QFileInfo(path).absoluteFilePath()).toStdString();
    const int api = cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_ANY;
    try {
        return cap.open(file, api) && cap.isOpened();
    } catch (const cv::Exception& e) {
        qCWarning(lcVideo) << path << e.what();
        return false;
    }
}

struct DecodedFrame
{
    qint64 index = 0;
    QImage image;
};

struct EncodedFrame
{
    QByteArray png;
    QString error;
};

// The frame's PNG. Its text chunk names the sequence and frame, so that two identical frames (a
// static scene, black frames) still differ in bytes and both become assets: the store keeps one asset
// per content hash.
EncodedFrame encodeFrame(const DecodedFrame& f, const QString& sequence)
{
    EncodedFrame out;
    QImage image = f.image;
    image.setText(QStringLiteral("Loupe-Frame"), QStringLiteral("%1#%2").arg(sequence).arg(f.index));
    QBuffer buffer(&out.png);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    if (!writer.write(image)) out.error = writer.errorString();
    return out;
}

QString framePath(const QString& folder, qint64 index)
{
    return QStringLiteral("%1/frame_%2.png").arg(folder).arg(index, 6, 10, QLatin1Char('0'));
}

// The sequence this video's frames go to: the one an earlier import of the same file started (so the
// import resumes), else the file's base name, numbered when another video already has it.
QString sequenceFor(Project& project, const QString& storedVideo, const QString& baseName)
{
    Statement s = project.db().prepare(
        QStringLiteral("SELECT sequence FROM assets WHERE sequence IS NOT NULL AND frame IS NOT NULL AND "
                       "json_extract(metadata, '$.video') = ?1 LIMIT 1"));
    s.bind(1, storedVideo);
    if (s.step()) return s.columnText(0);
    const QStringList taken = project.sequenceNames();
    const QString base = baseName.isEmpty() ? QStringLiteral("video") : baseName;
    QString name = base;
    for (int n = 2; taken.contains(name); ++n)
        name = QStringLiteral("%1-%2").arg(base).arg(n);
    return name;
}

QSet<qint64> framesPresent(const Project& project, const QString& sequence)
{
    QSet<qint64> out;
    for (const SequenceFrame& f : project.sequenceFrames(SequenceKey{sequence, {}}))
        if (f.frame) out.insert(*f.frame);
    return out;
}

} // namespace

bool opensAsVideo(const QString& path)
{
    cv::VideoCapture cap;
    if (!openCapture(cap, path)) return false;
    try {
        return cap.grab();
    } catch (const cv::Exception&) {
        return false;
    }
}

ImportReport importVideo(Project& project, const QString& videoPath, const VideoImportOptions& options,
                         const ProgressCallback& progress, std::atomic<bool>* cancel)
{
    ImportReport report;
    auto fail = [&](const QString& why) {
        report.failed.push_back({videoPath, QStringLiteral("%1: %2").arg(videoPath, why)});
        return report;
    };
    const QFileInfo info(videoPath);
    if (!info.exists()) return fail(QStringLiteral("no such file"));
    if (!info.isFile()) return fail(QStringLiteral("not a regular file"));
    if (!info.isReadable()) return fail(QStringLiteral("permission denied"));
    if (info.size() == 0) return fail(QStringLiteral("empty file"));
    const int stride = std::max(1, options.stride);
    const int batchSize = std::max(1, options.batchSize);
    auto canceled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };

    cv::VideoCapture cap;
    if (!openCapture(cap, videoPath))
        return fail(
            QStringLiteral("not a video that can be read (unknown container or codec, or a damaged file)"));
    const double fps = cap.get(cv::CAP_PROP_FPS);
    const qint64 declared = qint64(std::max(0.0, cap.get(cv::CAP_PROP_FRAME_COUNT)));

    const QString storedVideo = project.storedPath(info.absoluteFilePath());
    const QString sequence = sequenceFor(project, storedVideo, info.completeBaseName());
    const QString folder =
        QFileInfo(project.path()).absoluteDir().filePath(QStringLiteral("frames/") + sequence);
    if (!QDir().mkpath(folder)) {
        report.error = QStringLiteral("%1: cannot create the folder for its frames").arg(folder);
        return report;
    }
    const QSet<qint64> present = framesPresent(project, sequence);
    report.total = int(declared > 0 ? (declared + stride - 1) / stride : 0);
    if (progress) progress(0, report.total);
    qCInfo(lcVideo) << "importing" << videoPath << "as" << sequence << "every" << stride << "frame(s),"
                    << declared << "declared," << present.size() << "already present";

    int handled = 0; // frames taken or skipped as present, for progress
    QVector<DecodedFrame> pending;
    // Encodes, writes and commits the pending frames; false when the project or the disk refused.
    auto flush = [&]() -> bool {
        if (pending.isEmpty()) return true;
        const QList<EncodedFrame> encoded = QtConcurrent::blockingMapped(
            pending, [&sequence](const DecodedFrame& f) { return encodeFrame(f, sequence); });
        QVector<AssetRecord> batch;
        for (qsizetype i = 0; i < pending.size(); ++i) {
            const DecodedFrame& f = pending[i];
            const QString file = framePath(folder, f.index);
            if (!encoded[i].error.isEmpty()) {
                report.error = QStringLiteral("%1: cannot encode frame %2 (%3)")
                                   .arg(file)
                                   .arg(f.index)
                                   .arg(encoded[i].error);
                return false;
            }
            QSaveFile out(file);
            if (!out.open(QIODevice::WriteOnly) || out.write(encoded[i].png) != encoded[i].png.size() ||
                !out.commit()) {
                report.error = QStringLiteral("%1: cannot write the frame (%2)").arg(file, out.errorString());
                return false;
            }
            AssetRecord rec;
            rec.absolutePath = file;
            rec.sha256Hex = QString::fromLatin1(
                QCryptographicHash::hash(encoded[i].png, QCryptographicHash::Sha256).toHex());
            rec.width = f.image.width();
            rec.height = f.image.height();
            rec.format = QStringLiteral("png");
            rec.fileSize = encoded[i].png.size();
            rec.sequence = sequence;
            rec.frame = f.index;
            QJsonObject meta{{QStringLiteral("video"), storedVideo}};
            if (fps > 0) {
                meta.insert(QStringLiteral("fps"), fps);
                meta.insert(QStringLiteral("time_ms"), double(f.index) * 1000.0 / fps);
            }
            rec.metadata = meta;
            batch.push_back(rec);
        }
        QString error;
        const auto res = project.addAssets(batch, &error);
        if (!res) {
            report.error = error;
            return false;
        }
        report.added += res->added;
        report.duplicates += res->duplicates;
        handled += int(pending.size());
        pending.clear();
        if (progress) progress(handled, std::max(report.total, handled));
        return true;
    };

    qint64 index = 0;
    bool decodeError = false;
    try {
        for (;; ++index) {
            if (canceled()) {
                report.canceled = true;
                break;
            }
            const bool wanted = index % stride == 0;
            if (!wanted || present.contains(index)) {
                // grab() advances without converting the picture.
                if (!cap.grab()) break;
                if (wanted) {
                    ++report.duplicates;
                    ++handled;
                }
                continue;
            }
            cv::Mat m;
            if (!cap.read(m) || m.empty()) break;
            if (m.type() != CV_8UC3) {
                report.failed.push_back(
                    {videoPath,
                     QStringLiteral("%1: frame %2 has an unsupported pixel type").arg(videoPath).arg(index)});
                break;
            }
            QImage image(m.data, m.cols, m.rows, int(m.step), QImage::Format_BGR888);
            pending.push_back({index, image.convertToFormat(QImage::Format_RGB888)});
            if (pending.size() >= batchSize && !flush()) return report;
        }
    } catch (const cv::Exception& e) {
        decodeError = true;
        qCWarning(lcVideo) << videoPath << e.what();
    }
    if (!flush()) return report;
    if (!report.canceled) {
        if (index == 0)
            return fail(QStringLiteral("no frame could be decoded (unsupported codec or a damaged file)"));
        // FFmpeg estimates the count of some containers from their duration, which can be a frame or so
        // off for a sound file; a video that ends well short of it was cut off.
        const bool short_ = declared > 0 && index + 1 + declared / 100 < declared;
        if (decodeError)
            fail(QStringLiteral(
                     "decoding failed at frame %1 (damaged file); the frames before it were imported")
                     .arg(index));
        else if (short_)
            fail(QStringLiteral(
                     "the video ends at frame %1 of the %2 its header declares (truncated or damaged); "
                     "the frames before it were imported")
                     .arg(index)
                     .arg(declared));
        report.total = std::max(report.total, handled);
    }
    return report;
}

#else // no OpenCV videoio

bool opensAsVideo(const QString&)
{
    return false;
}

ImportReport importVideo(Project&, const QString& videoPath, const VideoImportOptions&,
                         const ProgressCallback&, std::atomic<bool>*)
{
    ImportReport report;
    report.failed.push_back(
        {videoPath, QStringLiteral("%1: cannot read videos: this build of Loupe has no video support (OpenCV "
                                   "videoio was not found when it was built)")
                        .arg(videoPath)});
    return report;
}

#endif

} // namespace loupe::core
