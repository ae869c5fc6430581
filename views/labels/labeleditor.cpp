// SPDX-License-Identifier: MIT
#include "views/labels/labeleditor.h"

#include "annotation/commands/addlabel.h"
#include "annotation/commands/changeattributespecs.h"
#include "annotation/commands/changekeypoints.h"
#include "annotation/commands/deletelabel.h"
#include "annotation/commands/mergelabels.h"
#include "annotation/commands/recolorlabel.h"
#include "annotation/commands/renamelabel.h"
#include "annotation/commands/setlabelhotkey.h"
#include "annotation/document/annotationdocument.h"
#include "views/labels/attributespectable.h"

#include <QColorDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

namespace loupe::views {

using namespace loupe::annotation;

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QIcon swatch(const QColor& c)
{
    QPixmap p(14, 14);
    p.fill(c.isValid() ? c : QColor(Qt::gray));
    QPainter(&p).drawRect(0, 0, 13, 13);
    return QIcon(p);
}

// A skeleton as text: "head-neck, neck-hip" or "1-2, 2-3" (1-based).
std::optional<std::vector<std::pair<int, int>>> parseSkeleton(const QString& text, const QStringList& names,
                                                              QString* error)
{
    std::vector<std::pair<int, int>> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList ends = part.split(QLatin1Char('-'));
        if (ends.size() != 2) {
            *error =
                QObject::tr("\"%1\" is not an edge: write two keypoints joined by \"-\"").arg(part.trimmed());
            return std::nullopt;
        }
        int index[2];
        for (int i = 0; i < 2; ++i) {
            const QString e = ends[i].trimmed();
            bool number = false;
            const int n = e.toInt(&number);
            index[i] = number ? n - 1 : int(names.indexOf(e));
            if (index[i] < 0 || index[i] >= names.size()) {
                *error = QObject::tr("\"%1\" is not one of the keypoints").arg(e);
                return std::nullopt;
            }
        }
        out.emplace_back(index[0], index[1]);
    }
    return out;
}

QString skeletonText(const LabelDef& l)
{
    QStringList edges;
    for (const auto& [a, b] : l.skeleton)
        edges << QStringLiteral("%1-%2").arg(l.keypointNames.value(a), l.keypointNames.value(b));
    return edges.join(QStringLiteral(", "));
}

} // namespace

