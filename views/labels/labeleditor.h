// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QDialog>
#include <QKeySequence>
#include <QPointer>
#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace loupe::annotation {
class AnnotationDocument;
class EditCommand;
} // namespace loupe::annotation

namespace loupe::views {

class AttributeSpecTable;

// The project's labels, editable: add, rename, recolour, merge (shapes go to the target) and delete
// (asks: delete the shapes or move them to another label), the hotkey (1-9, or a key no
// window action uses), keypoint names and
// skeleton for keypoint labels, and attribute specs (checkbox, choice, text, number with range).
// Every change is one command on the document's undo stack, so Edit > Undo takes it back and it
// outlives closing the project. The public edit functions are what the buttons call after asking;
// they return false, with the reason in error(), when the edit is refused.
class LabelEditor : public QDialog
{
    Q_OBJECT
public:
    explicit LabelEditor(annotation::AnnotationDocument* doc, QWidget* parent = nullptr);

    // Says whether a window-wide action already has a key; without one, label keys are 1-9 only.
    void setKeyCheck(std::function<bool(const QKeySequence&)> taken) { m_keyTaken = std::move(taken); }

    qint64 currentLabel() const;
    void setCurrentLabel(qint64 labelId);
    QString error() const { return m_lastError; }

    // Returns the new label's id, or 0.
    qint64 addLabel(const QString& name, const QColor& color = {});
    bool renameLabel(qint64 labelId, const QString& name);
    bool recolorLabel(qint64 labelId, const QColor& color);
    bool setHotkey(qint64 labelId, const QString& key);
    bool mergeLabel(qint64 fromId, qint64 intoId);
    // moveShapesTo 0: the label's shapes are deleted with it.
    bool deleteLabel(qint64 labelId, qint64 moveShapesTo);
    // names: one per keypoint in drawing order; skeleton: "a-b" pairs of names or 1-based numbers,
    // separated by commas.
    bool setKeypoints(qint64 labelId, const QStringList& names, const QString& skeleton);
    bool setAttributeSpecs(qint64 labelId, const std::vector<annotation::AttributeSpec>& specs);

    QListWidget* list() const { return m_list; }
    AttributeSpecTable* attributeTable() const { return m_specs; }

private:
    void rebuild();
    void showLabel();
    bool refuse(const QString& why);
    bool push(annotation::EditCommand* command);
    bool nameProblem(const QString& name, qint64 exceptId, QString* why) const;
    void askAdd();
    void askRename();
    void askColor();
    void askMerge();
    void askDelete();
    void applyDetails();

    QPointer<annotation::AnnotationDocument> m_doc;
    QListWidget* m_list;
    QLineEdit* m_hotkey;
    QLineEdit* m_keypoints;
    QLineEdit* m_skeleton;
    AttributeSpecTable* m_specs;
    QLabel* m_message;
    QString m_lastError;
    bool m_rebuilding = false;
    std::function<bool(const QKeySequence&)> m_keyTaken;
};

} // namespace loupe::views
