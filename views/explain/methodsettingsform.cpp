// SPDX-License-Identifier: MIT
#include "views/explain/methodsettingsform.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <algorithm>
#include <climits>
#include <cmath>

namespace loupe::views {

namespace {

enum class Kind { Whole, Number, Flag, Text };

Kind kindOf(const QVariant& defaultValue)
{
    switch (defaultValue.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return Kind::Whole;
    case QMetaType::Double:
    case QMetaType::Float:
        return Kind::Number;
    case QMetaType::Bool:
        return Kind::Flag;
    default:
        return Kind::Text;
    }
}

// Settings declare a default and no range: any value the type holds is offered and the plugin, which
// knows its limits, says what it refuses when it runs.
QWidget* makeEditor(const core::ExplainMethodSetting& s, QWidget* parent)
{
    switch (kindOf(s.defaultValue)) {
    case Kind::Whole: {
        auto* box = new QSpinBox(parent);
        box->setRange(INT_MIN, INT_MAX);
        return box;
    }
    case Kind::Number: {
        auto* box = new QDoubleSpinBox(parent);
        box->setRange(-1e9, 1e9);
        // A step of the default's order of magnitude (0.15 moves by 0.1, 200 by 100), and digits enough
        // that a small default (1e-5) is not shown, and run, as 0.
        const double d = std::abs(s.defaultValue.toDouble());
        const int magnitude = d > 0 ? int(std::floor(std::log10(d))) : -1;
        box->setDecimals(std::clamp(3 - magnitude, 4, 12));
        box->setSingleStep(std::pow(10.0, magnitude));
        return box;
    }
    case Kind::Flag:
        return new QCheckBox(parent);
    case Kind::Text:
        break;
    }
    return new QLineEdit(parent);
}

} // namespace

MethodSettingsForm::MethodSettingsForm(const std::vector<core::ExplainMethodSetting>& settings,
                                       QWidget* parent)
    : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const core::ExplainMethodSetting& s : settings) {
        QWidget* editor = makeEditor(s, this);
        editor->setObjectName(QStringLiteral("setting:") + s.key);
        editor->setToolTip(s.description);
        auto* label = new QLabel(s.key, this);
        label->setTextFormat(Qt::PlainText); // keys come from a plugin
        label->setToolTip(s.description);
        label->setBuddy(editor);
        form->addRow(label, editor);
        m_rows.push_back({s, editor});
        if (auto* b = qobject_cast<QSpinBox*>(editor))
            connect(b, &QSpinBox::valueChanged, this, &MethodSettingsForm::changed);
        else if (auto* b = qobject_cast<QDoubleSpinBox*>(editor))
            connect(b, &QDoubleSpinBox::valueChanged, this, &MethodSettingsForm::changed);
        else if (auto* b = qobject_cast<QCheckBox*>(editor))
            connect(b, &QCheckBox::toggled, this, &MethodSettingsForm::changed);
        else if (auto* e = qobject_cast<QLineEdit*>(editor))
            connect(e, &QLineEdit::textChanged, this, &MethodSettingsForm::changed);
    }
    setValues({});
}

QVariantMap MethodSettingsForm::values() const
{
    QVariantMap out;
    for (const Row& r : m_rows) {
        QVariant v;
        if (auto* b = qobject_cast<QSpinBox*>(r.editor))
            v = b->value();
        else if (auto* b = qobject_cast<QDoubleSpinBox*>(r.editor))
            v = b->value();
        else if (auto* b = qobject_cast<QCheckBox*>(r.editor))
            v = b->isChecked();
        else if (auto* e = qobject_cast<QLineEdit*>(r.editor))
            v = e->text();
        // Back in the default's type, so the map equals what `loupe explain --set` parses.
        v.convert(r.setting.defaultValue.metaType());
        out.insert(r.setting.key, v);
    }
    return out;
}

void MethodSettingsForm::setValues(const QVariantMap& values)
{
    const QSignalBlocker block(this);
    for (const Row& r : m_rows) {
        const QVariant v = values.value(r.setting.key, r.setting.defaultValue);
        if (auto* b = qobject_cast<QSpinBox*>(r.editor))
            b->setValue(int(std::clamp<qlonglong>(v.toLongLong(), INT_MIN, INT_MAX)));
        else if (auto* b = qobject_cast<QDoubleSpinBox*>(r.editor))
            b->setValue(v.toDouble());
        else if (auto* b = qobject_cast<QCheckBox*>(r.editor))
            b->setChecked(v.toBool());
        else if (auto* e = qobject_cast<QLineEdit*>(r.editor))
            e->setText(v.toString());
    }
}

QWidget* MethodSettingsForm::editor(const QString& key) const
{
    for (const Row& r : m_rows)
        if (r.setting.key == key) return r.editor;
    return nullptr;
}

} // namespace loupe::views
