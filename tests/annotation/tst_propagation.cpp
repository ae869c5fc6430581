// SPDX-License-Identifier: MIT
// Propagation through a synthetic sequence (a square moving 3 px per frame, frames made at test time):
// boxes follow with OpenCV, masks and polygons with SAM (the golden SAM is tiny and random: the
// mechanics are checked, not the masks), what a run makes is one undo step, a run can be cancelled;
// keyframe interpolation is exact on a hand-made case; frames are ordered by number, not text.
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/commands/addshapes.h"
#include "annotation/geometry/raster.h"
#include "annotation/propagation/frameorder.h"
#include "annotation/propagation/interpolation.h"
#include "annotation/propagation/onestep.h"
#include "annotation/propagation/propagationjob.h"
#include "annotation/propagation/propagator.h"
#include "annotation/propagation/track.h"
#include "common/movingsquare.h"
#include "common/testsupport.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using namespace loupe::annotation;
using loupe::test::MovingSquare;

namespace {

Shape box(qint64 id, qint64 image, qint64 label, const QRectF& r, const QJsonObject& attributes = {})
{
    Shape s;
    s.id = id;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{r};
    s.attributes = attributes;
    return s;
}

} // namespace

class TestPropagation : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<core::Project> m_project;
    qint64 m_label = 0;
    std::vector<Frame> m_frames; // frame_0 .. frame_10 in playing order

    std::shared_ptr<const core::SamCheckpoint> sam()
    {
        return core::SamCheckpoint::open(loupe::test::goldenDir(QStringLiteral("sam_segment")));
    }

