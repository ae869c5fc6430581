// SPDX-License-Identifier: MIT
// ProjectAnnotationStore's labels and tags: the labels table (name, colour, hotkey) plus two tables of
// the editor's own (schema 4), label_definitions (attribute specs, keypoints, skeleton as JSON) and
// asset_tags.
#include "annotation/bridge/labeldefinitions.h"
#include "annotation/bridge/projectannotationstore.h"
#include "annotation/shapes/labeldefjson.h"
#include "annotation/store/shaperow.h"
#include "core/store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace loupe::annotation {

Q_DECLARE_LOGGING_CATEGORY(lcProjectStore)

std::vector<LabelDef> readProjectLabels(core::Project& project, QStringList* errors)
{
    std::vector<LabelDef> out;
    core::Statement s = project.db().prepare(
        QStringLiteral("SELECT l.id, l.name, l.color, l.hotkey, d.definition FROM labels l "
                       "LEFT JOIN label_definitions d ON d.label_id = l.id ORDER BY l.ord, l.id"));
    while (s.step()) {
        LabelDef l;
        l.id = s.columnInt64(0);
        l.name = s.columnText(1);
        l.color = QColor(s.columnText(2));
        l.hotkey = s.columnText(3);
        if (!s.columnIsNull(4)) {
            QString error;
            const QJsonObject o = QJsonDocument::fromJson(s.columnText(4).toUtf8()).object();
            if (!labelDefinitionFromJson(o, &l, &error)) {
                if (errors) *errors << QStringLiteral("%1: %2").arg(project.path(), error);
                l.attributes.clear();
                l.keypointNames.clear();
                l.skeleton.clear();
            }
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<LabelDef> ProjectAnnotationStore::labels() const
{
    return readProjectLabels(m_project, &m_readErrors);
}

QStringList ProjectAnnotationStore::tags(qint64 imageId) const
{
    core::Statement s =
        m_project.db().prepare(QStringLiteral("SELECT tags FROM asset_tags WHERE asset_id = ?1"));
    s.bind(1, imageId);
    if (!s.step()) return {};
    QStringList out;
    for (const QJsonValue& v : QJsonDocument::fromJson(s.columnText(0).toUtf8()).array())
        out << v.toString();
    return out;
}

std::vector<Shape> ProjectAnnotationStore::shapesWithLabel(qint64 labelId) const
{
    std::vector<Shape> out;
    core::Statement s = m_project.db().prepare(QStringLiteral("SELECT DISTINCT asset_id FROM annotations "
                                                              "WHERE label_id = ?1 ORDER BY asset_id"));
    s.bind(1, labelId);
    QList<qint64> assets;
    while (s.step())
        assets << s.columnInt64(0);
    for (qint64 asset : assets)
        for (Shape& shape : shapesOf(asset))
            if (shape.labelId == labelId) out.push_back(std::move(shape));
    return out;
}

bool ProjectAnnotationStore::writeLabel(const LabelChange& c, qint64* id, const Fail& fail)
{
    core::Database& db = m_project.db();
    const LabelDef& l = c.label;
    const QString color = l.color.isValid() ? l.color.name() : QStringLiteral("#ff0000");
    if (c.op == LabelChange::Op::Insert) {
        core::Statement s = db.prepare(
            l.id ? QStringLiteral("INSERT INTO labels(name, color, hotkey, ord, id) VALUES(?1, ?2, ?3, "
                                  "(SELECT COALESCE(MAX(ord), 0) + 1 FROM labels), ?4)")
                 : QStringLiteral("INSERT INTO labels(name, color, hotkey, ord) VALUES(?1, ?2, ?3, "
                                  "(SELECT COALESCE(MAX(ord), 0) + 1 FROM labels))"));
        s.bind(1, l.name).bind(2, color).bind(3, l.hotkey);
        if (l.id) s.bind(4, l.id);
        if (!s.run()) return fail(QStringLiteral("cannot add label \"%1\"").arg(l.name));
        *id = l.id ? l.id : db.lastInsertId();
    } else {
        core::Statement s =
            db.prepare(QStringLiteral("UPDATE labels SET name = ?1, color = ?2, hotkey = ?3 WHERE id = ?4"));
        s.bind(1, l.name).bind(2, color).bind(3, l.hotkey).bind(4, l.id);
        if (!s.run()) return fail(QStringLiteral("cannot change label \"%1\"").arg(l.name));
        if (db.changes() != 1) return fail(QStringLiteral("label %1 does not exist").arg(l.id));
        *id = l.id;
    }
    const QJsonObject definition = labelDefinitionToJson(l);
    core::Statement d = db.prepare(
        definition.isEmpty() ? QStringLiteral("DELETE FROM label_definitions WHERE label_id = ?1")
                             : QStringLiteral("INSERT OR REPLACE INTO label_definitions VALUES(?1, ?2)"));
    d.bind(1, *id);
    if (!definition.isEmpty())
        d.bind(2, QString::fromUtf8(QJsonDocument(definition).toJson(QJsonDocument::Compact)));
    return d.run() || fail(QStringLiteral("cannot store the definition of label \"%1\"").arg(l.name));
}

bool ProjectAnnotationStore::removeLabel(qint64 id, const Fail& fail)
{
    core::Database& db = m_project.db();
    core::Statement d = db.prepare(QStringLiteral("DELETE FROM label_definitions WHERE label_id = ?1"));
    d.bind(1, id);
    core::Statement s = db.prepare(QStringLiteral("DELETE FROM labels WHERE id = ?1"));
    s.bind(1, id);
    if (!d.run() || !s.run()) return fail(QStringLiteral("cannot remove label %1").arg(id));
    if (db.changes() != 1) return fail(QStringLiteral("label %1 does not exist").arg(id));
    return true;
}

bool ProjectAnnotationStore::writeTags(const TagChange& c, const Fail& fail)
{
    core::Database& db = m_project.db();
    core::Statement s =
        db.prepare(c.tags.isEmpty() ? QStringLiteral("DELETE FROM asset_tags WHERE asset_id = ?1")
                                    : QStringLiteral("INSERT OR REPLACE INTO asset_tags VALUES(?1, ?2)"));
    s.bind(1, c.imageId);
    if (!c.tags.isEmpty())
        s.bind(2, QString::fromUtf8(
                      QJsonDocument(QJsonArray::fromStringList(c.tags)).toJson(QJsonDocument::Compact)));
    return s.run() || fail(QStringLiteral("cannot store the tags of image %1").arg(c.imageId));
}

} // namespace loupe::annotation
