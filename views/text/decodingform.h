// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generation_config.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QSpinBox;

namespace loupe::views {

// The decoding choices as plain values, read on the GUI thread and applied on a worker to the settings
// the checkpoint gives. Zero counts keep the checkpoint's value.
struct DecodingChoices
{
    int maxNewTokens = 0;
    int beams = 0;
    bool sample = false;
    double temperature = 1.0;
    int topK = 50;
    double topP = 1.0;
    int seed = 0;

    compute::generate::GenerationConfig apply(compute::generate::GenerationConfig base) const;
    // A stable text of the choices, to tell whether an opened model must be reopened.
    QString key() const;
};

// The decoding settings a panel offers over the checkpoint's generation_config.json: new tokens, beams
// and sampling (temperature, top-k, top-p, seed). Fields left at "model" keep the checkpoint's value.
class DecodingForm : public QWidget
{
    Q_OBJECT
public:
    explicit DecodingForm(QWidget* parent = nullptr);

    DecodingChoices choices() const;

    QSpinBox* maxNewTokens() const { return m_maxNew; }
    QSpinBox* beams() const { return m_beams; }
    QCheckBox* sample() const { return m_sample; }

signals:
    void changed();

private:
    QSpinBox* m_maxNew = nullptr;
    QSpinBox* m_beams = nullptr;
    QCheckBox* m_sample = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QSpinBox* m_topK = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QSpinBox* m_seed = nullptr;
};

} // namespace loupe::views
