// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace loupe::views {

class ShapeScene;

// The labels of the project as a dock's content: colour, name, hotkey, and hide / lock toggles per
// label, with a filter box. Clicking a label makes it the label for new shapes; double-clicking (or its
// hotkey, 1-9) also gives it to the selected shapes.
class LabelPalette : public QWidget
{
    Q_OBJECT
public:
    explicit LabelPalette(ShapeScene* scene, QWidget* parent = nullptr);

    // Hotkeys by label id ("1".."9" or another key); labels without one get the next free digit in
    // list order.
    void setHotkeys(const QHash<qint64, QString>& hotkeys);
    QString hotkeyOf(qint64 labelId) const { return m_effectiveKeys.value(labelId); }
    // Every label's key in effect, by label id.
    const QHash<qint64, QString>& hotkeys() const { return m_effectiveKeys; }
    // Picks the label bound to key ("1".."9"); relabels the selection too. False when none is bound.
    bool pickByHotkey(const QString& key);
    // Makes labelId current and gives it to the selected shapes.
    void pick(qint64 labelId, bool relabelSelection);

    QLineEdit* filterEdit() const { return m_filter; }

signals:
    // The "Edit Labels…" button: the window opens the label editor.
    void editLabelsRequested();

public:
    QTreeWidget* tree() const { return m_tree; }

private:
    enum Column { NameColumn, KeyColumn, HideColumn, LockColumn };
    void rebuild();
    void applyFilter();
    void syncCurrent();
    void onItemChanged(QTreeWidgetItem* item, int column);

    QPointer<ShapeScene> m_scene;
    QLineEdit* m_filter = nullptr;
    QTreeWidget* m_tree = nullptr;
    QHash<qint64, QString> m_hotkeys;
    QHash<qint64, QString> m_effectiveKeys;
    bool m_rebuilding = false;
};

} // namespace loupe::views