LabelEditor::LabelEditor(AnnotationDocument* doc, QWidget* parent) : QDialog(parent), m_doc(doc)
{
    setObjectName(QStringLiteral("labelEditor"));
    setWindowTitle(tr("Labels"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("labelList"));
    auto* buttons = new QVBoxLayout;
    const struct
    {
        const char* name;
        QString text;
        void (LabelEditor::*slot)();
    } actions[] = {
        {"addLabel", tr("&Add…"), &LabelEditor::askAdd},
        {"renameLabel", tr("&Rename…"), &LabelEditor::askRename},
        {"recolorLabel", tr("&Colour…"), &LabelEditor::askColor},
        {"mergeLabel", tr("&Merge into…"), &LabelEditor::askMerge},
        {"deleteLabel", tr("&Delete…"), &LabelEditor::askDelete},
    };
    for (const auto& a : actions) {
        auto* b = new QPushButton(a.text, this);
        b->setObjectName(QString::fromLatin1(a.name));
        b->setAutoDefault(false);
        connect(b, &QPushButton::clicked, this, a.slot);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);

    m_hotkey = new QLineEdit(this);
    m_hotkey->setObjectName(QStringLiteral("labelHotkey"));
    m_hotkey->setMaxLength(1);
    m_hotkey->setPlaceholderText(tr("1-9 or a free letter"));
    m_keypoints = new QLineEdit(this);
    m_keypoints->setObjectName(QStringLiteral("labelKeypoints"));
    m_keypoints->setPlaceholderText(tr("Keypoint names in drawing order, comma-separated"));
    m_skeleton = new QLineEdit(this);
    m_skeleton->setObjectName(QStringLiteral("labelSkeleton"));
    m_skeleton->setPlaceholderText(tr("Edges such as head-neck, neck-hip"));
    m_specs = new AttributeSpecTable(this);
    auto* addSpec = new QPushButton(tr("Add Attribute"), this);
    auto* removeSpec = new QPushButton(tr("Remove Attribute"), this);
    auto* apply = new QPushButton(tr("A&pply"), this);
    apply->setObjectName(QStringLiteral("applyLabelDetails"));
    for (QPushButton* b : {addSpec, removeSpec, apply})
        b->setAutoDefault(false);
    connect(addSpec, &QPushButton::clicked, this, [this] { m_specs->addRow(); });
    connect(removeSpec, &QPushButton::clicked, this, [this] {
        if (m_specs->currentRow() >= 0) m_specs->removeRow(m_specs->currentRow());
    });
    connect(apply, &QPushButton::clicked, this, &LabelEditor::applyDetails);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("labelEditorMessage"));
    m_message->setWordWrap(true);

    auto* details = new QFormLayout;
    details->addRow(tr("Hotkey:"), m_hotkey);
    details->addRow(tr("Keypoints:"), m_keypoints);
    details->addRow(tr("Skeleton:"), m_skeleton);
    details->addRow(m_specs);
    auto* specButtons = new QHBoxLayout;
    specButtons->addWidget(addSpec);
    specButtons->addWidget(removeSpec);
    specButtons->addStretch(1);
    specButtons->addWidget(apply);
    details->addRow(specButtons);
    auto* top = new QHBoxLayout;
    top->addWidget(m_list, 1);
    top->addLayout(buttons);
    top->addLayout(details, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    resize(820, 420);

    connect(m_list, &QListWidget::currentRowChanged, this, &LabelEditor::showLabel);
    if (m_doc) {
        connect(m_doc, &AnnotationDocument::labelsChanged, this, &LabelEditor::rebuild);
        connect(m_doc, &AnnotationDocument::shapesReloaded, this, &LabelEditor::rebuild);
    }
    rebuild();
}

qint64 LabelEditor::currentLabel() const
{
    return m_list->currentItem() ? m_list->currentItem()->data(kIdRole).toLongLong() : 0;
}

void LabelEditor::setCurrentLabel(qint64 labelId)
{
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(kIdRole).toLongLong() == labelId) m_list->setCurrentRow(row);
}

void LabelEditor::rebuild()
{
    const qint64 keep = currentLabel();
    m_rebuilding = true;
    m_list->clear();
    if (m_doc)
        for (const LabelDef& l : m_doc->labels()) {
            auto* it = new QListWidgetItem(
                swatch(l.color),
                l.hotkey.isEmpty() ? l.name : QStringLiteral("%1  [%2]").arg(l.name, l.hotkey));
            it->setData(kIdRole, l.id);
            m_list->addItem(it);
        }
    m_rebuilding = false;
    setCurrentLabel(keep);
    if (!m_list->currentItem() && m_list->count()) m_list->setCurrentRow(0);
    showLabel();
}

void LabelEditor::showLabel()
{
    if (m_rebuilding) return;
    const std::optional<LabelDef> l = m_doc ? m_doc->label(currentLabel()) : std::nullopt;
    m_hotkey->setText(l ? l->hotkey : QString());
    m_keypoints->setText(l ? l->keypointNames.join(QStringLiteral(", ")) : QString());
    m_skeleton->setText(l ? skeletonText(*l) : QString());
    m_specs->setSpecs(l ? l->attributes : std::vector<AttributeSpec>());
}

bool LabelEditor::refuse(const QString& why)
{
    m_lastError = why;
    m_message->setText(why);
    return false;
}

