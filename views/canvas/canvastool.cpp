// SPDX-License-Identifier: MIT
#include "views/canvas/canvastool.h"

namespace loupe::views {

CanvasTool::CanvasTool(QString name, QObject* parent) : QObject(parent), m_name(std::move(name)) {}

} // namespace loupe::views
