// SPDX-License-Identifier: MIT
// An in-memory ProjectAccess for export/import tests, and the sample dataset as such a project.
#pragma once

#include "annotation/bridge/projectaccess.h"
#include "sampledataset.h"

#include <algorithm>
#include <map>

namespace loupe::annotation::test {

class MemoryProject : public ProjectAccess
{
public:
    QString root;
    std::vector<ProjectImage> imgs;
    std::vector<LabelDef> labelDefs;
    std::map<qint64, std::vector<Shape>> shapes;
    bool refuse = false;
    qint64 nextShapeId = 1;

    QString imageRoot() const override { return root; }
    std::vector<ProjectImage> images() const override { return imgs; }
    std::vector<LabelDef> labels() const override { return labelDefs; }
    std::vector<Shape> shapesOf(qint64 imageId) const override
    {
        const auto it = shapes.find(imageId);
        return it == shapes.end() ? std::vector<Shape>{} : it->second;
    }
    bool importShapes(const std::vector<ImportItem>& items, QString* error) override
    {
        if (refuse) {
            *error = QStringLiteral("disk full");
            return false;
        }
        for (const ImportItem& item : items) {
            Shape s = item.shape;
            s.id = nextShapeId++;
            if (item.label.isEmpty()) {
                s.labelId = 0;
            } else {
                auto it = std::find_if(labelDefs.begin(), labelDefs.end(),
                                       [&](const LabelDef& l) { return l.name == item.label; });
                if (it == labelDefs.end()) {
                    LabelDef l;
                    l.id = 100 + qint64(labelDefs.size());
                    l.name = item.label;
                    labelDefs.push_back(l);
                    it = std::prev(labelDefs.end());
                }
                s.labelId = it->id;
            }
            shapes[s.imageId].push_back(s);
        }
        return true;
    }
    qsizetype shapeCount() const
    {
        qsizetype n = 0;
        for (const auto& [id, v] : shapes)
            n += qsizetype(v.size());
        return n;
    }
};

// The sample dataset as a project: images 10 (train) and 11 (val), labels with ids 5..8.
inline MemoryProject sampleProject(const QString& root)
{
    const Dataset d = test::sampleDataset();
    MemoryProject p;
    p.root = root;
    for (size_t i = 0; i < d.labels.size(); ++i) {
        LabelDef l = d.labels[i];
        l.id = 5 + qint64(i);
        p.labelDefs.push_back(l);
    }
    for (size_t i = 0; i < d.images.size(); ++i) {
        const DatasetImage& im = d.images[i];
        p.imgs.push_back({10 + qint64(i), im.path, im.width, im.height,
                          i == 0 ? QStringLiteral("train") : QStringLiteral("val")});
        for (Shape s : im.shapes) {
            s.imageId = 10 + qint64(i);
            s.labelId = s.labelId >= 0 ? 5 + s.labelId : 0;
            s.id = p.nextShapeId++;
            p.shapes[s.imageId].push_back(s);
        }
    }
    return p;
}

} // namespace loupe::annotation::test
