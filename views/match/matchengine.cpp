// SPDX-License-Identifier: MIT
#include "views/match/matchengine.h"

#include "core/inference/matcher.h"

#include <QImageIOHandler>
#include <QImageReader>
#include <memory>
#include <mutex>

namespace loupe::views {

namespace {

struct Session
{
    std::mutex lock;
    QString folder;
    std::unique_ptr<core::Matcher> matcher;
};

// The image's size as shown (EXIF orientation applied), without decoding its pixels.
QSize shownSize(const QString& path)
{
    QImageReader reader(path);
    QSize size = reader.size();
    if (reader.transformation() & QImageIOHandler::TransformationRotate90) size.transpose();
    return size;
}

MatchResult run(Session& s, const MatchRequest& req)
{
    MatchResult out;
    out.texts = req.texts;
    auto stop = [&] { return req.cancelled && req.cancelled(); };
    if (s.folder != req.modelFolder || !s.matcher) {
        s.matcher.reset();
        s.matcher = core::Matcher::open(req.modelFolder);
        s.folder = req.modelFolder;
    }
    if (stop()) return out.cancelled = true, out;
    const core::MatchScores scores = s.matcher->match(req.imagePath, req.texts);
    out.probs = scores.probs;
    out.logits = scores.logits;
    out.grid = s.matcher->grid();
    const QSize size = shownSize(req.imagePath);
    // modelRegion reads only the size; a one-bit image of it costs an eighth of a byte per pixel.
    out.region = size.isEmpty() ? QRect() : s.matcher->modelRegion(QImage(size, QImage::Format_Mono));
    if (req.heatmapIndices.empty()) return out;
    if (stop()) return out.cancelled = true, out;
    const std::vector<std::vector<float>> maps =
        s.matcher->heatmaps(req.imagePath, req.texts, req.heatmapIndices);
    out.heatmaps.resize(size_t(req.texts.size()));
    for (size_t k = 0; k < maps.size(); ++k)
        out.heatmaps[size_t(req.heatmapIndices[k])] = maps[k];
    return out;
}

} // namespace

MatchFunction clipMatchFunction()
{
    auto session = std::make_shared<Session>();
    return [session](const MatchRequest& req) {
        const std::lock_guard<std::mutex> guard(session->lock);
        try {
            return run(*session, req);
        } catch (const std::exception& e) {
            session->matcher.reset(); // a failed open is tried again next time
            session->folder.clear();
            MatchResult failed;
            failed.texts = req.texts;
            failed.error = QString::fromUtf8(e.what());
            return failed;
        }
    };
}

} // namespace loupe::views
