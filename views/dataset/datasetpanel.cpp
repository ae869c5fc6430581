// SPDX-License-Identifier: MIT
#include "views/dataset/datasetpanel.h"

#include "views/dataset/datasetmodel.h"
#include "views/dataset/thumbnaildelegate.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QTimer>
#include <QToolButton>

namespace loupe::views {

namespace {
// The review combo's data for its "Shapes: ..." entries, followed by the state's number.
constexpr const char* kShapeStatePrefix = "shapes:";

QComboBox* makeCombo(QWidget* parent, const QString& anyText, const QString& name)
{
    auto* c = new QComboBox(parent);
    c->setObjectName(name);
    c->addItem(anyText, QVariant());
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return c;
}
} // namespace

DatasetPanel::DatasetPanel(QWidget* parent)
    : QWidget(parent), m_search(new QLineEdit(this)), m_captionSearch(new QLineEdit(this)),
      m_label(makeCombo(this, tr("Any label"), QStringLiteral("labelFilter"))),
      m_split(makeCombo(this, tr("Any split"), QStringLiteral("splitFilter"))),
      m_review(makeCombo(this, tr("Any review"), QStringLiteral("reviewFilter"))),
      m_progress(makeCombo(this, tr("Any progress"), QStringLiteral("progressFilter"))),
      m_gridButton(new QToolButton(this)), m_view(new QListView(this)), m_count(new QLabel(this)),
      m_filterDelay(new QTimer(this))
{
    m_progress->addItem(tr("Done"), QStringLiteral("done"));
    m_progress->addItem(tr("Not done"), QStringLiteral("not-done"));
    m_progress->addItem(tr("Has needs-fix"), QStringLiteral("needs-fix"));
    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setPlaceholderText(tr("Filter by path…"));
    m_search->setClearButtonEnabled(true);
    m_captionSearch->setObjectName(QStringLiteral("captionSearchField"));
    m_captionSearch->setPlaceholderText(tr("Filter by caption…"));
    m_captionSearch->setClearButtonEnabled(true);
    // The button names the layout it switches to: a checkable "Grid" that was already down turned the
    // grid into a list when clicked.
    m_gridButton->setObjectName(QStringLiteral("layoutButton"));
    m_count->setObjectName(QStringLiteral("assetCount"));
    m_view->setObjectName(QStringLiteral("datasetView"));
    // Uniform sizes and batched layout keep QListView from measuring every row of a huge model.
    m_view->setUniformItemSizes(true);
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(500);
    // Several images can be selected for a batch; the current one is the one shown.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_delegate = new ThumbnailDelegate(m_view);
    m_view->setItemDelegate(m_delegate);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_search, 0, 0, 1, 3);
    layout->addWidget(m_gridButton, 0, 3);
    layout->addWidget(m_captionSearch, 1, 0, 1, 4);
    layout->addWidget(m_label, 2, 0);
    layout->addWidget(m_split, 2, 1);
    layout->addWidget(m_review, 2, 2);
    layout->addWidget(m_progress, 2, 3);
    layout->addWidget(m_view, 3, 0, 1, 4);
    layout->addWidget(m_count, 4, 0, 1, 4);

    // Typing refilters after a short pause, not on every key.
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(200);
    connect(m_filterDelay, &QTimer::timeout, this, &DatasetPanel::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_captionSearch, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    for (QComboBox* c : {m_label, m_split, m_review, m_progress})
        connect(c, &QComboBox::currentIndexChanged, this, &DatasetPanel::applyFilter);
    connect(m_gridButton, &QToolButton::clicked, this, [this] { setGridMode(!m_grid); });
    connect(m_view, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        if (!m_model) return;
        QMenu menu(this);
        const int n = int(selectedAssetIds().size());
        QAction* caption =
            menu.addAction(tr("Caption Selection…"), this, &DatasetPanel::captionSelectionRequested);
        QAction* match = menu.addAction(tr("Match Selection…"), this, &DatasetPanel::matchSelectionRequested);
        caption->setEnabled(n > 0);
        match->setEnabled(n > 0);
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    setGridMode(true);
    updateCount();
}

void DatasetPanel::setModel(DatasetModel* model)
{
    if (m_model) disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_view->setModel(model);
    if (model) {
        connect(model, &DatasetModel::countChanged, this, &DatasetPanel::updateCount);
        connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this](const QModelIndex& current) {
                    if (m_restoring) return;
                    m_keepAsset = -1; // a choice of the user's wins over a pending restore
                    if (current.isValid()) emit assetActivated(current.row());
                });
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
            const QModelIndex current = m_view->currentIndex();
            if (current.isValid() && m_model->rowAt(current.row())) {
                m_keepAsset = m_model->rowAt(current.row())->id;
                m_keepRow = current.row();
            }
        });
        connect(model, &DatasetModel::countChanged, this, [this] {
            // Ask for the page the image was on (the view only asks for what it shows).
            if (m_keepAsset >= 0 && m_keepRow < m_model->rowCount())
                m_model->data(m_model->index(m_keepRow), DatasetModel::AssetIdRole);
            restoreCurrent(-1);
        });
        connect(model, &DatasetModel::pageLoaded, this, &DatasetPanel::restoreCurrent);
        setGridMode(m_grid);
    }
    updateCount();
}

