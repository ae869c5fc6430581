// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/attributes.h"

#include <QTableWidget>

namespace loupe::views {

// A label's attribute specs as an editable table: name, type (checkbox, choice, text, number),
// options (choices, comma-separated), minimum and maximum (numbers). specs() reads it back and says
// what is wrong with a row instead of guessing.
class AttributeSpecTable : public QTableWidget
{
    Q_OBJECT
public:
    explicit AttributeSpecTable(QWidget* parent = nullptr);

    void setSpecs(const std::vector<annotation::AttributeSpec>& specs);
    // nullopt with *error naming the row and the problem.
    std::optional<std::vector<annotation::AttributeSpec>> specs(QString* error) const;
    void addRow(const annotation::AttributeSpec& spec = {});

private:
    enum Column { NameColumn, TypeColumn, OptionsColumn, MinColumn, MaxColumn };
};

} // namespace loupe::views
