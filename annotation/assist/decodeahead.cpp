// SPDX-License-Identifier: MIT
#include "annotation/assist/decodeahead.h"

#include "core/imageio.h"

#include <algorithm>

namespace loupe::annotation {

DecodeAhead::DecodeAhead(std::vector<DecodeItem> items, int depth)
    : m_items(std::move(items)), m_depth(size_t(std::max(depth, 1))), m_thread([this] { run(); })
{
}

DecodeAhead::~DecodeAhead()
{
    stop();
    if (m_thread.joinable()) m_thread.join();
}

void DecodeAhead::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
}

int DecodeAhead::highWater() const
{
    std::lock_guard lock(m_mutex);
    return int(m_highWater);
}

void DecodeAhead::run()
{
    for (const DecodeItem& item : m_items) {
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stop || m_ready.size() < m_depth; });
            if (m_stop) return;
        }
        DecodedImage d{item.assetId, item.path, {}, {}};
        d.image = core::readImage(item.path, &d.error);
        // Converted here rather than in the model's thread: detectors read RGB.
        if (!d.image.isNull()) d.image = std::move(d.image).convertToFormat(QImage::Format_RGB888);
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return;
            m_ready.push_back(std::move(d));
            m_highWater = std::max(m_highWater, m_ready.size());
        }
        m_changed.notify_all();
    }
}

std::optional<DecodedImage> DecodeAhead::next()
{
    std::unique_lock lock(m_mutex);
    if (m_handedOut == m_items.size()) return std::nullopt;
    m_changed.wait(lock, [this] { return m_stop || !m_ready.empty(); });
    if (m_stop) return std::nullopt;
    DecodedImage d = std::move(m_ready.front());
    m_ready.pop_front();
    ++m_handedOut;
    lock.unlock();
    m_changed.notify_all();
    return d;
}

} // namespace loupe::annotation