bool LabelEditor::push(EditCommand* command)
{
    if (command->isNoOp()) {
        delete command;
        return true;
    }
    QString storeError;
    auto c =
        connect(m_doc, &AnnotationDocument::storeFailed, this, [&](const QString& e) { storeError = e; });
    const int before = m_doc->undoStack()->index();
    m_doc->undoStack()->push(command);
    disconnect(c);
    if (m_doc->undoStack()->index() == before)
        return refuse(storeError.isEmpty() ? tr("The edit was refused") : storeError);
    m_lastError.clear();
    m_message->clear();
    return true;
}

bool LabelEditor::nameProblem(const QString& name, qint64 exceptId, QString* why) const
{
    if (name.trimmed().isEmpty()) {
        *why = tr("A label needs a name");
        return true;
    }
    for (const LabelDef& l : m_doc->labels())
        if (l.id != exceptId && l.name == name.trimmed()) {
            *why = tr("There is a label \"%1\" already; merge into it instead").arg(l.name);
            return true;
        }
    return false;
}

qint64 LabelEditor::addLabel(const QString& name, const QColor& color)
{
    QString why;
    if (!m_doc) return 0;
    if (nameProblem(name, 0, &why)) return refuse(why), 0;
    LabelDef l;
    l.name = name.trimmed();
    // A new label gets a colour of its own unless one is given.
    l.color = color.isValid() ? color : QColor::fromHsv(int((m_doc->labels().size() * 137) % 360), 200, 230);
    auto* add = new AddLabel(*m_doc, l);
    if (!push(add)) return 0;
    const qint64 id = add->labelId();
    setCurrentLabel(id);
    return id;
}

bool LabelEditor::renameLabel(qint64 labelId, const QString& name)
{
    QString why;
    if (!m_doc || nameProblem(name, labelId, &why)) return refuse(why);
    return push(new RenameLabel(*m_doc, labelId, name));
}

bool LabelEditor::recolorLabel(qint64 labelId, const QColor& color)
{
    if (!m_doc || !color.isValid()) return refuse(tr("Not a colour"));
    return push(new RecolorLabel(*m_doc, labelId, color));
}

bool LabelEditor::setHotkey(qint64 labelId, const QString& key)
{
    if (!m_doc) return false;
    const QString k = key.trimmed().toUpper();
    const bool digit = k.size() == 1 && k[0] >= QLatin1Char('1') && k[0] <= QLatin1Char('9');
    if (!k.isEmpty() && !digit) {
        // Another key only when nothing else in the window answers it (tools, verdicts, navigation).
        if (k.size() != 1 || !k[0].isLetterOrNumber() || !m_keyTaken)
            return refuse(tr("A label hotkey is 1-9 or a letter no other action uses"));
        if (m_keyTaken(QKeySequence(k)))
            return refuse(tr("%1 is already a shortcut of the window (a tool or a review key)").arg(k));
    }
    return push(new SetLabelHotkey(*m_doc, labelId, k));
}

bool LabelEditor::mergeLabel(qint64 fromId, qint64 intoId)
{
    if (!m_doc || fromId == intoId || !m_doc->label(fromId) || !m_doc->label(intoId))
        return refuse(tr("Pick two different labels to merge"));
    return push(new MergeLabels(*m_doc, fromId, intoId));
}

bool LabelEditor::deleteLabel(qint64 labelId, qint64 moveShapesTo)
{
    if (!m_doc || !m_doc->label(labelId) || moveShapesTo == labelId ||
        (moveShapesTo && !m_doc->label(moveShapesTo)))
        return refuse(tr("Pick a label to delete and, to keep its shapes, another label for them"));
    return push(new DeleteLabel(*m_doc, labelId, moveShapesTo));
}

bool LabelEditor::setKeypoints(qint64 labelId, const QStringList& names, const QString& skeleton)
{
    if (!m_doc) return false;
    QStringList clean;
    for (const QString& n : names)
        if (!n.trimmed().isEmpty()) clean << n.trimmed();
    if (clean.removeDuplicates() > 0) return refuse(tr("Each keypoint needs its own name"));
    QString why;
    const auto edges = parseSkeleton(skeleton, clean, &why);
    if (!edges) return refuse(why);
    return push(new ChangeKeypoints(*m_doc, labelId, clean, *edges));
}

