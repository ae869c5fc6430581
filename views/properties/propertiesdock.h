// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QDockWidget>
#include <QPointer>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QWidget;

namespace loupe::views {

class ShapeScene;

// What is selected, editable: the shapes' label, their attributes (one editor per attribute spec of
// the label: checkbox, choice, text, number within its range), review state and review comment, and
// the image's tags. Every edit is one undo command on the document's stack and applies to every
// selected shape; a field whose value differs between the selected shapes shows empty (or partly
// checked) until it is set.
class PropertiesDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit PropertiesDock(ShapeScene* scene, QWidget* parent = nullptr);

    // Rebuilds from the scene: the selection, the document's shapes, labels and the image's tags.
    void refresh();
    // The editor of one attribute (object name "attr:<name>"), for tests and accessibility.
    QWidget* attributeEditor(const QString& name) const;

private:
    void buildAttributes(const std::vector<annotation::Shape>& shapes);
    std::vector<annotation::Shape> selectedShapes() const;
    void setAttribute(const QString& key, const QJsonValue& value, int session);
    void scheduleRefresh();

    QPointer<ShapeScene> m_scene;
    QLabel* m_summary;
    QComboBox* m_label;
    QComboBox* m_review;
    QLineEdit* m_comment;
    QWidget* m_attributesBox;
    QFormLayout* m_attributes;
    QLineEdit* m_tags;
    bool m_refreshing = false;
    bool m_pending = false;
    int m_session = 0;
};

} // namespace loupe::views
