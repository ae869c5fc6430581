// SPDX-License-Identifier: MIT
#include "views/text/tokeninspector.h"

#include "views/canvas/imagecanvas.h"
#include "views/explain/heatmaplayer.h"
#include "views/text/alternativestree.h"
#include "views/text/mapcontrols.h"
#include "views/text/tokenmap.h"
#include "views/text/tokentextview.h"

#include <QComboBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace loupe::views {

TokenInspector::TokenInspector(ImageCanvas* canvas, QWidget* parent) : QWidget(parent), m_canvas(canvas)
{
    m_view = new TokenTextView(this);
    m_tree = new AlternativesTree(this);
    m_controls = new MapControls(this);
    m_layer = new HeatMapLayer(this);
    m_layer->setVisible(false);
    if (m_canvas) m_canvas->addLayer(m_layer);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_tree);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(m_controls);
    box->addWidget(split, 1);

    connect(m_view, &TokenTextView::wordClicked, this, &TokenInspector::selectWord);
    connect(m_tree, &AlternativesTree::branchRequested, this, &TokenInspector::branchRequested);
    connect(m_controls, &MapControls::mapChanged, this, &TokenInspector::updateMap);
    connect(m_controls, &MapControls::styleChanged, this, [this] {
        m_layer->setColormap(m_controls->colormap());
        m_layer->setOpacity(m_controls->opacity());
    });
    m_layer->setColormap(m_controls->colormap());
    m_layer->setOpacity(m_controls->opacity());
}

TokenInspector::~TokenInspector()
{
    if (m_canvas) m_canvas->removeLayer(m_layer);
}

void TokenInspector::setGenerated(const GeneratedText& text)
{
    m_text = text;
    m_view->setPieces(m_text.pieces);
    m_tree->setPieces(m_text.pieces);
    m_controls->setRelevancyAvailable(m_relevancyOnDemand || hasMaps(m_text, MapSource::Relevancy));
    // A VQA answer's maps are already averaged over layers: the choice would change nothing.
    m_controls->layersBox()->setEnabled(m_text.imageMaps.empty());
    selectWord(-1);
}

void TokenInspector::setStreaming(const QString& textSoFar)
{
    m_text = {};
    m_tree->clear();
    m_view->setStreaming(textSoFar);
    m_layer->clearMap();
    m_layer->setVisible(false);
}

void TokenInspector::setMessage(const QString& text)
{
    m_text = {};
    m_tree->clear();
    m_view->setMessage(text);
    m_layer->clearMap();
    m_layer->setVisible(false);
}

void TokenInspector::selectWord(int word)
{
    m_view->selectWord(word);
    const int k = m_view->selectedWord();
    if (k < 0)
        m_tree->showSteps(0, 0);
    else
        m_tree->showSteps(m_view->words()[k].first, m_view->words()[k].count);
    updateMap();
}

void TokenInspector::setRelevancyOnDemand(bool onDemand)
{
    m_relevancyOnDemand = onDemand;
    m_controls->setRelevancyAvailable(onDemand || hasMaps(m_text, MapSource::Relevancy));
}

void TokenInspector::setTokenRelevancy(int token, std::vector<float> map)
{
    if (token < 0 || token >= int(m_text.tokens.size())) return;
    if (m_text.relevancy.size() < m_text.tokens.size()) m_text.relevancy.resize(m_text.tokens.size());
    m_text.relevancy[size_t(token)] = std::move(map);
    updateMap();
}

int TokenInspector::selectedWord() const
{
    return m_view->selectedWord();
}

void TokenInspector::setMapShown(bool shown)
{
    if (shown) {
        updateMap();
    } else {
        m_layer->clearMap();
        m_layer->setVisible(false);
    }
}

void TokenInspector::updateMap()
{
    const int k = m_view->selectedWord();
    std::vector<float> map;
    if (k >= 0 && m_text.grid > 0) {
        const TokenWord& w = m_view->words()[k];
        map = tokenRangeMap(m_text, w.first, w.count, m_controls->layers(), m_controls->source());
    }
    if (map.size() != size_t(m_text.grid) * size_t(m_text.grid) || map.empty()) {
        m_layer->clearMap();
        m_layer->setVisible(false);
        if (k >= 0 && m_controls->source() == MapSource::Relevancy && m_relevancyOnDemand)
            emit mapMissing(m_view->words()[k].first, m_view->words()[k].count);
        return;
    }
    const TokenWord& w = m_view->words()[k];
    m_layer->setMap(
        std::move(map), m_text.grid, m_text.grid,
        QStringLiteral("“%1” — %2").arg(w.text, mapDescription(m_controls->layers(), m_controls->source())));
    m_layer->setVisible(true);
}

} // namespace loupe::views
