// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/commandids.h"
#include "annotation/commands/replaceshapes.h"

#include <QJsonValue>

namespace loupe::annotation {

// Sets (or, with an undefined/null value, removes) one attribute on shapes. Typing into one attribute
// field is one edit session: same session, shapes and key merge into one undo step (session 0 never
// merges).
class ChangeAttributes : public ReplaceShapes
{
public:
    ChangeAttributes(AnnotationDocument& doc, const QList<qint64>& ids, const QString& key,
                     const QJsonValue& value, int session = 0);
    int id() const override { return CmdChangeAttributes; }

protected:
    bool canMerge(const ReplaceShapes& later) const override;

private:
    QString m_key;
    int m_session;
};

} // namespace loupe::annotation
