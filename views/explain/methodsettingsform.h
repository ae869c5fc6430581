// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_method_registry.h"

#include <QVariantMap>
#include <QWidget>
#include <vector>

namespace loupe::views {

// The controls of a plugin method's own settings, one row per declared setting, the control chosen by
// the default's type: whole number → spin box, number → double spin box, true/false → check box,
// text → line edit. Each control is named "setting:KEY" and carries the description as its tooltip.
class MethodSettingsForm : public QWidget
{
    Q_OBJECT
public:
    MethodSettingsForm(const std::vector<core::ExplainMethodSetting>& settings, QWidget* parent = nullptr);

    // Every setting, by key, in its default's type.
    QVariantMap values() const;
    // Keys not given go back to their defaults; unknown keys are ignored. Emits nothing.
    void setValues(const QVariantMap& values);
    QWidget* editor(const QString& key) const;

signals:
    void changed();

private:
    struct Row
    {
        core::ExplainMethodSetting setting;
        QWidget* editor = nullptr;
    };
    std::vector<Row> m_rows;
};

} // namespace loupe::views
