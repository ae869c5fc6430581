// SPDX-License-Identifier: MIT
#include "editscript.h"

#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/removeshapes.h"
#include "core/store/project.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace loupe::crashtest {

namespace {

QRandomGenerator stepRandom(quint32 seed, int step)
{
    return QRandomGenerator(seed * 7919u + quint32(step));
}

} // namespace

QString stepKindName(StepKind kind)
{
    switch (kind) {
    case StepKind::Push:
        return QStringLiteral("push");
    case StepKind::Undo:
        return QStringLiteral("undo");
    case StepKind::Redo:
        return QStringLiteral("redo");
    }
    return {};
}

ScriptTargets scriptTargets(core::Project& project)
{
    ScriptTargets t;
    const auto page = project.assetPage({}, 0, 1);
    if (!page.isEmpty()) t.image = page.first().id;
    const auto labels = project.labels();
    for (int i = 0; i < 2 && i < labels.size(); ++i)
        t.labels[i] = labels[i].id;
    return t;
}

StepKind chooseStep(annotation::ProjectAnnotations& pa, quint32 seed, int step)
{
    QRandomGenerator rng = stepRandom(seed, step);
    const int roll = rng.bounded(100);
    const QUndoStack* stack = pa.undoStack();
    if (roll < 12 && stack->canUndo()) return StepKind::Undo;
    if (roll < 18 && stack->canRedo()) return StepKind::Redo;
    return StepKind::Push;
}

void performStep(annotation::ProjectAnnotations& pa, const ScriptTargets& targets, quint32 seed, int step,
                 StepKind kind)
{
    QUndoStack* stack = pa.undoStack();
    if (kind == StepKind::Undo) {
        stack->undo();
        return;
    }
    if (kind == StepKind::Redo) {
        stack->redo();
        return;
    }
    QRandomGenerator rng = stepRandom(seed, step);
    rng.bounded(100); // the roll chooseStep used
    annotation::AnnotationDocument& doc = *pa.document();
    const std::vector<annotation::Shape> shapes = doc.shapes(targets.image);
    const int what = shapes.empty() ? 0 : rng.bounded(100);
    if (what < 40) {
        annotation::Shape s;
        s.imageId = targets.image;
        s.labelId = targets.labels[rng.bounded(2)];
        s.geometry = annotation::RectangleGeom{
            QRectF(rng.bounded(50), rng.bounded(40), 5 + rng.bounded(20), 5 + rng.bounded(20))};
        stack->push(new annotation::AddShapes(doc, {s}));
        return;
    }
    const qint64 id = shapes[size_t(rng.bounded(int(shapes.size())))].id;
    if (what < 70) {
        // A gesture of its own: steps never merge, so each one is one entry of the stack.
        stack->push(new annotation::MoveShapes(doc, {id}, QPointF(rng.bounded(5) - 2, rng.bounded(5) - 2),
                                               1000 + step));
    } else if (what < 88) {
        const qint64 label =
            doc.shape(id)->labelId == targets.labels[0] ? targets.labels[1] : targets.labels[0];
        stack->push(new annotation::ChangeLabel(doc, {id}, label));
    } else {
        stack->push(new annotation::RemoveShapes(doc, {id}));
    }
}

QByteArray annotationDigest(core::Project& project)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    core::Statement s = project.db().prepare(
        QStringLiteral("SELECT id, asset_id, IFNULL(label_id, 0), kind, geometry, attributes, review_state "
                       "FROM annotations ORDER BY id"));
    while (s.step()) {
        for (int c = 0; c < 7; ++c) {
            h.addData(s.columnText(c).toUtf8());
            h.addData(QByteArrayView("|"));
        }
        h.addData(QByteArrayView("\n"));
    }
    return h.result().toHex().left(16);
}

} // namespace loupe::crashtest
