// SPDX-License-Identifier: MIT
#include "annotation/commands/changeattributes.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> withAttribute(std::vector<Shape> shapes, const QString& key, const QJsonValue& value)
{
    for (Shape& s : shapes) {
        if (value.isNull() || value.isUndefined())
            s.attributes.remove(key);
        else
            s.attributes.insert(key, value);
    }
    return shapes;
}

} // namespace

ChangeAttributes::ChangeAttributes(AnnotationDocument& doc, const QList<qint64>& ids, const QString& key,
                                   const QJsonValue& value, int session)
    : ReplaceShapes(doc, withAttribute(current(doc, ids), key, value), ChangeEvent::Attributes,
                    QObject::tr("Change \"%1\"").arg(key)),
      m_key(key), m_session(session)
{
}

bool ChangeAttributes::canMerge(const ReplaceShapes& later) const
{
    const auto* o = static_cast<const ChangeAttributes*>(&later);
    return m_session != 0 && o->m_session == m_session && o->m_key == m_key && o->shapeIds() == shapeIds();
}

} // namespace loupe::annotation
