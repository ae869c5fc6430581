// SPDX-License-Identifier: MIT
// `loupe propagate` end to end on a synthetic sequence made here (a square moving 3 px per frame): the
// OpenCV tracker carries a box to the last frame as one undo step that the editor can take back after
// reopening; --interpolate fills boxes between two keyframes exactly; frames are named by id or path;
// bad input fails clearly.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/propagation/track.h"
#include "common/movingsquare.h"
#include "common/runloupe.h"
#include "core/inference/boxtracker.h"
#include "core/store/project.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::annotation;
using loupe::test::LoupeRun;
using loupe::test::MovingSquare;
using loupe::test::runLoupe;

class TestCliPropagate : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    QStringList m_paths;
    QList<qint64> m_ids; // frame i's asset id

    std::vector<Shape> shapesOf(int frame)
    {
        QString error;
        auto p = core::Project::open(m_project, &error);
        if (!p) return {};
        ProjectAnnotations pa(*p);
        return pa.document()->shapes(m_ids[frame]);
    }

    void addBox(int frame, const QRectF& r)
    {
        QString error;
        auto p = core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        ProjectAnnotations pa(*p);
        Shape s;
        s.imageId = m_ids[frame];
        s.labelId = p->labels().at(0).id;
        s.geometry = RectangleGeom{r};
        pa.undoStack()->push(new AddShapes(*pa.document(), {s}));
    }

