// SPDX-License-Identifier: MIT
#pragma once

#include "views/dataset/assetsource.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QTimer;
class QToolButton;

namespace loupe::views {

class DatasetModel;
class ThumbnailDelegate;

// The Dataset dock: filter bar (path, caption text, label, split, review state, done / needs fix), a
// virtualised thumbnail grid or list over a DatasetModel with per-image review badges, and a count. Selecting
// a row emits assetActivated. A reload of the list (a refresh after a run is stored, an import) keeps the
// current image selected and scrolled into view, without activating it again.
class DatasetPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetPanel(QWidget* parent = nullptr);

    void setModel(DatasetModel* model); // nullptr: no project
    DatasetModel* model() const { return m_model; }
    QListView* view() const { return m_view; }
    QLineEdit* searchField() const { return m_search; }
    QLineEdit* captionSearchField() const { return m_captionSearch; }

    void setLabels(const QList<QPair<qint64, QString>>& labels);
    void setSplits(const QStringList& splits);
    void setReviewStates(const QStringList& states);
    DatasetFilter currentFilter() const;

    void setGridMode(bool grid);
    bool isGridMode() const { return m_grid; }
    int currentRow() const;
    void selectRow(int row);
    // The selected images (Ctrl/Shift-click adds to the selection) whose rows are loaded, in list order.
    QList<qint64> selectedAssetIds() const;

signals:
    void assetActivated(int row);
    // The list's context menu: caption or match the selected images.
    void captionSelectionRequested();
    void matchSelectionRequested();

private:
    void applyFilter();
    void updateCount();
    void restoreCurrent(int loadedPage);

    DatasetModel* m_model = nullptr;
    QLineEdit* m_search;
    QLineEdit* m_captionSearch;
    QComboBox* m_label;
    QComboBox* m_split;
    QComboBox* m_review;
    QComboBox* m_progress;
    QToolButton* m_gridButton;
    QListView* m_view;
    QLabel* m_count;
    QTimer* m_filterDelay;
    ThumbnailDelegate* m_delegate;
    bool m_grid = true;
    qint64 m_keepAsset = -1; // the asset to select again once its row is back after a reset
    int m_keepRow = -1;      // where it was: its page is asked for first
    bool m_restoring = false;
};

} // namespace loupe::views
