// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;
class QStackedWidget;

namespace loupe::views {

class MethodSettingsForm;

// The method picker of the Explain panel and the settings of each method, one page per method. Ranges
// follow the model (layers, heads). Emits changed() for every edit so attention maps can follow live.
class MethodForm : public QWidget
{
    Q_OBJECT
public:
    explicit MethodForm(QWidget* parent = nullptr);

    // The methods offered (their ids), in menu order (only those the engine implements), then the ones
    // plugins registered; the menu shows methodDisplayName() of each, a plugin method's own title.
    static QStringList methods();

    void setModelShape(int layers, int heads);
    core::ExplainParams params() const;
    void setParams(const core::ExplainParams& params); // emits changed() once
    QString method() const;
    void setMethod(const QString& method);
    // The token whose attention row/column attention and rollout show (0 = CLS); `text` names it.
    void setToken(int token, const QString& text);

    QComboBox* methodBox() const { return m_method; }
    QSlider* discardSlider() const { return m_discard; }
    QSpinBox* layerBox() const { return m_layer; }
    QSpinBox* headBox() const { return m_head; }
    // The controls of a plugin method's own settings; null for a built-in method or one without settings.
    MethodSettingsForm* settingsForm(const QString& method) const { return m_settings.value(method); }

signals:
    void changed();

private:
    QWidget* attentionPage();
    QWidget* rolloutPage();
    QWidget* igPage();
    QWidget* occlusionPage();
    QWidget* risePage();
    QWidget* gradCamPage(int which, const QString& note);
    QWidget* notePage(const QString& text);
    QWidget* addedMethodPage(const core::ExplainMethodEntry& entry);
    void syncPage();
    void emitChanged();

    bool m_quiet = false;
    int m_token = 0;
    QComboBox* m_method = nullptr;
    QStackedWidget* m_pages = nullptr;
    QWidget* m_tokenRow = nullptr;
    QLabel* m_tokenLabel = nullptr;
    QComboBox* m_direction = nullptr;
    QSpinBox* m_layer = nullptr;
    QSpinBox* m_head = nullptr;
    QComboBox* m_fusion = nullptr;
    QSlider* m_discard = nullptr;
    QLabel* m_discardLabel = nullptr;
    QSpinBox* m_startLayer = nullptr;
    QSpinBox* m_igSteps = nullptr;
    QSpinBox* m_window = nullptr;
    QSpinBox* m_stride = nullptr;
    QSpinBox* m_masks = nullptr;
    QSpinBox* m_cells = nullptr;
    QDoubleSpinBox* m_riseP = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_camBlock[2] = {nullptr, nullptr};   // Grad-CAM: LayerNorm output, attention
    QHash<QString, MethodSettingsForm*> m_settings; // plugin methods' own settings, by method
};

} // namespace loupe::views
