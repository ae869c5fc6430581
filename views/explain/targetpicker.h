// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

class QCheckBox;
class QLineEdit;
class QListWidget;

namespace loupe::views {

// The class to explain: the model's top classes with their probabilities (from the one forward pass
// the panel keeps), or any class by name through the search box. The target follows each new image's top
// class unless pinned: a pinned class stays the target (with its probability for the new image).
class TargetPicker : public QWidget
{
    Q_OBJECT
public:
    explicit TargetPicker(QWidget* parent = nullptr);

    // All class names (index order), the probabilities and the ranking (best first) of one forward.
    void setScores(const QStringList& names, const std::vector<float>& probs, const std::vector<int>& ranking,
                   int topK = 5);
    void clear();
    int target() const { return m_target; } // -1 until scores are set
    // Selects a class (added under the top-k when it is not among them); false for an unknown one.
    bool setTarget(int index);
    bool setTargetByName(const QString& name);
    QListWidget* list() const { return m_list; }
    QLineEdit* search() const { return m_search; }
    bool isPinned() const;
    void setPinned(bool pinned);
    QCheckBox* pinBox() const { return m_pin; }

signals:
    void targetChanged(int index);

private:
    void addRow(int index);

    QStringList m_names;
    std::vector<float> m_probs;
    int m_target = -1;
    int m_pinned = -1; // the pinned class, kept across clear(); -1 when not pinned
    QListWidget* m_list = nullptr;
    QLineEdit* m_search = nullptr;
    QCheckBox* m_pin = nullptr;
};

} // namespace loupe::views
