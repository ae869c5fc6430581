// SPDX-License-Identifier: MIT
#include "views/text/alternativestree.h"

#include <QHeaderView>

namespace loupe::views {

namespace {
constexpr int kStepRole = Qt::UserRole;
constexpr int kTokenRole = Qt::UserRole + 1;

QString shown(const QString& text)
{
    // Leading spaces matter (" on" and "on" are different tokens): show them as a visible dot.
    QString t = text;
    t.replace(QLatin1Char(' '), QChar(0x00B7));
    return t.isEmpty() ? QStringLiteral("∅") : t;
}
} // namespace

AlternativesTree::AlternativesTree(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("alternativesTree"));
    setColumnCount(2);
    setHeaderLabels({tr("Token"), tr("p")});
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    setToolTip(tr("Double-click an alternative to regenerate the rest from there"));
    connect(this, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        if (!item || !item->parent()) return; // a step row, not an alternative
        const int step = item->data(0, kStepRole).toInt();
        const qint64 token = item->data(0, kTokenRole).toLongLong();
        const qint64 chosen = item->parent()->data(0, kTokenRole).toLongLong();
        if (token != chosen) emit branchRequested(step, token);
    });
}

void AlternativesTree::setPieces(const std::vector<TokenPiece>& pieces)
{
    clear();
    for (int s = 0; s < int(pieces.size()); ++s) {
        const TokenPiece& p = pieces[size_t(s)];
        auto* step = new QTreeWidgetItem(this, {QStringLiteral("%1  %2").arg(s + 1).arg(shown(p.text)),
                                                QString::number(double(p.probability), 'f', 3)});
        step->setData(0, kStepRole, s);
        step->setData(0, kTokenRole, qint64(p.id));
        for (const TokenAlternative& a : p.alternatives) {
            auto* alt =
                new QTreeWidgetItem(step, {shown(a.text), QString::number(double(a.probability), 'f', 3)});
            alt->setData(0, kStepRole, s);
            alt->setData(0, kTokenRole, qint64(a.id));
            if (a.id == p.id) {
                QFont f = alt->font(0);
                f.setBold(true);
                alt->setFont(0, f);
                alt->setToolTip(0, tr("The token taken"));
            }
        }
    }
}

void AlternativesTree::showSteps(int first, int count)
{
    collapseAll();
    clearSelection();
    for (int s = first; s < first + count && s < topLevelItemCount(); ++s) {
        QTreeWidgetItem* item = topLevelItem(s);
        item->setExpanded(true);
        item->setSelected(true);
        if (s == first) scrollToItem(item, QAbstractItemView::PositionAtTop);
    }
}

QTreeWidgetItem* AlternativesTree::alternativeItem(int step, int64_t token) const
{
    if (step < 0 || step >= topLevelItemCount()) return nullptr;
    QTreeWidgetItem* s = topLevelItem(step);
    for (int i = 0; i < s->childCount(); ++i)
        if (s->child(i)->data(0, kTokenRole).toLongLong() == token) return s->child(i);
    return nullptr;
}

} // namespace loupe::views