bool LabelEditor::setAttributeSpecs(qint64 labelId, const std::vector<AttributeSpec>& specs)
{
    if (!m_doc) return false;
    return push(new ChangeAttributeSpecs(*m_doc, labelId, specs));
}

void LabelEditor::applyDetails()
{
    const qint64 id = currentLabel();
    if (!id) return;
    QString why;
    const auto specs = m_specs->specs(&why);
    if (!specs) {
        refuse(why);
        return;
    }
    // Three steps at most, each its own undo entry; a refused one stops the rest.
    if (!setHotkey(id, m_hotkey->text())) return;
    if (!setKeypoints(id, m_keypoints->text().split(QLatin1Char(',')), m_skeleton->text())) return;
    setAttributeSpecs(id, *specs);
}

void LabelEditor::askAdd()
{
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Add Label"), tr("Name:"), QLineEdit::Normal, {}, &ok);
    if (ok) addLabel(name);
}

void LabelEditor::askRename()
{
    const auto l = m_doc ? m_doc->label(currentLabel()) : std::nullopt;
    if (!l) return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename Label"), tr("Name:"), QLineEdit::Normal, l->name, &ok);
    if (ok) renameLabel(l->id, name);
}

void LabelEditor::askColor()
{
    const auto l = m_doc ? m_doc->label(currentLabel()) : std::nullopt;
    if (!l) return;
    const QColor c = QColorDialog::getColor(l->color, this, tr("Label Colour"));
    if (c.isValid()) recolorLabel(l->id, c);
}

void LabelEditor::askMerge()
{
    const auto l = m_doc ? m_doc->label(currentLabel()) : std::nullopt;
    if (!l) return;
    QStringList names;
    std::vector<qint64> ids;
    for (const LabelDef& o : m_doc->labels())
        if (o.id != l->id) {
            names << o.name;
            ids.push_back(o.id);
        }
    if (names.isEmpty()) return;
    bool ok = false;
    const QString into = QInputDialog::getItem(
        this, tr("Merge Label"), tr("Move every \"%1\" shape to:").arg(l->name), names, 0, false, &ok);
    if (ok) mergeLabel(l->id, ids[size_t(names.indexOf(into))]);
}

void LabelEditor::askDelete()
{
    const auto l = m_doc ? m_doc->label(currentLabel()) : std::nullopt;
    if (!l) return;
    const size_t count = m_doc->store().shapesWithLabel(l->id).size();
    if (count == 0) {
        deleteLabel(l->id, 0);
        return;
    }
    QMessageBox box(
        QMessageBox::Question, tr("Delete Label"),
        tr("\"%1\" has %n shape(s). Delete them, or move them to another label?", nullptr, int(count))
            .arg(l->name),
        QMessageBox::Cancel, this);
    QPushButton* remove = box.addButton(tr("Delete Shapes"), QMessageBox::DestructiveRole);
    QPushButton* move = box.addButton(tr("Move Shapes…"), QMessageBox::AcceptRole);
    box.exec();
    if (box.clickedButton() == remove) {
        deleteLabel(l->id, 0);
    } else if (box.clickedButton() == move) {
        QStringList names;
        std::vector<qint64> ids;
        for (const LabelDef& o : m_doc->labels())
            if (o.id != l->id) {
                names << o.name;
                ids.push_back(o.id);
            }
        bool ok = false;
        const QString to = names.isEmpty() ? QString()
                                           : QInputDialog::getItem(this, tr("Move Shapes"),
                                                                   tr("Move them to:"), names, 0, false, &ok);
        if (ok) deleteLabel(l->id, ids[size_t(names.indexOf(to))]);
    }
}

} // namespace loupe::views
