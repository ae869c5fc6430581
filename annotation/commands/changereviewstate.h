// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

// Accept, reject or flag shapes for fixing. A comment, when given, is kept in the "review_comment"
// attribute so it travels with the shape.
class ChangeReviewState : public ReplaceShapes
{
public:
    ChangeReviewState(AnnotationDocument& doc, const QList<qint64>& ids, ReviewState state,
                      const QString& comment = QString());
};

} // namespace loupe::annotation
