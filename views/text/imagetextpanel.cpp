// SPDX-License-Identifier: MIT
#include "views/text/imagetextpanel.h"

#include "core/store/project.h"
#include "views/text/projectmodelpicker.h"
#include "views/text/scrollingpanel.h"
#include "views/text/tokeninspector.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QSplitter>
#include <QVBoxLayout>

namespace loupe::views {

ImageTextPanel::ImageTextPanel(ImageCanvas* canvas, LogCategory log, QWidget* parent)
    : QWidget(parent), m_log(log)
{
    m_inspector = new TokenInspector(canvas, this);
}

void ImageTextPanel::layOut(QWidget* controls, QWidget* list, int inspectorStretch)
{
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(list);
    split->addWidget(m_inspector);
    split->setStretchFactor(1, inspectorStretch);
    split->setStretchFactor(0, 0);
    split->setSizes({90, 500}); // the list stays short: the text and its alternatives are what one reads
    auto* content = new QWidget(this);
    auto* box = new QVBoxLayout(content);
    box->addWidget(controls);
    box->addWidget(split, 1);
    m_scroll = wrapInScrollArea(this, content);
}

ProjectModelPicker* ImageTextPanel::addModelPicker(QWidget* controls, const QString& objectName)
{
    m_models = new ProjectModelPicker(controls);
    m_models->setObjectName(objectName);
    return m_models;
}

QLabel* ImageTextPanel::addStatus(QWidget* controls, const QString& objectName)
{
    m_status = new QLabel(controls);
    m_status->setObjectName(objectName);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return m_status;
}

void ImageTextPanel::setProject(core::Project* project)
{
    m_project = project;
    m_assetId = -1;
    m_models->setProject(project);
}

QString ImageTextPanel::modelFolder() const
{
    return m_models->folder();
}

void ImageTextPanel::setModelFolder(const QString& folder)
{
    m_models->setFolder(folder);
}

void ImageTextPanel::setAsset(qint64 assetId)
{
    m_assetId = assetId;
    setImagePath(assetImagePath(m_project, assetId));
}

void ImageTextPanel::setImagePath(const QString& path)
{
    if (path == m_image) return;
    m_image = path;
    imageChanged();
}

void ImageTextPanel::setActive(bool active)
{
    m_active = active;
    m_inspector->setMapShown(active);
}

void ImageTextPanel::showError(const QString& text)
{
    m_lastError = text;
    qCWarning(m_log).noquote() << text;
    m_status->setText(QStringLiteral("<span style=\"color:#c62828\">%1</span>").arg(text.toHtmlEscaped()));
}

QSize ImageTextPanel::minimumSizeHint() const
{
    return scrollingMinimumSize(m_scroll);
}

} // namespace loupe::views