private slots:
    void init()
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("seq%1").arg(++n));
        const QStringList paths = MovingSquare::write(folder, 11);
        QCOMPARE(paths.size(), 11);
        QString error;
        m_project = core::Project::create(m_dir.filePath(QStringLiteral("p%1.loupe").arg(n)), &error);
        QVERIFY2(m_project, qPrintable(error));
        // Added backwards: the order comes from the names, not from the rows.
        QVector<core::AssetRecord> records;
        for (int i = int(paths.size()) - 1; i >= 0; --i) {
            core::AssetRecord r;
            r.absolutePath = paths[i];
            r.sha256Hex = QStringLiteral("%1").arg(i, 2, 10, QLatin1Char('0'));
            r.width = MovingSquare::kWidth;
            r.height = MovingSquare::kHeight;
            records.push_back(r);
        }
        QVERIFY2(m_project->addAssets(records, &error), qPrintable(error));
        QVERIFY2(m_project->addLabel({0, QStringLiteral("square"), Qt::yellow, {}, 0}, &error),
                 qPrintable(error));
        m_label = m_project->labels().at(0).id;
        ProjectStoreAccess access(*m_project);
        const FolderFrameOrder order(access);
        const qint64 any = access.images().front().id;
        m_frames = order.sequenceOf(any);
    }

    void cleanup() { m_project.reset(); }

    void framesPlayInNumberOrder()
    {
        QCOMPARE(int(m_frames.size()), 11);
        for (int i = 0; i < 11; ++i)
            QVERIFY2(m_frames[size_t(i)].path.endsWith(QStringLiteral("/frame_%1.png").arg(i)),
                     qPrintable(m_frames[size_t(i)].path));
        // The store's own sequences agree.
        const std::vector<Frame> stored = ProjectFrameOrder(*m_project).sequenceOf(m_frames[3].id);
        QCOMPARE(int(stored.size()), 11);
        for (int i = 0; i < 11; ++i) {
            QCOMPARE(stored[size_t(i)].id, m_frames[size_t(i)].id);
            QCOMPARE(QFileInfo(stored[size_t(i)].path), QFileInfo(m_frames[size_t(i)].path));
        }
        ProjectStoreAccess access(*m_project);
        const FolderFrameOrder order(access);
        QString error;
        QCOMPARE(int(framesFromTo(order, m_frames[2].id, m_frames[10].id, &error).size()), 9);
        QVERIFY(framesFromTo(order, m_frames[5].id, m_frames[1].id, &error).empty());
        QVERIFY2(error.contains(QLatin1String("plays before")), qPrintable(error));
        QVERIFY(framesFromTo(order, m_frames[0].id, 9999, &error).empty());
        QVERIFY2(error.contains(QLatin1String("9999")), qPrintable(error));
    }

    void boxesFollowWithOpenCvAsOneUndoStep()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        ProjectAnnotations pa(*m_project);
        AnnotationDocument& doc = *pa.document();
        doc.undoStack()->push(new AddShapes(doc, {box(0, m_frames[0].id, m_label, MovingSquare::squareAt(0),
                                                      QJsonObject{{QStringLiteral("occluded"), false}})}));
        const Shape seed = doc.shapes(m_frames[0].id).at(0);

        PropagationRequest request;
        request.frames.assign(m_frames.begin(), m_frames.begin() + 10);
        request.shapes = {seed};
        QList<int> progress;
        PropagationResult result = propagate(request, [&](int done, int total) {
            QCOMPARE(total, 9);
            progress << done;
        });
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(progress, (QList<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
        QCOMPARE(int(result.tracks.size()), 1);
        QCOMPARE(result.tracks[0].carried, 9);
        QCOMPARE(result.tracks[0].lostAt, 0);
        QCOMPARE(int(result.shapes.size()), 9);

        const int steps = doc.undoStack()->count();
        const std::vector<qint64> ids = addAsOneStep(doc, result.shapes, QStringLiteral("Propagate"));
        QCOMPARE(int(ids.size()), 9);
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        for (int i = 1; i < 10; ++i) {
            const std::vector<Shape> shapes = doc.shapes(m_frames[size_t(i)].id);
            QCOMPARE(int(shapes.size()), 1);
            const Shape& s = shapes[0];
            QCOMPARE(s.source, ShapeSource::Model);
            QCOMPARE(s.review, ReviewState::New);
            QCOMPARE(s.labelId, m_label);
            QVERIFY(s.score.has_value());
            QCOMPARE(trackOf(s), seed.id);
            QCOMPARE(trackOf(s), trackOf(seed));
            QCOMPARE(s.attributes.value(QStringLiteral("occluded")), QJsonValue(false));
            if (i == 9) {
                const double overlap =
                    loupe::test::iou(std::get<RectangleGeom>(s.geometry).rect, MovingSquare::squareAt(9));
                QVERIFY2(overlap >= 0.7, qPrintable(QString::number(overlap)));
            }
        }
        // Undo takes the whole run back, redo brings it back.
        doc.undoStack()->undo();
        for (int i = 1; i < 10; ++i)
            QVERIFY(doc.shapes(m_frames[size_t(i)].id).empty());
        QCOMPARE(int(doc.shapes(m_frames[0].id).size()), 1);
        doc.undoStack()->redo();
        for (int i = 1; i < 10; ++i)
            QCOMPARE(int(doc.shapes(m_frames[size_t(i)].id).size()), 1);
    }

    void masksAndPolygonsFollowWithSam()
    {
        const QRect square = MovingSquare::squareAt(0);
        Shape mask;
        mask.id = 41;
        mask.imageId = m_frames[0].id;
        mask.labelId = m_label;
        mask.geometry =
            MaskGeom{polygonToMask(QPolygonF(QRectF(square)), MovingSquare::kWidth, MovingSquare::kHeight)};
        Shape polygon = mask;
        polygon.id = 42;
        polygon.attributes.insert(kTrackAttribute, 7);
        polygon.geometry = PolygonGeom{QPolygonF(QRectF(square))};
        Shape boxShape = box(43, m_frames[0].id, m_label, square);

        PropagationRequest request;
        request.frames.assign(m_frames.begin(), m_frames.begin() + 6);
        request.shapes = {mask, polygon, boxShape};
        request.sam = sam();
        request.boxTracker = BoxTrackerKind::Sam;
        request.samOptions = core::SamTrackOptions::permissive();
        const PropagationResult result = propagate(request);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(int(result.tracks.size()), 3);
        for (const TrackReport& t : result.tracks) {
            QVERIFY2(!t.skipped && !t.lostAt, qPrintable(t.reason));
            QCOMPARE(t.carried, 5);
        }
        QCOMPARE(int(result.shapes.size()), 15);
        for (const Shape& s : result.shapes) {
            QCOMPARE(s.source, ShapeSource::Model);
            QVERIFY(s.score.has_value());
            if (trackOf(s) == 41) {
                QCOMPARE(s.kind(), ShapeKind::Mask);
                const RleMask& m = std::get<MaskGeom>(s.geometry).mask;
                QCOMPARE(m.width(), MovingSquare::kWidth);
                QVERIFY(!m.isEmpty());
            } else if (trackOf(s) == 7) {
                QCOMPARE(s.kind(), ShapeKind::Polygon);
                QVERIFY(std::get<PolygonGeom>(s.geometry).points.size() >= 3);
            } else {
                QCOMPARE(trackOf(s), 43);
                QCOMPARE(s.kind(), ShapeKind::Rectangle);
            }
        }
    }

    void shapesThatCannotFollowAreReported()
    {
        Shape mask;
        mask.id = 5;
        mask.imageId = m_frames[0].id;
        mask.labelId = m_label;
        mask.geometry = MaskGeom{RleMask(MovingSquare::kWidth, MovingSquare::kHeight)};
        Shape point = mask;
        point.id = 6;
        point.geometry = PointGeom{QPointF(3, 3)};
        PropagationRequest request;
        request.frames.assign(m_frames.begin(), m_frames.begin() + 3);
        request.shapes = {mask, point};
        const PropagationResult result = propagate(request);
        QCOMPARE(int(result.tracks.size()), 2);
        QVERIFY(result.tracks[0].skipped);
        QVERIFY2(result.tracks[0].reason.contains(QLatin1String("SAM model")),
                 qPrintable(result.tracks[0].reason));
        QVERIFY(result.tracks[1].skipped);
        QVERIFY2(result.tracks[1].reason.contains(QLatin1String("point")),
                 qPrintable(result.tracks[1].reason));
        QVERIFY(result.shapes.empty());
    }

    void cancelledRunAddsNothing()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        PropagationRequest request;
        request.frames.assign(m_frames.begin(), m_frames.begin() + 6);
        request.shapes = {box(9, m_frames[0].id, m_label, MovingSquare::squareAt(0))};
        int frames = 0;
        const PropagationResult result = propagate(
            request, [&](int done, int) { frames = done; }, [&] { return frames >= 2; });
        QVERIFY(result.cancelled);
        QCOMPARE(frames, 2);
        QVERIFY(result.shapes.empty());
    }

    void unreadableFrameFailsTheRun()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        PropagationRequest request;
        request.frames.assign(m_frames.begin(), m_frames.begin() + 4);
        request.frames[2].path = m_dir.filePath(QStringLiteral("missing.png"));
        request.shapes = {box(9, m_frames[0].id, m_label, MovingSquare::squareAt(0))};
        const PropagationResult result = propagate(request);
        QVERIFY2(result.error.contains(QLatin1String("missing.png")), qPrintable(result.error));
        QVERIFY(result.shapes.empty());
    }

    // The window's path: a job on a worker thread with its own connection, the result pushed as one
    // undo step on this thread; then an interpolation job fills the frames a second keyframe leaves.
    void jobsAddOneUndoStepEach()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        ProjectAnnotations pa(*m_project);
        AnnotationDocument& doc = *pa.document();
        doc.undoStack()->push(
            new AddShapes(doc, {box(0, m_frames[0].id, m_label, MovingSquare::squareAt(0))}));
        const int steps = doc.undoStack()->count();
        core::JobTracker jobs;
        PropagationJobRequest request;
        request.projectPath = m_project->path();
        request.from = m_frames[0].id;
        request.frames = 4;
        PropagationJobReport report;
        core::JobHandle* job =
            startPropagationJob(jobs, doc, request, [&](const PropagationJobReport& r) { report = r; });
        QSignalSpy done(job, &core::JobHandle::finished);
        QVERIFY(done.wait(60000));
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(report.added, 4);
        QCOMPARE(job->done(), 4);
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        for (int i = 1; i <= 4; ++i) {
            const std::vector<Shape> carried = doc.shapes(m_frames[size_t(i)].id);
            QCOMPARE(int(carried.size()), 1);
            // Traceable: the frame's propagate run, written by the worker.
            const QVector<core::RunRecord> runs =
                m_project->runs(m_frames[size_t(i)].id, QStringLiteral("propagate"));
            QCOMPARE(runs.size(), 1);
            QCOMPARE(carried[0].runId, runs[0].id);
        }
        QVERIFY(doc.shapes(m_frames[5].id).empty());

        // A keyframe on frame 8: frames 5..7 are filled between frame 4's box and it.
        doc.undoStack()->push(new AddShapes(
            doc, {box(0, m_frames[8].id, m_label, MovingSquare::squareAt(8),
                      QJsonObject{{kTrackAttribute, trackOf(doc.shapes(m_frames[4].id).at(0))}})}));
        request.mode = PropagationJobRequest::Mode::Interpolate;
        job = startPropagationJob(jobs, doc, request, [&](const PropagationJobReport& r) { report = r; });
        QSignalSpy interpolated(job, &core::JobHandle::finished);
        QVERIFY(interpolated.wait(60000));
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(report.added, 3);
        QCOMPARE(report.interpolatedTracks, 1);
        for (int i = 5; i <= 7; ++i)
            QCOMPARE(int(doc.shapes(m_frames[size_t(i)].id).size()), 1);
        doc.undoStack()->undo();
        for (int i = 5; i <= 7; ++i)
            QVERIFY(doc.shapes(m_frames[size_t(i)].id).empty());
    }

    void cancelledJobAddsNothing()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        ProjectAnnotations pa(*m_project);
        AnnotationDocument& doc = *pa.document();
        doc.undoStack()->push(
            new AddShapes(doc, {box(0, m_frames[0].id, m_label, MovingSquare::squareAt(0))}));
        const int steps = doc.undoStack()->count();
        core::JobTracker jobs;
        PropagationJobRequest request;
        request.projectPath = m_project->path();
        request.from = m_frames[0].id;
        core::JobHandle* job = startPropagationJob(jobs, doc, request);
        QSignalSpy done(job, &core::JobHandle::finished);
        job->requestCancel();
        QVERIFY(done.wait(60000));
        QCOMPARE(job->state(), core::JobHandle::State::Cancelled);
        QCOMPARE(doc.undoStack()->count(), steps);
        QVERIFY(doc.shapes(m_frames[1].id).empty());
    }

    void interpolationIsExactBetweenKeyframes()
    {
        const std::vector<qint64> frames{11, 12, 13, 14, 15};
        std::map<qint64, std::vector<Shape>> shapes;
        // A person's two boxes of one object (no track: joined by their label).
        shapes[11].push_back(box(1, 11, 3, QRectF(0, 0, 10, 10)));
        shapes[15].push_back(box(2, 15, 3, QRectF(40, 20, 20, 30)));
        // A track from an earlier propagation, keyframes two frames apart.
        const QJsonObject track{{kTrackAttribute, 70}};
        shapes[11].push_back(box(3, 11, 5, QRectF(100, 100, 8, 8), track));
        shapes[13].push_back(box(4, 13, 5, QRectF(110, 104, 12, 8), track));
        // Label 9 is drawn twice on frame 11: which one goes where is unknown, so nothing is filled.
        shapes[11].push_back(box(5, 11, 9, QRectF(0, 50, 5, 5)));
        shapes[11].push_back(box(6, 11, 9, QRectF(20, 50, 5, 5)));
        shapes[14].push_back(box(7, 14, 9, QRectF(30, 50, 5, 5)));

        const InterpolationResult result = interpolateBoxes(frames, shapes);
        QCOMPARE(result.tracks, 2);
        QCOMPARE(int(result.shapes.size()), 4);
        std::map<std::pair<qint64, qint64>, QRectF> got; // (track, frame) -> box
        for (const Shape& s : result.shapes) {
            QCOMPARE(s.source, ShapeSource::Model);
            QCOMPARE(s.review, ReviewState::New);
            QVERIFY(hasTrackAttribute(s));
            got[{trackOf(s), s.imageId}] = std::get<RectangleGeom>(s.geometry).rect;
        }
        QCOMPARE(got[std::make_pair(qint64(1), qint64(12))], QRectF(QPointF(10, 5), QPointF(22.5, 20)));
        QCOMPARE(got[std::make_pair(qint64(1), qint64(13))], QRectF(QPointF(20, 10), QPointF(35, 30)));
        QCOMPARE(got[std::make_pair(qint64(1), qint64(14))], QRectF(QPointF(30, 15), QPointF(47.5, 40)));
        QCOMPARE(got[std::make_pair(qint64(70), qint64(12))], QRectF(QPointF(105, 102), QPointF(115, 110)));
        for (const Shape& s : result.shapes)
            QCOMPARE(s.labelId, trackOf(s) == 70 ? qint64(5) : qint64(3));
    }
};

QTEST_MAIN(TestPropagation)
#include "tst_propagation.moc"
