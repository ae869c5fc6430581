// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectannotationstore.h"

#include "annotation/bridge/undosteptransaction.h"
#include "annotation/shapes/labeldefjson.h"
#include "annotation/store/shaperow.h"
#include "core/store/project.h"

#include <QLoggingCategory>

namespace loupe::annotation {

Q_LOGGING_CATEGORY(lcProjectStore, "loupe.annotation.projectstore")

namespace {

const QString kColumns = QStringLiteral("id, asset_id, label_id, kind, geometry, attributes, source, run_id, "
                                        "score, review_state, created, updated");

std::optional<Shape> readRow(const core::Statement& s, QStringList* errors)
{
    ShapeRow r;
    r.id = s.columnInt64(0);
    r.assetId = s.columnInt64(1);
    r.labelId = s.columnIsNull(2) ? 0 : s.columnInt64(2);
    r.kind = s.columnText(3);
    r.geometry = s.columnText(4).toUtf8();
    r.attributes = s.columnText(5).toUtf8();
    r.source = s.columnText(6);
    r.runId = s.columnIsNull(7) ? 0 : s.columnInt64(7);
    if (!s.columnIsNull(8)) r.score = s.columnDouble(8);
    const qint64 review = s.columnInt64(9);
    // ReviewState and the column share 0..3; anything else is named so fromRow refuses it.
    r.review = review >= 0 && review <= 3 ? reviewStateName(static_cast<ReviewState>(review))
                                          : QStringLiteral("#%1").arg(review);
    r.createdMs = s.columnInt64(10);
    r.updatedMs = s.columnInt64(11);
    QString error;
    auto shape = fromRow(r, &error);
    if (!shape) {
        qCWarning(lcProjectStore) << "skipping unreadable" << error;
        *errors << error;
    }
    return shape;
}

// Binds ?1..?11 as asset_id .. updated; ?12 is the id where the statement has one.
void bindShape(core::Statement& s, const Shape& shape)
{
    const ShapeRow r = toRow(shape);
    s.bind(1, r.assetId);
    if (r.labelId)
        s.bind(2, r.labelId);
    else
        s.bindNull(2);
    s.bind(3, r.kind).bind(4, QString::fromUtf8(r.geometry)).bind(5, QString::fromUtf8(r.attributes));
    s.bind(6, r.source);
    if (r.runId)
        s.bind(7, r.runId);
    else
        s.bindNull(7);
    if (r.score)
        s.bind(8, *r.score);
    else
        s.bindNull(8);
    s.bind(9, int(shape.review)).bind(10, r.createdMs).bind(11, r.updatedMs);
}

} // namespace

ProjectAnnotationStore::ProjectAnnotationStore(core::Project& project) : m_project(project) {}

std::vector<Shape> ProjectAnnotationStore::shapesOf(qint64 imageId) const
{
    std::vector<Shape> out;
    core::Statement s = m_project.db().prepare(
        QStringLiteral("SELECT %1 FROM annotations WHERE asset_id = ?1 ORDER BY z, id").arg(kColumns));
    s.bind(1, imageId);
    while (s.step())
        if (auto shape = readRow(s, &m_readErrors)) out.push_back(std::move(*shape));
    return out;
}

std::optional<Shape> ProjectAnnotationStore::shape(qint64 id) const
{
    core::Statement s =
        m_project.db().prepare(QStringLiteral("SELECT %1 FROM annotations WHERE id = ?1").arg(kColumns));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readRow(s, &m_readErrors);
}

bool ProjectAnnotationStore::apply(std::vector<ShapeChange>& changes, QString* error)
{
    StoreEdit edit;
    edit.shapes = std::move(changes);
    const bool ok = applyEdit(edit, error);
    changes = std::move(edit.shapes);
    return ok;
}

bool ProjectAnnotationStore::applyEdit(StoreEdit& edit, QString* error)
{
    core::Database& db = m_project.db();
    auto fail = [&](const QString& what) {
        if (error) *error = QStringLiteral("%1: %2 (%3)").arg(m_project.path(), what, db.lastError());
        return false; // the transaction guard rolls everything back
    };
    // A failed first write of a step leaves no step behind (a command whose redo fails is dropped
    // without indexChanged, so nobody would finish it). Declared before t: t rolls back first.
    struct DropOpenedStep
    {
        UndoStepTransaction* step = nullptr;
        ~DropOpenedStep()
        {
            if (step) step->abandon();
        }
    } dropOnFailure;
    if (m_step && !m_step->isOpen()) {
        if (!m_step->join()) return fail(QStringLiteral("cannot start a transaction"));
        dropOnFailure.step = m_step;
    }
    core::Transaction t(db);
    if (!t.isActive()) return fail(QStringLiteral("cannot start a transaction"));
    std::vector<qint64> labelIds(edit.labels.size(), 0);
    for (size_t i = 0; i < edit.labels.size(); ++i)
        if (edit.labels[i].op != LabelChange::Op::Remove && !writeLabel(edit.labels[i], &labelIds[i], fail))
            return false;
    std::vector<qint64> assigned(edit.shapes.size(), 0);
    if (!writeShapes(edit.shapes, &assigned, fail)) return false;
    for (const LabelChange& c : edit.labels)
        if (c.op == LabelChange::Op::Remove && !removeLabel(c.label.id, fail)) return false;
    for (const TagChange& tc : edit.tags)
        if (!writeTags(tc, fail)) return false;
    if (!t.commit()) return fail(QStringLiteral("cannot commit the annotation edit"));
    dropOnFailure.step = nullptr;
    for (size_t i = 0; i < edit.shapes.size(); ++i)
        if (edit.shapes[i].op == ShapeChange::Op::Insert) edit.shapes[i].shape.id = assigned[i];
    for (size_t i = 0; i < edit.labels.size(); ++i)
        if (edit.labels[i].op == LabelChange::Op::Insert) edit.labels[i].label.id = labelIds[i];
    return true;
}

bool ProjectAnnotationStore::writeShapes(const std::vector<ShapeChange>& changes,
                                         std::vector<qint64>* assigned, const Fail& fail)
{
    core::Database& db = m_project.db();
    if (changes.empty()) return true;
    core::Statement insertNew = db.prepare(QStringLiteral(
        "INSERT INTO annotations(asset_id, label_id, kind, geometry, attributes, source, run_id, "
        "score, review_state, created, updated) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"));
    core::Statement insertWithId = db.prepare(QStringLiteral(
        "INSERT INTO annotations(asset_id, label_id, kind, geometry, attributes, source, run_id, "
        "score, review_state, created, updated, id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"));
    core::Statement update = db.prepare(QStringLiteral(
        "UPDATE annotations SET asset_id=?1, label_id=?2, kind=?3, geometry=?4, attributes=?5, source=?6, "
        "run_id=?7, score=?8, review_state=?9, created=?10, updated=?11 WHERE id=?12"));
    core::Statement remove = db.prepare(QStringLiteral("DELETE FROM annotations WHERE id = ?1"));
    if (!insertNew.isValid() || !insertWithId.isValid() || !update.isValid() || !remove.isValid())
        return fail(QStringLiteral("cannot prepare the annotation statements"));
    for (size_t i = 0; i < changes.size(); ++i) {
        const ShapeChange& c = changes[i];
        const qint64 id = c.shape.id;
        switch (c.op) {
        case ShapeChange::Op::Insert: {
            core::Statement& s = id ? insertWithId : insertNew;
            s.reset();
            bindShape(s, c.shape);
            if (id) s.bind(12, id);
            if (!s.run())
                return fail(id ? QStringLiteral("cannot restore annotation %1").arg(id)
                               : QStringLiteral("cannot add an annotation to image %1").arg(c.shape.imageId));
            (*assigned)[i] = id ? id : db.lastInsertId();
            break;
        }
        case ShapeChange::Op::Update:
            update.reset();
            bindShape(update, c.shape);
            update.bind(12, id);
            if (!update.run()) return fail(QStringLiteral("cannot update annotation %1").arg(id));
            if (db.changes() != 1) return fail(QStringLiteral("annotation %1 does not exist").arg(id));
            break;
        case ShapeChange::Op::Remove:
            remove.reset();
            remove.bind(1, id);
            if (!remove.run()) return fail(QStringLiteral("cannot remove annotation %1").arg(id));
            if (db.changes() != 1) return fail(QStringLiteral("annotation %1 does not exist").arg(id));
            break;
        }
    }
    return true;
}

} // namespace loupe::annotation
