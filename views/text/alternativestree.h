// SPDX-License-Identifier: MIT
#pragma once

#include "views/text/generatedtext.h"

#include <QTreeWidget>

namespace loupe::views {

// What the decoder almost said: one row per generated token (its text and probability), under it the
// step's top-k alternatives with theirs. Double-clicking an alternative asks for a branch: the text
// regenerated from that step with that token instead.
class AlternativesTree : public QTreeWidget
{
    Q_OBJECT
public:
    explicit AlternativesTree(QWidget* parent = nullptr);

    void setPieces(const std::vector<TokenPiece>& pieces);
    // Expands and selects the steps of a word (first..first+count-1); count 0 collapses all.
    void showSteps(int first, int count);
    // The alternative row of `token` under `step`, for tests and keyboard use; nullptr if absent.
    QTreeWidgetItem* alternativeItem(int step, int64_t token) const;

signals:
    void branchRequested(int step, qint64 token);
};

} // namespace loupe::views
