// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {
class AnnotationDocument;
} // namespace loupe::annotation

namespace loupe::views {

class TagCompleter;

// The shown image's captions and tags. Captions are listed with where they came from ("manual", or
// "model" and the run's model, which an edit of the text keeps); a caption is added from the field below the
// list, edited in place (double-click) and removed with the button or Delete. Tags are a comma-separated
// field completing the project's tags. Every edit is one step of the project's one undo history (Edit >
// Undo): captions through Project::edit, tags through the annotation document's ChangeImageTags.
class CaptionEditor : public QWidget
{
    Q_OBJECT
public:
    explicit CaptionEditor(QWidget* parent = nullptr);

    // nullptr: no project. The document (for tags) belongs to the same project.
    void setProject(core::Project* project, annotation::AnnotationDocument* document);
    void setAsset(qint64 assetId);
    qint64 asset() const { return m_asset; }

    QTreeWidget* captionList() const { return m_list; }
    QLineEdit* newCaptionField() const { return m_newCaption; }
    QLineEdit* tagsField() const { return m_tags; }
    TagCompleter* tagCompleter() const { return m_completer; }

    // Re-reads captions and tags (the project changed, an edit was undone).
    void refresh();
    bool addCaption(const QString& text);
    bool removeCurrentCaption();

signals:
    void message(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onItemChanged(QTreeWidgetItem* item, int column);
    void commitTags();
    void refreshTags();
    void scheduleRefresh();

    QPointer<core::Project> m_project;
    QPointer<annotation::AnnotationDocument> m_document;
    qint64 m_asset = 0;
    QTreeWidget* m_list;
    QLineEdit* m_newCaption;
    QPushButton* m_add;
    QPushButton* m_remove;
    QLineEdit* m_tags;
    TagCompleter* m_completer;
    bool m_refreshing = false;
    bool m_pending = false;
};

} // namespace loupe::views
