// SPDX-License-Identifier: MIT
#include "views/canvas/windowlevel.h"

#include <algorithm>
#include <cmath>

namespace loupe::views {

WindowLevel::WindowLevel(QObject* parent) : QObject(parent) {}

namespace {

// Frames of one series: stepping through them keeps the window the user chose.
bool sameSeries(const core::DicomImage& a, const core::DicomImage& b)
{
    if (a.info.modality != b.info.modality || a.info.windows.size() != b.info.windows.size()) return false;
    for (qsizetype i = 0; i < a.info.windows.size(); ++i)
        if (a.info.windows[i].center != b.info.windows[i].center ||
            a.info.windows[i].width != b.info.windows[i].width)
            return false;
    return a.info.slope == b.info.slope && a.info.intercept == b.info.intercept;
}

} // namespace

void WindowLevel::setDicom(std::shared_ptr<const core::DicomImage> dicom)
{
    const bool keep = isActive() && dicom && dicom->frame.isGrey() && sameSeries(*m_dicom, *dicom);
    m_dicom = std::move(dicom);
    m_dragging = false;
    if (!keep) m_window = m_dicom ? core::defaultWindow(m_dicom->info, m_dicom->frame) : core::DicomWindow{};
}

QVector<core::DicomWindow> WindowLevel::presets() const
{
    if (!isActive()) return {};
    QVector<core::DicomWindow> out = m_dicom->info.windows;
    out << core::fullRangeWindow(m_dicom->frame);
    return out;
}

void WindowLevel::setWindow(const core::DicomWindow& window)
{
    if (!isActive() || !window.isValid()) return;
    if (window.center == m_window.center && window.width == m_window.width && window.name == m_window.name)
        return;
    m_window = window;
    emit windowChanged(m_window);
}

void WindowLevel::reset()
{
    if (isActive()) setWindow(core::defaultWindow(m_dicom->info, m_dicom->frame));
}

QImage WindowLevel::render() const
{
    if (!m_dicom) return {};
    return core::applyWindow(m_dicom->frame, m_window);
}

double WindowLevel::dragSensitivity() const
{
    if (!isActive()) return 1.0;
    const double range = double(m_dicom->frame.maxValue) - double(m_dicom->frame.minValue);
    return std::max(0.1, range / 512.0);
}

void WindowLevel::beginDrag(QPointF widgetPos)
{
    if (!isActive()) return;
    m_dragging = true;
    m_dragStart = widgetPos;
    m_dragWindow = m_window;
}

void WindowLevel::dragTo(QPointF widgetPos)
{
    if (!m_dragging) return;
    const QPointF d = widgetPos - m_dragStart;
    const double s = dragSensitivity();
    core::DicomWindow w = m_dragWindow;
    w.width = std::max(1.0, m_dragWindow.width + d.x() * s);
    w.center = m_dragWindow.center - d.y() * s; // up lowers the center: the image gets brighter
    w.name = QStringLiteral("custom");
    setWindow(w);
}

QString WindowLevel::windowText() const
{
    if (!isActive()) return {};
    return QStringLiteral("W %1 C %2 (%3)")
        .arg(QString::number(m_window.width, 'g', 6), QString::number(m_window.center, 'g', 6),
             m_window.name);
}

QString WindowLevel::valueText(QPoint pixel) const
{
    if (!isActive()) return {};
    const core::DicomFrame& f = m_dicom->frame;
    if (pixel.x() < 0 || pixel.y() < 0 || pixel.x() >= f.size.width() || pixel.y() >= f.size.height())
        return {};
    const QString v = QString::number(double(f.valueAt(pixel.x(), pixel.y())), 'g', 7);
    return m_dicom->info.modality == QLatin1String("CT") ? v + QStringLiteral(" HU") : v;
}

} // namespace loupe::views
