// SPDX-License-Identifier: MIT
// Time to commit one annotation edit to the SQLite project through the document (the command, its
// BEGIN IMMEDIATE ... COMMIT on the annotations table, and the undo history record), printed as JSON.
// Target: < 5 ms per committed edit. The image already holds --shapes shapes and the history grows
// through the run, as in a long session.
// Usage: loupe_bench_annotation_edit [--edits N] [--shapes N] [--dir D] [--wal-autocheckpoint PAGES]
// (--wal-autocheckpoint 0 shows how much of the worst case is SQLite's checkpoint inside a commit.)
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/changereviewstate.h"
#include "annotation/commands/moveshapes.h"
#include "core/store/project.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace loupe;
using namespace loupe::annotation;

namespace {

nlohmann::json timeEach(int n, const std::function<void(int)>& edit)
{
    std::vector<double> ms;
    ms.reserve(size_t(n));
    QElapsedTimer t;
    for (int i = 0; i < n; ++i) {
        t.start();
        edit(i);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    return {{"edits", n},
            {"mean_ms", sum / n},
            {"median_ms", sorted[sorted.size() / 2]},
            {"p95_ms", sorted[std::min(sorted.size() - 1, sorted.size() * 95 / 100)]},
            {"max_ms", sorted.back()}};
}

Shape polygon(qint64 image, qint64 label, int i)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    QPolygonF p;
    for (int k = 0; k < 24; ++k) // a typical hand-drawn outline
        p << QPointF(100 + (i % 50) * 10 + k, 100 + (i / 50) * 10 + (k % 5));
    s.geometry = PolygonGeom{p};
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int edits = 500, shapes = 1000, autocheckpoint = -1;
    QString base;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--edits"))
            edits = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--shapes"))
            shapes = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--wal-autocheckpoint"))
            autocheckpoint = args[++i].toInt();
        else if (args[i] == QLatin1String("--dir"))
            base = args[++i];
    }
    QTemporaryDir tmp((base.isEmpty() ? QDir::tempPath() : base) +
                      QStringLiteral("/loupe_bench_edit_XXXXXX"));
    QString error;
    auto project = core::Project::create(tmp.filePath(QStringLiteral("bench.loupe")), &error);
    if (!project) {
        std::cerr << error.toStdString() << "\n";
        return 1;
    }
    core::AssetRecord asset;
    asset.absolutePath = tmp.filePath(QStringLiteral("image.png"));
    asset.sha256Hex = QStringLiteral("0").repeated(64);
    asset.width = 4000;
    asset.height = 3000;
    if (!project->addAssets({asset}, &error)) {
        std::cerr << error.toStdString() << "\n";
        return 1;
    }
    const qint64 image = project->assetPage({}, 0, 1).at(0).id;
    const qint64 cat = project->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}).value_or(0);
    const qint64 dog = project->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1}).value_or(0);

    if (autocheckpoint >= 0)
        project->db().exec(QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(autocheckpoint));
    ProjectAnnotations pa(*project);
    AnnotationDocument& doc = *pa.document();
    QUndoStack* stack = pa.undoStack();
    QObject::connect(&doc, &AnnotationDocument::storeFailed,
                     [](const QString& m) { std::cerr << "store failed: " << m.toStdString() << "\n"; });
    std::vector<Shape> initial;
    for (int i = 0; i < shapes; ++i)
        initial.push_back(polygon(image, cat, i));
    stack->push(new AddShapes(doc, initial));
    std::vector<qint64> ids;
    for (const Shape& s : doc.shapes(image))
        ids.push_back(s.id);

    nlohmann::json out;
    out["benchmark"] = "annotation_edit";
    out["shapes_on_image"] = shapes;
    out["wal_autocheckpoint"] =
        autocheckpoint < 0 ? nlohmann::json("default") : nlohmann::json(autocheckpoint);
    out["add_shape"] =
        timeEach(edits, [&](int i) { stack->push(new AddShapes(doc, {polygon(image, dog, i)})); });
    out["move_shape"] = timeEach(edits, [&](int i) {
        stack->push(new MoveShapes(doc, {ids[size_t(i) % ids.size()]}, QPointF(1, 1), 1000 + i));
    });
    const int before = stack->count();
    out["drag_step_merged"] =
        timeEach(edits, [&](int) { stack->push(new MoveShapes(doc, {ids[0]}, QPointF(0.5, 0), 7)); });
    out["drag_undo_steps"] = stack->count() - before;
    out["change_label"] = timeEach(edits, [&](int i) {
        stack->push(new ChangeLabel(doc, {ids[size_t(i) % ids.size()]}, i % 2 ? cat : dog));
    });
    out["review"] = timeEach(edits, [&](int i) {
        stack->push(new ChangeReviewState(doc, {ids[size_t(i) % ids.size()]}, ReviewState::Accepted));
    });
    out["undo"] = timeEach(edits, [&](int) { stack->undo(); });
    out["redo"] = timeEach(edits, [&](int) { stack->redo(); });
    out["history_steps"] = stack->count();
    QElapsedTimer reopen;
    reopen.start();
    {
        ProjectAnnotations again(*project);
        out["reopen_history_ms"] = double(reopen.nsecsElapsed()) / 1e6;
        out["reopen_history_steps"] = again.undoStack()->count();
    }
    double worst = 0;
    for (const char* k :
         {"add_shape", "move_shape", "drag_step_merged", "change_label", "review", "undo", "redo"})
        worst = std::max(worst, out[k]["median_ms"].get<double>());
    out["target_ms"] = 5.0;
    out["worst_median_ms"] = worst;
    out["meets_target"] = worst < 5.0;
    std::cout << out.dump(2) << std::endl;
    return 0;
}
