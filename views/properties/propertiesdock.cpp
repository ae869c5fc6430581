// SPDX-License-Identifier: MIT
#include "views/properties/propertiesdock.h"

#include "annotation/commands/changeattributes.h"
#include "annotation/commands/changeimagetags.h"
#include "annotation/commands/changereviewstate.h"
#include "annotation/document/annotationdocument.h"
#include "views/annotate/shapescene.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QVBoxLayout>

namespace loupe::views {

using namespace loupe::annotation;

namespace {

const QString kComment = QStringLiteral("review_comment");

// The value all shapes share for key, or undefined when they differ.
QJsonValue common(const std::vector<Shape>& shapes, const QString& key)
{
    if (shapes.empty()) return QJsonValue(QJsonValue::Undefined);
    const QJsonValue first = shapes.front().attributes.value(key);
    for (const Shape& s : shapes)
        if (s.attributes.value(key) != first) return QJsonValue(QJsonValue::Undefined);
    return first;
}

} // namespace

PropertiesDock::PropertiesDock(ShapeScene* scene, QWidget* parent)
    : QDockWidget(tr("Properties"), parent), m_scene(scene)
{
    setObjectName(QStringLiteral("PropertiesDock"));
    auto* body = new QWidget(this);
    m_summary = new QLabel(body);
    m_summary->setObjectName(QStringLiteral("propertiesSummary"));
    m_label = new QComboBox(body);
    m_label->setObjectName(QStringLiteral("propertiesLabel"));
    m_review = new QComboBox(body);
    m_review->setObjectName(QStringLiteral("propertiesReview"));
    for (ReviewState s :
         {ReviewState::New, ReviewState::Accepted, ReviewState::Rejected, ReviewState::NeedsFix})
        m_review->addItem(reviewStateName(s), int(s));
    m_comment = new QLineEdit(body);
    m_comment->setObjectName(QStringLiteral("propertiesComment"));
    m_comment->setPlaceholderText(tr("Review comment"));
    m_attributesBox = new QWidget(body);
    m_attributes = new QFormLayout(m_attributesBox);
    m_attributes->setContentsMargins(0, 0, 0, 0);
    m_tags = new QLineEdit(body);
    m_tags->setObjectName(QStringLiteral("propertiesTags"));
    m_tags->setPlaceholderText(tr("Image tags, comma-separated"));

    auto* form = new QFormLayout;
    form->addRow(m_summary);
    form->addRow(tr("Label:"), m_label);
    form->addRow(m_attributesBox);
    form->addRow(tr("Review:"), m_review);
    form->addRow(tr("Comment:"), m_comment);
    form->addRow(tr("Image tags:"), m_tags);
    auto* layout = new QVBoxLayout(body);
    layout->addLayout(form);
    layout->addStretch(1);
    setWidget(body);

    connect(m_label, &QComboBox::activated, this, [this] {
        if (m_scene) m_scene->relabelSelection(m_label->currentData().toLongLong());
    });
    connect(m_review, &QComboBox::activated, this, [this] {
        const QList<qint64> ids = m_scene ? m_scene->editableSelection() : QList<qint64>();
        if (ids.isEmpty()) return;
        m_scene->push(new ChangeReviewState(*m_scene->document(), ids,
                                            ReviewState(m_review->currentData().toInt()),
                                            m_comment->text().trimmed()));
    });
    connect(m_comment, &QLineEdit::editingFinished, this, [this] {
        const QString text = m_comment->text().trimmed();
        setAttribute(kComment, text.isEmpty() ? QJsonValue() : QJsonValue(text), 0);
    });
    connect(m_tags, &QLineEdit::editingFinished, this, [this] {
        if (!m_scene || !m_scene->document() || !m_scene->imageId()) return;
        auto* c = new ChangeImageTags(*m_scene->document(), m_scene->imageId(),
                                      m_tags->text().split(QLatin1Char(',')));
        if (c->isNoOp())
            delete c;
        else
            m_scene->push(c);
    });
    if (m_scene) {
        connect(m_scene, &ShapeScene::selectionChanged, this, &PropertiesDock::refresh);
        connect(m_scene, &ShapeScene::labelsChanged, this, &PropertiesDock::scheduleRefresh);
        connect(m_scene, &ShapeScene::imageReset, this, &PropertiesDock::refresh);
        // Edits (here, on the canvas, undo) show up; coalesced, since a drag changes shapes many times.
        connect(m_scene, &ShapeScene::changed, this, &PropertiesDock::scheduleRefresh);
    }
    refresh();
}

void PropertiesDock::scheduleRefresh()
{
    if (m_pending) return;
    m_pending = true;
    QTimer::singleShot(0, this, [this] {
        m_pending = false;
        refresh();
    });
}

std::vector<Shape> PropertiesDock::selectedShapes() const
{
    std::vector<Shape> out;
    if (!m_scene) return out;
    for (qint64 id : m_scene->selection())
        if (const Shape* s = m_scene->shape(id)) out.push_back(*s);
    return out;
}

QWidget* PropertiesDock::attributeEditor(const QString& name) const
{
    return m_attributesBox->findChild<QWidget*>(QStringLiteral("attr:") + name);
}

void PropertiesDock::refresh()
{
    if (m_refreshing) return;
    m_refreshing = true;
    const std::vector<Shape> shapes = selectedShapes();
    const bool any = !shapes.empty();
    m_summary->setText(!any                 ? tr("No shape selected")
                       : shapes.size() == 1 ? tr("1 shape (%1)").arg(shapeKindName(shapes.front().kind()))
                                            : tr("%1 shapes").arg(shapes.size()));
    m_label->clear();
    if (m_scene)
        for (const LabelDef& l : m_scene->labels())
            m_label->addItem(l.name, l.id);
    bool sameLabel = any, sameReview = any;
    for (const Shape& s : shapes) {
        sameLabel = sameLabel && s.labelId == shapes.front().labelId;
        sameReview = sameReview && s.review == shapes.front().review;
    }
    m_label->setCurrentIndex(sameLabel ? m_label->findData(shapes.front().labelId) : -1);
    m_review->setCurrentIndex(sameReview ? m_review->findData(int(shapes.front().review)) : -1);
    const QJsonValue comment = common(shapes, kComment);
    if (!m_comment->hasFocus()) m_comment->setText(comment.toString());
    for (QWidget* w :
         {static_cast<QWidget*>(m_label), static_cast<QWidget*>(m_review), static_cast<QWidget*>(m_comment)})
        w->setEnabled(any);
    buildAttributes(shapes);
    const bool image = m_scene && m_scene->document() && m_scene->imageId();
    m_tags->setEnabled(image);
    if (!m_tags->hasFocus())
        m_tags->setText(image ? m_scene->document()->tags(m_scene->imageId()).join(QStringLiteral(", "))
                              : QString());
    m_refreshing = false;
}

void PropertiesDock::buildAttributes(const std::vector<Shape>& shapes)
{
    // The editor being typed into stays; everything else is rebuilt from the specs.
    QWidget* focused = m_attributesBox->focusWidget();
    if (focused && focused->hasFocus()) return;
    while (m_attributes->rowCount() > 0)
        m_attributes->removeRow(0);
    if (shapes.empty() || !m_scene) return;
    // The specs of the first shape's label; edits go to every selected shape.
    const LabelDef* label = m_scene->label(shapes.front().labelId);
    if (!label) return;
    for (const AttributeSpec& spec : label->attributes) {
        const QJsonValue value = common(shapes, spec.name);
        const bool mixed = value.isUndefined();
        QWidget* editor = nullptr;
        const QString key = spec.name;
        switch (spec.type) {
        case AttributeSpec::Type::Bool: {
            auto* box = new QCheckBox(m_attributesBox);
            box->setTristate(mixed);
            box->setCheckState(mixed                                      ? Qt::PartiallyChecked
                               : value.toBool(spec.defaultValue.toBool()) ? Qt::Checked
                                                                          : Qt::Unchecked);
            connect(box, &QCheckBox::clicked, this, [this, key](bool on) { setAttribute(key, on, 0); });
            editor = box;
            break;
        }
        case AttributeSpec::Type::Choice: {
            auto* combo = new QComboBox(m_attributesBox);
            combo->addItem(QString());
            combo->addItems(spec.choices);
            combo->setCurrentIndex(mixed ? -1 : qMax(0, combo->findText(value.toString())));
            connect(combo, &QComboBox::activated, this, [this, key, combo] {
                const QString t = combo->currentText();
                setAttribute(key, t.isEmpty() ? QJsonValue() : QJsonValue(t), 0);
            });
            editor = combo;
            break;
        }
        case AttributeSpec::Type::Number: {
            auto* spin = new QDoubleSpinBox(m_attributesBox);
            spin->setDecimals(3);
            spin->setRange(spec.minimum.value_or(-1e9), spec.maximum.value_or(1e9));
            spin->setSpecialValueText(mixed ? tr("(mixed)") : QString());
            spin->setValue(mixed ? spin->minimum() : value.toDouble(spec.defaultValue.toDouble()));
            spin->setKeyboardTracking(false); // one value per Enter or focus change, not per digit
            // Steps of one spin box merge into one undo step while it lives.
            connect(spin, &QDoubleSpinBox::valueChanged, this,
                    [this, key, session = ++m_session](double v) { setAttribute(key, v, session); });
            editor = spin;
            break;
        }
        case AttributeSpec::Type::Text: {
            auto* edit = new QLineEdit(m_attributesBox);
            edit->setText(value.toString());
            if (mixed) edit->setPlaceholderText(tr("(mixed)"));
            connect(edit, &QLineEdit::editingFinished, this, [this, key, edit] {
                setAttribute(key, edit->text().isEmpty() ? QJsonValue() : QJsonValue(edit->text()), 0);
            });
            editor = edit;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("attr:") + spec.name);
        m_attributes->addRow(spec.name + QLatin1Char(':'), editor);
    }
}

void PropertiesDock::setAttribute(const QString& key, const QJsonValue& value, int session)
{
    if (m_refreshing || !m_scene || !m_scene->document()) return;
    const QList<qint64> ids = m_scene->editableSelection();
    if (ids.isEmpty()) return;
    bool changes = false;
    for (qint64 id : ids)
        if (const Shape* s = m_scene->shape(id)) changes = changes || s->attributes.value(key) != value;
    if (!changes) return;
    m_scene->push(new ChangeAttributes(*m_scene->document(), ids, key, value, session));
}

} // namespace loupe::views
