// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QTimer;

namespace loupe::views {

class DicomPanel;
class ImageCanvas;
struct CursorInfo;

// The canvas part of the status bar: a hint (tool hints, messages), then the place of the image in its
// sequence ("frame 12 · 13 / 240", hidden for a lone image), image size, cursor position in image
// pixels, pixel value, zoom. The hint is its own label, elided to the room it has, so a long hint
// never runs into the readouts.
class CanvasStatus : public QWidget
{
    Q_OBJECT
public:
    explicit CanvasStatus(ImageCanvas* canvas, QWidget* parent = nullptr);

    QString sizeText() const;
    QString positionText() const;
    QString valueText() const;
    QString zoomText() const;
    // The DICOM window ("W 400 C 40 (SOFT TISSUE)"), empty unless the image is a grey DICOM. Its
    // tooltip lists the modality and the patient tags; a click opens the DICOM panel.
    QString windowText() const;
    QLabel* windowLabel() const { return m_window; }
    // The DICOM panel a click on the window readout opens (nullptr until then).
    DicomPanel* dicomPanel() const { return m_dicomPanel; }
    void showDicomPanel();

    // Shows a hint for timeoutMs (0 = until replaced); an empty text clears it. The full text is the tooltip.
    void showHint(const QString& text, int timeoutMs = 0);
    QString hintText() const { return m_hintFull; }
    QLabel* hintLabel() const { return m_hint; }
    QLabel* sizeLabel() const { return m_size; }

    // The sequence readout; an empty text hides it. The full description goes in its tooltip.
    void setFrameText(const QString& text, const QString& toolTip = {});
    QString frameText() const;
    QLabel* frameLabel() const { return m_frame; }

private:
    void refreshImage();
    void refreshCursor(const CursorInfo& info);
    void refreshZoom();
    void refreshWindow();
    void elideHint();
    bool eventFilter(QObject* watched, QEvent* event) override;

    ImageCanvas* m_canvas;
    QLabel* m_hint;
    QString m_hintFull;
    QTimer* m_hintTimer;
    QLabel* m_frame;
    QLabel* m_size;
    QLabel* m_position;
    QLabel* m_value;
    QLabel* m_window;
    DicomPanel* m_dicomPanel = nullptr;
    QLabel* m_zoom;
};

} // namespace loupe::views
