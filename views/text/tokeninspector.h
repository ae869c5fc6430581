// SPDX-License-Identifier: MIT
#pragma once

#include "views/text/generatedtext.h"

#include <QPointer>
#include <QWidget>

namespace loupe::views {

class AlternativesTree;
class HeatMapLayer;
class ImageCanvas;
class MapControls;
class TokenTextView;

// A generated text to look into: its words as links, the map of the selected word on the canvas (a
// HeatMapLayer of its own), the alternatives per step. Shared by the Caption and Ask panels.
class TokenInspector : public QWidget
{
    Q_OBJECT
public:
    explicit TokenInspector(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~TokenInspector() override;

    void setGenerated(const GeneratedText& text);
    void setStreaming(const QString& textSoFar);
    void setMessage(const QString& text);
    const GeneratedText& generated() const { return m_text; }
    // Selects word k (-1: none) and draws its map on the canvas.
    void selectWord(int word);
    int selectedWord() const;
    // While hidden (its dock closed) the map leaves the canvas.
    void setMapShown(bool shown);
    // Relevancy is offered although the text carries none yet: the panel computes it when asked
    // (mapMissing) and hands it over with setTokenRelevancy.
    void setRelevancyOnDemand(bool onDemand);
    void setTokenRelevancy(int token, std::vector<float> map);

    TokenTextView* textView() const { return m_view; }
    AlternativesTree* alternatives() const { return m_tree; }
    MapControls* mapControls() const { return m_controls; }
    HeatMapLayer* layer() const { return m_layer; }

signals:
    void branchRequested(int step, qint64 token);
    // The selected word's relevancy is wanted but not there: tokens first..first+count-1.
    void mapMissing(int first, int count);

private:
    void updateMap();

    QPointer<ImageCanvas> m_canvas;
    GeneratedText m_text;
    bool m_relevancyOnDemand = false;
    TokenTextView* m_view = nullptr;
    AlternativesTree* m_tree = nullptr;
    MapControls* m_controls = nullptr;
    HeatMapLayer* m_layer = nullptr;
};

} // namespace loupe::views
