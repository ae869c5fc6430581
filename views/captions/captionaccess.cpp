// SPDX-License-Identifier: MIT
#include "views/captions/captionaccess.h"

#include "core/store/captions.h"
#include "core/store/project.h"

#include <QHash>

namespace loupe::views {

QVector<CaptionItem> listCaptions(core::Project& project, qint64 assetId)
{
    QHash<qint64, QString> modelOfRun;
    for (const core::RunRecord& r : project.runs(assetId))
        modelOfRun.insert(r.id, r.modelPath);
    QVector<CaptionItem> out;
    for (const core::CaptionRow& row : core::captionsOf(project, assetId)) {
        CaptionItem c;
        c.id = row.id;
        c.text = row.text;
        c.source = row.source;
        c.runId = row.runId.value_or(0);
        c.model = modelOfRun.value(c.runId);
        c.created = row.created;
        out << c;
    }
    return out;
}

QStringList projectTags(core::Project& project)
{
    QStringList out;
    core::Statement s = project.db().prepare(
        QStringLiteral("SELECT DISTINCT j.value FROM asset_tags t, json_each(t.tags) j ORDER BY 1"));
    while (s.step())
        out << s.columnText(0);
    return out;
}

} // namespace loupe::views
