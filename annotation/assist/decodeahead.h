// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace loupe::annotation {

// One image to decode ahead of the model.
struct DecodeItem
{
    qint64 assetId = 0;
    QString path;
};

struct DecodedImage
{
    qint64 assetId = 0;
    QString path;
    QImage image; // RGB888; null when it could not be read, with error set
    QString error;
};

// Decodes images on a thread of its own, in order, at most `depth` ahead of the consumer, so the model
// never waits on the disk or the JPEG decoder and memory stays bounded however long the selection is.
// next() hands them out in the order given; stop() (or the destructor) ends the thread promptly.
class DecodeAhead
{
public:
    explicit DecodeAhead(std::vector<DecodeItem> items, int depth = 3);
    ~DecodeAhead();
    DecodeAhead(const DecodeAhead&) = delete;
    DecodeAhead& operator=(const DecodeAhead&) = delete;

    // Blocks until the next image is decoded; nullopt once every image was handed out or after stop().
    std::optional<DecodedImage> next();
    void stop();
    // Most images waiting at once so far (tests check the bound).
    int highWater() const;

private:
    void run();

    const std::vector<DecodeItem> m_items;
    const size_t m_depth;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<DecodedImage> m_ready;
    size_t m_handedOut = 0;
    size_t m_highWater = 0;
    bool m_stop = false;
    std::thread m_thread; // last: started once the members above exist
};

} // namespace loupe::annotation
