// SPDX-License-Identifier: MIT
#pragma once

#include "views/explain/colormap.h"
#include "views/text/tokenmap.h"

#include <QWidget>

class QComboBox;
class QSlider;

namespace loupe::views {

// How a word's map is drawn: which map (cross-attention or relevancy), which layers, and the Explain
// view's colormaps and opacity.
class MapControls : public QWidget
{
    Q_OBJECT
public:
    explicit MapControls(QWidget* parent = nullptr);

    MapSource source() const;
    MapLayers layers() const;
    Colormap colormap() const;
    double opacity() const; // 0..1
    // Relevancy is offered only where the traces carry it.
    void setRelevancyAvailable(bool available);
    QComboBox* sourceBox() const { return m_source; }
    QComboBox* layersBox() const { return m_layers; }

signals:
    void mapChanged();   // source or layers: the map must be recomputed
    void styleChanged(); // colormap or opacity: only redrawn

private:
    QComboBox* m_source = nullptr;
    QComboBox* m_layers = nullptr;
    QComboBox* m_colormap = nullptr;
    QSlider* m_opacity = nullptr;
};

} // namespace loupe::views
