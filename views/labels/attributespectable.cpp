// SPDX-License-Identifier: MIT
#include "views/labels/attributespectable.h"

#include <QComboBox>
#include <QHeaderView>

namespace loupe::views {

using annotation::AttributeSpec;

namespace {

const std::pair<AttributeSpec::Type, const char*> kTypes[] = {
    {AttributeSpec::Type::Bool, QT_TRANSLATE_NOOP("AttributeSpecTable", "Checkbox")},
    {AttributeSpec::Type::Choice, QT_TRANSLATE_NOOP("AttributeSpecTable", "Choice")},
    {AttributeSpec::Type::Text, QT_TRANSLATE_NOOP("AttributeSpecTable", "Text")},
    {AttributeSpec::Type::Number, QT_TRANSLATE_NOOP("AttributeSpecTable", "Number")},
};

QString numberText(const std::optional<double>& v)
{
    return v ? QString::number(*v) : QString();
}

} // namespace

AttributeSpecTable::AttributeSpecTable(QWidget* parent) : QTableWidget(0, 5, parent)
{
    setObjectName(QStringLiteral("attributeSpecs"));
    setHorizontalHeaderLabels({tr("Attribute"), tr("Type"), tr("Options"), tr("Min"), tr("Max")});
    horizontalHeader()->setSectionResizeMode(OptionsColumn, QHeaderView::Stretch);
    verticalHeader()->hide();
}

void AttributeSpecTable::addRow(const AttributeSpec& spec)
{
    const int row = rowCount();
    insertRow(row);
    setItem(row, NameColumn, new QTableWidgetItem(spec.name));
    auto* type = new QComboBox(this);
    for (const auto& [t, name] : kTypes)
        type->addItem(tr(name), int(t));
    type->setCurrentIndex(type->findData(int(spec.type)));
    setCellWidget(row, TypeColumn, type);
    setItem(row, OptionsColumn, new QTableWidgetItem(spec.choices.join(QStringLiteral(", "))));
    setItem(row, MinColumn, new QTableWidgetItem(numberText(spec.minimum)));
    setItem(row, MaxColumn, new QTableWidgetItem(numberText(spec.maximum)));
}

void AttributeSpecTable::setSpecs(const std::vector<AttributeSpec>& specs)
{
    setRowCount(0);
    for (const AttributeSpec& s : specs)
        addRow(s);
}

std::optional<std::vector<AttributeSpec>> AttributeSpecTable::specs(QString* error) const
{
    std::vector<AttributeSpec> out;
    QStringList names;
    auto text = [this](int row, int column) {
        return item(row, column) ? item(row, column)->text().trimmed() : QString();
    };
    for (int row = 0; row < rowCount(); ++row) {
        AttributeSpec s;
        s.name = text(row, NameColumn);
        if (s.name.isEmpty()) {
            *error = tr("Row %1: the attribute needs a name").arg(row + 1);
            return std::nullopt;
        }
        if (names.contains(s.name)) {
            *error = tr("Row %1: \"%2\" is there twice").arg(row + 1).arg(s.name);
            return std::nullopt;
        }
        names << s.name;
        s.type =
            AttributeSpec::Type(static_cast<QComboBox*>(cellWidget(row, TypeColumn))->currentData().toInt());
        if (s.type == AttributeSpec::Type::Choice) {
            for (const QString& c : text(row, OptionsColumn).split(QLatin1Char(',')))
                if (!c.trimmed().isEmpty() && !s.choices.contains(c.trimmed())) s.choices << c.trimmed();
            if (s.choices.isEmpty()) {
                *error = tr("Row %1: a choice needs options, separated by commas").arg(row + 1);
                return std::nullopt;
            }
        }
        if (s.type == AttributeSpec::Type::Number) {
            for (const auto& [column, target] :
                 {std::pair{int(MinColumn), &s.minimum}, std::pair{int(MaxColumn), &s.maximum}}) {
                const QString t = text(row, column);
                if (t.isEmpty()) continue;
                bool ok = false;
                const double v = t.toDouble(&ok);
                if (!ok) {
                    *error = tr("Row %1: \"%2\" is not a number").arg(row + 1).arg(t);
                    return std::nullopt;
                }
                *target = v;
            }
            if (s.minimum && s.maximum && *s.minimum > *s.maximum) {
                *error = tr("Row %1: the minimum is above the maximum").arg(row + 1);
                return std::nullopt;
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace loupe::views
