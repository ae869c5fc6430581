// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QLoggingCategory;
class QScrollArea;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class DecodingForm;
class ImageCanvas;
class ProjectModelPicker;
class TokenInspector;

// What the Caption and Ask panels have in common: a text model chosen from the project, the image they
// work on (a project asset or a file), a token inspector putting maps on the canvas, a status line, and
// controls that scroll in a short dock. Each panel adds its list (variants, chat) and its runs.
class ImageTextPanel : public QWidget
{
    Q_OBJECT
public:
    void setProject(core::Project* project);
    void setModelFolder(const QString& folder);
    QString modelFolder() const;
    void setAsset(qint64 assetId);
    qint64 assetId() const { return m_assetId; }
    // The image to work on without a project (and what setAsset resolves to).
    void setImagePath(const QString& path);
    QString imagePath() const { return m_image; }
    // The map leaves the canvas while the panel's dock is hidden.
    void setActive(bool active);

    QString lastError() const { return m_lastError; }
    // Short enough for a laptop window: the panel scrolls below kPanelMinimumHeight.
    QSize minimumSizeHint() const override;
    TokenInspector* inspector() const { return m_inspector; }
    DecodingForm* decodingForm() const { return m_form; }

protected:
    using LogCategory = const QLoggingCategory& (*)();
    ImageTextPanel(ImageCanvas* canvas, LogCategory log, QWidget* parent);

    // The image changed: what the panel shows belongs to the old one.
    virtual void imageChanged() = 0;
    // Puts `controls` above `list` and the inspector, the list kept short.
    void layOut(QWidget* controls, QWidget* list, int inspectorStretch);
    ProjectModelPicker* addModelPicker(QWidget* controls, const QString& objectName);
    QLabel* addStatus(QWidget* controls, const QString& objectName);
    void showError(const QString& text);

    QPointer<core::Project> m_project;
    qint64 m_assetId = -1;
    QString m_image;
    bool m_active = true;
    QString m_lastError;
    ProjectModelPicker* m_models = nullptr;
    DecodingForm* m_form = nullptr;
    QLabel* m_status = nullptr;
    TokenInspector* m_inspector = nullptr;

private:
    LogCategory m_log;
    QScrollArea* m_scroll = nullptr;
};

} // namespace loupe::views