void DatasetPanel::setGridMode(bool grid)
{
    m_grid = grid;
    m_delegate->setGrid(grid);
    const int side = m_model ? m_model->thumbnailSize() : 112;
    if (grid) {
        m_view->setViewMode(QListView::ListMode); // ListMode + wrapping = a grid laid out in batches
        m_view->setFlow(QListView::LeftToRight);
        m_view->setWrapping(true);
        m_view->setResizeMode(QListView::Adjust);
        m_view->setIconSize(QSize(side, side * 3 / 4));
        m_view->setGridSize(QSize(side + 12, side * 3 / 4 + fontMetrics().height() + 14));
        m_view->setWordWrap(false);
        m_view->setTextElideMode(Qt::ElideMiddle);
    } else {
        m_view->setFlow(QListView::TopToBottom);
        m_view->setWrapping(false);
        m_view->setGridSize(QSize());
        m_view->setIconSize(QSize(48, 36));
    }
    m_gridButton->setText(grid ? tr("List") : tr("Grid"));
    m_gridButton->setToolTip(grid ? tr("Show the images as a list")
                                  : tr("Show the images as a thumbnail grid"));
}

void DatasetPanel::setLabels(const QList<QPair<qint64, QString>>& labels)
{
    // Called again whenever labels are added, renamed or removed: the chosen label stays chosen under
    // its new name, and a removed one gives way to "Any label" (refiltering the list).
    const QVariant chosen = m_label->currentData();
    {
        const QSignalBlocker block(m_label);
        while (m_label->count() > 1)
            m_label->removeItem(1);
        for (const auto& [id, name] : labels)
            m_label->addItem(name, id);
        m_label->setCurrentIndex(chosen.isValid() ? std::max(0, m_label->findData(chosen)) : 0);
    }
    if (chosen.isValid() && m_label->currentIndex() == 0) applyFilter();
}

void DatasetPanel::setSplits(const QStringList& splits)
{
    const QSignalBlocker block(m_split);
    while (m_split->count() > 1)
        m_split->removeItem(1);
    for (const QString& s : splits)
        m_split->addItem(s, s);
}

void DatasetPanel::setReviewStates(const QStringList& states)
{
    const QSignalBlocker block(m_review);
    while (m_review->count() > 1)
        m_review->removeItem(1);
    for (const QString& s : states)
        m_review->addItem(s, s);
    // The same choice for the shapes of an image: images with at least one shape in that state.
    m_review->insertSeparator(m_review->count());
    const QStringList shapeStates{tr("Shapes: new"), tr("Shapes: accepted"), tr("Shapes: rejected"),
                                  tr("Shapes: needs fix")};
    for (int state = 0; state < int(shapeStates.size()); ++state)
        m_review->addItem(shapeStates[state],
                          QStringLiteral("%1%2").arg(QLatin1String(kShapeStatePrefix)).arg(state));
}

DatasetFilter DatasetPanel::currentFilter() const
{
    DatasetFilter f;
    f.text = m_search->text().trimmed();
    f.captionText = m_captionSearch->text().trimmed();
    f.labelId = m_label->currentData().isValid() ? m_label->currentData().toLongLong() : -1;
    f.split = m_split->currentData().toString();
    const QString review = m_review->currentData().toString();
    if (review.startsWith(QLatin1String(kShapeStatePrefix)))
        f.shapeReviewState = review.mid(int(qstrlen(kShapeStatePrefix))).toInt();
    else
        f.reviewState = review;
    const QString progress = m_progress->currentData().toString();
    f.done = progress == QLatin1String("done") ? 1 : progress == QLatin1String("not-done") ? 0 : -1;
    f.hasNeedsFix = progress == QLatin1String("needs-fix");
    return f;
}

void DatasetPanel::applyFilter()
{
    m_filterDelay->stop();
    if (m_model) m_model->setFilter(currentFilter());
}

void DatasetPanel::updateCount()
{
    if (!m_model)
        m_count->setText(tr("No project"));
    else if (!m_model->isCounted())
        m_count->setText(tr("Counting…"));
    else
        m_count->setText(tr("%n image(s)", nullptr, m_model->rowCount()));
}

void DatasetPanel::restoreCurrent(int loadedPage)
{
    if (m_keepAsset < 0 || !m_model) return;
    const int row = m_model->rowOfAsset(m_keepAsset);
    if (row < 0) {
        // Not where it was either (the list changed under it): leave the selection to the user.
        if (loadedPage >= 0 && loadedPage == m_keepRow / DatasetModel::kPageSize) m_keepAsset = -1;
        return;
    }
    m_keepAsset = -1;
    const QModelIndex idx = m_model->index(row);
    m_restoring = true;
    m_view->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect);
    m_restoring = false;
    m_view->scrollTo(idx);
}

QList<qint64> DatasetPanel::selectedAssetIds() const
{
    QList<qint64> ids;
    if (!m_model) return ids;
    QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& i : rows)
        if (const AssetRow* r = m_model->rowAt(i.row())) ids << r->id;
    return ids;
}

int DatasetPanel::currentRow() const
{
    return m_view->currentIndex().isValid() ? m_view->currentIndex().row() : -1;
}

void DatasetPanel::selectRow(int row)
{
    if (!m_model || row < 0 || row >= m_model->rowCount()) return;
    const QModelIndex idx = m_model->index(row);
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
}

} // namespace loupe::views
