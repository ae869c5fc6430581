// SPDX-License-Identifier: MIT
#include "views/text/decodingform.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QSpinBox>

namespace loupe::views {

DecodingForm::DecodingForm(QWidget* parent) : QWidget(parent)
{
    m_maxNew = new QSpinBox(this);
    m_maxNew->setObjectName(QStringLiteral("maxNewTokens"));
    m_maxNew->setRange(0, 512);
    m_maxNew->setSpecialValueText(tr("new tokens: model"));
    m_maxNew->setPrefix(tr("new tokens "));
    m_beams = new QSpinBox(this);
    m_beams->setObjectName(QStringLiteral("beams"));
    m_beams->setRange(0, 16);
    m_beams->setSpecialValueText(tr("beams: model"));
    m_beams->setPrefix(tr("beams "));
    m_beams->setToolTip(tr("Beam search streams nothing: the best beam is known only at the end"));
    m_sample = new QCheckBox(tr("Sample"), this);
    m_sample->setObjectName(QStringLiteral("sample"));
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.05, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(1.0);
    m_temperature->setPrefix(tr("T "));
    m_topK = new QSpinBox(this);
    m_topK->setRange(0, 1000);
    m_topK->setValue(50);
    m_topK->setPrefix(tr("top-k "));
    m_topP = new QDoubleSpinBox(this);
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(1.0);
    m_topP->setPrefix(tr("top-p "));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1 << 30);
    m_seed->setPrefix(tr("seed "));

    // Three short rows: the dock shares a laptop window's right column with the other panels.
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_maxNew, 0, 0);
    grid->addWidget(m_beams, 0, 1);
    grid->addWidget(m_sample, 0, 2);
    grid->addWidget(m_temperature, 1, 0);
    grid->addWidget(m_topK, 1, 1);
    grid->addWidget(m_topP, 1, 2);
    grid->addWidget(m_seed, 2, 0);
    auto syncSampling = [this] {
        for (QWidget* w : {static_cast<QWidget*>(m_temperature), static_cast<QWidget*>(m_topK),
                           static_cast<QWidget*>(m_topP), static_cast<QWidget*>(m_seed)})
            w->setEnabled(m_sample->isChecked());
    };
    syncSampling();
    connect(m_sample, &QCheckBox::toggled, this, syncSampling);
    for (QSpinBox* s : {m_maxNew, m_beams, m_topK, m_seed})
        connect(s, &QSpinBox::valueChanged, this, &DecodingForm::changed);
    for (QDoubleSpinBox* s : {m_temperature, m_topP})
        connect(s, &QDoubleSpinBox::valueChanged, this, &DecodingForm::changed);
    connect(m_sample, &QCheckBox::toggled, this, &DecodingForm::changed);
}

DecodingChoices DecodingForm::choices() const
{
    DecodingChoices c;
    c.maxNewTokens = m_maxNew->value();
    c.beams = m_beams->value();
    c.sample = m_sample->isChecked();
    c.temperature = m_temperature->value();
    c.topK = m_topK->value();
    c.topP = m_topP->value();
    c.seed = m_seed->value();
    return c;
}

compute::generate::GenerationConfig DecodingChoices::apply(compute::generate::GenerationConfig base) const
{
    if (maxNewTokens > 0) base.maxNewTokens = maxNewTokens;
    if (beams > 0) base.numBeams = beams;
    if (sample) {
        base.doSample = true;
        base.temperature = temperature;
        base.topK = topK;
        base.topP = topP;
        base.seed = uint64_t(seed);
    }
    return base;
}

QString DecodingChoices::key() const
{
    return QStringLiteral("%1/%2/%3/%4/%5/%6/%7")
        .arg(maxNewTokens)
        .arg(beams)
        .arg(sample)
        .arg(temperature)
        .arg(topK)
        .arg(topP)
        .arg(seed);
}

} // namespace loupe::views
