// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/dicomreader.h"

#include <QImage>
#include <QObject>
#include <QPointF>
#include <memory>

namespace loupe::views {

// Window/level of the DICOM image a canvas shows. It keeps the frame's full-range values (16-bit,
// signed, rescaled) and renders the 8-bit view from them for each window, so no adjustment ever
// loses data. Drags are in logical (device-independent) widget pixels: the same hand movement
// changes the window by the same amount on a HiDPI screen. Inactive for ordinary images and colour
// DICOM (there is nothing to window).
class WindowLevel : public QObject
{
    Q_OBJECT
public:
    explicit WindowLevel(QObject* parent = nullptr);

    // The decoded DICOM behind the image now shown; null for an ordinary image. The next frame of the
    // same series (same modality, presets and rescale) keeps the current window; anything else starts
    // from its default.
    void setDicom(std::shared_ptr<const core::DicomImage> dicom);
    const core::DicomImage* dicom() const { return m_dicom.get(); }
    bool isActive() const { return m_dicom && m_dicom->frame.isGrey(); }

    core::DicomWindow window() const { return m_window; }
    // The file's presets, then the frame's full range ("auto").
    QVector<core::DicomWindow> presets() const;
    void setWindow(const core::DicomWindow& window);
    void reset(); // the default window: the file's first preset, else the full range

    // The 8-bit image for the current window (what the canvas draws).
    QImage render() const;

    // Right-drag: horizontal movement changes the width, vertical the center (dragging up brightens).
    void beginDrag(QPointF widgetPos);
    void dragTo(QPointF widgetPos);
    void endDrag() { m_dragging = false; }
    bool isDragging() const { return m_dragging; }
    // Value units per logical pixel of drag: the frame's range over 512, at least 0.1.
    double dragSensitivity() const;

    // "W 400 C 40 (SOFT TISSUE)", empty when inactive.
    QString windowText() const;
    // The full-range value at an image pixel ("-261 HU" for CT), empty outside or when inactive.
    QString valueText(QPoint pixel) const;

signals:
    void windowChanged(const loupe::core::DicomWindow& window);

private:
    std::shared_ptr<const core::DicomImage> m_dicom;
    core::DicomWindow m_window;
    bool m_dragging = false;
    QPointF m_dragStart;
    core::DicomWindow m_dragWindow;
};

} // namespace loupe::views
