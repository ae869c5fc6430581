// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;

namespace loupe::views {

class SamTool;

// The SAM tool's options, for a toolbar: the polygon simplification tolerance in image pixels and
// what Enter adds (a polygon or a mask). Two-way: [ ] on the canvas move the spin box too.
class SamOptionsBar : public QWidget
{
    Q_OBJECT
public:
    explicit SamOptionsBar(SamTool* tool, QWidget* parent = nullptr);

private:
    void sync();

    SamTool* m_tool;
    QDoubleSpinBox* m_tolerance = nullptr;
    QComboBox* m_output = nullptr;
};

} // namespace loupe::views
