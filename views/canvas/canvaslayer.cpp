// SPDX-License-Identifier: MIT
#include "views/canvas/canvaslayer.h"

#include <algorithm>

namespace loupe::views {

CanvasLayer::CanvasLayer(QString name, QObject* parent) : QObject(parent), m_name(std::move(name)) {}

void CanvasLayer::setVisible(bool visible)
{
    if (visible == m_visible) return;
    m_visible = visible;
    emit changed();
}

void CanvasLayer::setOpacity(double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (opacity == m_opacity) return;
    m_opacity = opacity;
    emit changed();
}

} // namespace loupe::views
