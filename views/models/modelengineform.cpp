// SPDX-License-Identifier: MIT
#include "views/models/modelengineform.h"

#include "core/inference/execution.h"
#include "core/models/engine_choice.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace loupe::views {

namespace {

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString backendLabel(const QString& name)
{
    if (name == QLatin1String("auto")) return QObject::tr("Auto (best device found)");
    if (name == QLatin1String("cpu")) return QObject::tr("CPU");
    if (name == QLatin1String("vulkan")) return QObject::tr("Vulkan GPU");
    if (name == QLatin1String("cuda")) return QObject::tr("CUDA GPU");
    return name;
}

QString precisionLabel(const QString& name)
{
    if (name == QLatin1String("default")) return QObject::tr("Default (as saved)");
    return name;
}

} // namespace

ModelEngineForm::ModelEngineForm(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("modelBackendBox"));
    // Only what exists here, plus auto: a choice that cannot run would only fall back.
    for (const QString& b : core::availableBackendChoices())
        m_backend->addItem(backendLabel(b), b);
    m_precision = new QComboBox(this);
    m_precision->setObjectName(QStringLiteral("modelPrecisionBox"));
    for (const QString& p : core::precisionChoices())
        m_precision->addItem(precisionLabel(p), p);
    m_precision->setToolTip(tr("bf16, f16 and int8 run faster or smaller and cost some accuracy; "
                               "explanations made below f32 are marked as such."));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("modelEngineNote"));
    m_note->setWordWrap(true);
    layout->addRow(tr("Run on:"), m_backend);
    layout->addRow(tr("Precision:"), m_precision);
    layout->addRow(m_note);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &ModelEngineForm::store);
    connect(m_precision, &QComboBox::currentIndexChanged, this, &ModelEngineForm::store);
    setFolder({});
}

void ModelEngineForm::setFolder(const QString& folder)
{
    m_folder = folder;
    const compute::EngineOptions o = core::modelEngineOptions(folder);
    {
        const QSignalBlocker b1(m_backend), b2(m_precision);
        int b = m_backend->findData(text(compute::backendChoiceName(o.backend)));
        // A stored backend this machine lacks shows as auto, which is what it would fall back to.
        m_backend->setCurrentIndex(b >= 0 ? b : 0);
        m_precision->setCurrentIndex(
            std::max(0, m_precision->findData(text(compute::precisionName(o.precision)))));
    }
    m_backend->setEnabled(!folder.isEmpty());
    m_precision->setEnabled(!folder.isEmpty());
    updateNote();
}

QString ModelEngineForm::note() const
{
    return m_note->text();
}

void ModelEngineForm::store()
{
    if (m_folder.isEmpty()) return;
    compute::EngineOptions o;
    o.backend = compute::parseBackendChoice(m_backend->currentData().toString().toStdString())
                    .value_or(compute::BackendChoice::Auto);
    o.precision = compute::parsePrecision(m_precision->currentData().toString().toStdString())
                      .value_or(compute::Precision::Default);
    core::setModelEngineOptions(m_folder, o);
    updateNote();
    emit engineOptionsChanged(m_folder);
}

void ModelEngineForm::updateNote()
{
    if (m_folder.isEmpty()) {
        m_note->setText(tr("Select a model to choose where it runs."));
        return;
    }
    const compute::ExecutionRecord planned = core::plannedExecution(core::modelEngineOptions(m_folder));
    QString line = tr("Runs on %1 (%2). Applies the next time the model is opened.")
                       .arg(QString::fromStdString(planned.device), QString::fromStdString(planned.backend));
    if (!planned.fallbackReason.empty())
        line += QLatin1Char('\n') + QString::fromStdString(planned.fallbackReason);
    m_note->setText(line);
}

} // namespace loupe::views
