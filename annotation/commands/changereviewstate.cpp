// SPDX-License-Identifier: MIT
#include "annotation/commands/changereviewstate.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> reviewed(std::vector<Shape> shapes, ReviewState state, const QString& comment)
{
    for (Shape& s : shapes) {
        s.review = state;
        if (!comment.isEmpty()) s.attributes.insert(QStringLiteral("review_comment"), comment);
    }
    return shapes;
}

} // namespace

ChangeReviewState::ChangeReviewState(AnnotationDocument& doc, const QList<qint64>& ids, ReviewState state,
                                     const QString& comment)
    : ReplaceShapes(doc, reviewed(current(doc, ids), state, comment),
                    ChangeEvent::Review | (comment.isEmpty() ? 0 : int(ChangeEvent::Attributes)),
                    QObject::tr("Mark %n shape(s) %1", nullptr, int(ids.size())).arg(reviewStateName(state)))
{
}

} // namespace loupe::annotation