private slots:
    void init()
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("run%1/frames").arg(++n));
        m_paths = MovingSquare::write(folder);
        QCOMPARE(m_paths.size(), 10);
        m_project = m_dir.filePath(QStringLiteral("run%1/p.loupe").arg(n));
        QString error;
        auto p = core::Project::create(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        QVector<core::AssetRecord> records;
        for (int i = 0; i < m_paths.size(); ++i) {
            core::AssetRecord r;
            r.absolutePath = m_paths[i];
            r.sha256Hex = QString::number(i);
            r.width = MovingSquare::kWidth;
            r.height = MovingSquare::kHeight;
            records.push_back(r);
        }
        QVERIFY2(p->addAssets(records, &error), qPrintable(error));
        QVERIFY2(p->addLabel({0, QStringLiteral("square"), Qt::yellow, {}, 0}, &error), qPrintable(error));
        m_ids.clear();
        for (const QString& path : m_paths) {
            const QVector<core::AssetRow> rows = p->assetPage({}, 0, 100);
            for (const core::AssetRow& row : rows)
                if (p->absolutePath(row.storedPath) == path) m_ids << row.id;
        }
        QCOMPARE(m_ids.size(), 10);
    }

    void openCvCarriesABoxAsOneUndoStep()
    {
        if (!core::openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        addBox(0, MovingSquare::squareAt(0));
        // FROM by path, TO by id.
        const LoupeRun r =
            runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[0],
                      QStringLiteral("--to"), QString::number(m_ids[9]), QStringLiteral("--tracker"),
                      QStringLiteral("opencv"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("created")).toArray().size(), 9);
        QCOMPARE(report.value(QStringLiteral("frames")).toInt(), 10);
        const QJsonObject track = report.value(QStringLiteral("tracks")).toArray().at(0).toObject();
        QCOMPARE(track.value(QStringLiteral("frames")).toInt(), 9);

        const std::vector<Shape> last = shapesOf(9);
        QCOMPARE(int(last.size()), 1);
        QCOMPARE(last[0].source, ShapeSource::Model);
        QCOMPARE(last[0].review, ReviewState::New);
        QCOMPARE(trackOf(last[0]), shapesOf(0).at(0).id);
        // Each frame's shape points at that frame's run, which says how it was made.
        {
            QString error;
            auto p = core::Project::open(m_project, &error);
            QVERIFY2(p, qPrintable(error));
            const QVector<core::RunRecord> runs = p->runs(m_ids[9], QStringLiteral("propagate"));
            QCOMPARE(runs.size(), 1);
            QCOMPARE(last[0].runId, runs[0].id);
            QCOMPARE(runs[0].parameters.value(QStringLiteral("tracker")).toString(),
                     QStringLiteral("opencv"));
            QCOMPARE(runs[0].parameters.value(QStringLiteral("from")).toInteger(), m_ids[0]);
            QVERIFY(runs[0].modelPath.isEmpty());
        }
        const double overlap =
            loupe::test::iou(std::get<RectangleGeom>(last[0].geometry).rect, MovingSquare::squareAt(9));
        QVERIFY2(overlap >= 0.7, qPrintable(QString::number(overlap)));

        // The editor, reopened, undoes the whole run in one step.
        {
            QString error;
            auto p = core::Project::open(m_project, &error);
            ProjectAnnotations pa(*p);
            QVERIFY(pa.openWarning().isEmpty());
            pa.undoStack()->undo();
        }
        for (int i = 1; i < 10; ++i)
            QVERIFY(shapesOf(i).empty());
        QCOMPARE(int(shapesOf(0).size()), 1);
    }

    void interpolateFillsBetweenKeyframes()
    {
        addBox(0, QRectF(0, 0, 10, 10));
        addBox(9, QRectF(90, 45, 19, 28));
        const LoupeRun r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"),
                                     QString::number(m_ids[0]), QStringLiteral("--to"),
                                     QStringLiteral("frames/frame_9.png"), QStringLiteral("--interpolate")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QLatin1String("8 new shape(s)")), qPrintable(r.out));
        const std::vector<Shape> third = shapesOf(3);
        QCOMPARE(int(third.size()), 1);
        // t = 3/9: corners (0,0)->(90,45) and (10,10)->(109,73).
        QCOMPARE(std::get<RectangleGeom>(third[0].geometry).rect, QRectF(QPointF(30, 15), QPointF(43, 31)));
        QCOMPARE(third[0].source, ShapeSource::Model);
        QString error;
        auto p = core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        const QVector<core::RunRecord> runs = p->runs(m_ids[3], QStringLiteral("interpolate"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(third[0].runId, runs[0].id);
    }

    // An imported video's frames: named SEQUENCE:N by their frame index in the source.
    void videoFramesAreNamedBySequenceAndIndex()
    {
        const QString project = m_dir.filePath(QStringLiteral("video.loupe"));
        QString error;
        {
            auto p = core::Project::create(project, &error);
            QVERIFY2(p, qPrintable(error));
            QVector<core::AssetRecord> records;
            for (int i = 0; i < m_paths.size(); ++i) {
                core::AssetRecord r;
                r.absolutePath = m_paths[i];
                r.sha256Hex = QStringLiteral("v%1").arg(i);
                r.width = MovingSquare::kWidth;
                r.height = MovingSquare::kHeight;
                r.sequence = QStringLiteral("clip");
                r.frame = 10 * i;
                records.push_back(r);
            }
            QVERIFY2(p->addAssets(records, &error), qPrintable(error));
            QVERIFY2(p->addLabel({0, QStringLiteral("square"), Qt::yellow, {}, 0}, &error),
                     qPrintable(error));
            core::SequenceKey key;
            key.name = QStringLiteral("clip");
            const QVector<core::SequenceFrame> frames = p->sequenceFrames(key);
            QCOMPARE(frames.size(), 10);
            ProjectAnnotations pa(*p);
            for (int i : {0, 9}) {
                Shape s;
                s.imageId = frames[i].assetId;
                s.labelId = p->labels().at(0).id;
                s.geometry = RectangleGeom{QRectF(3 * i, 0, 10, 10)};
                pa.undoStack()->push(new AddShapes(*pa.document(), {s}));
            }
        }
        LoupeRun r = runLoupe({QStringLiteral("propagate"), project, QStringLiteral("--from"),
                               QStringLiteral("clip:0"), QStringLiteral("--to"), QStringLiteral("clip:90"),
                               QStringLiteral("--interpolate"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report.value(QStringLiteral("created")).toArray().size(), 8);
        QCOMPARE(report.value(QStringLiteral("frames")).toInt(), 10);
        r = runLoupe({QStringLiteral("propagate"), project, QStringLiteral("--from"),
                      QStringLiteral("clip:0"), QStringLiteral("--to"), QStringLiteral("clip:5")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("clip:5: the sequence clip has no frame 5")),
                 qPrintable(r.err));
    }

    void badInputFailsClearly()
    {
        LoupeRun r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[5],
                               QStringLiteral("--to"), m_paths[1]});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("plays before")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"),
                      QStringLiteral("nosuch.png"), QStringLiteral("--to"), m_paths[1]});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("nosuch.png is neither an image id nor")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[0],
                      QStringLiteral("--to"), m_paths[3]});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("has no shapes to propagate")), qPrintable(r.err));
        addBox(0, MovingSquare::squareAt(0));
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[0],
                      QStringLiteral("--to"), m_paths[3], QStringLiteral("--tracker"),
                      QStringLiteral("sam")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--tracker sam needs --model")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[0],
                      QStringLiteral("--to"), m_paths[3], QStringLiteral("--tracker"),
                      QStringLiteral("kcf")});
        QCOMPARE(r.code, 2);
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--to"), m_paths[3]});
        QCOMPARE(r.code, 2);
        r = runLoupe({QStringLiteral("propagate"), m_project, QStringLiteral("--from"), m_paths[0],
                      QStringLiteral("--to"), m_paths[3], QStringLiteral("--shape"), QStringLiteral("9999")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("has no shape 9999")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliPropagate)
#include "tst_cli_propagate.moc"
