// SPDX-License-Identifier: MIT
// Annotation in the real window over a real SQLite project: the Annotate menu and tools act on the
// image shown, shapes land in the project, Edit > Undo/Redo follow the document's one undo stack,
// Next Unlabeled Image skips images with shapes, and the shapes are there after reopening.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "core/store/project.h"
#include "views/annotate/annotatetool.h"
#include "views/annotate/annotator.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/review/reviewdock.h"
#include "views/review/reviewsession.h"

#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDockWidget>
#include <QMenuBar>
#include <QMouseEvent>
#include <QPainter>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace loupe;
using namespace loupe::views;

namespace {

constexpr int kImages = 3;

bool makeProject(const QString& path, const QString& folder, QString* error)
{
    QDir().mkpath(folder);
    std::unique_ptr<core::Project> project = core::Project::create(path, error);
    if (!project) return false;
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < kImages; ++i) {
        QImage img(320, 240, QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 90, 120, 200));
        QPainter(&img).fillRect(10 + i, 10, 40, 40, Qt::white);
        const QString f = QDir(folder).filePath(QStringLiteral("img_%1.png").arg(i));
        if (!img.save(f)) return false;
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) return false;
        const QByteArray bytes = file.readAll();
        core::AssetRecord r;
        r.absolutePath = f;
        r.sha256Hex =
            QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        r.width = img.width();
        r.height = img.height();
        r.format = QStringLiteral("png");
        r.fileSize = bytes.size();
        r.split = QStringLiteral("train");
        batch.append(r);
    }
    if (!project->addAssets(batch, error)) return false;
    for (const auto& [name, key] : {std::pair{"car", "1"}, std::pair{"person", "2"}}) {
        core::Label l;
        l.name = QString::fromLatin1(name);
        l.color = QString::fromLatin1(name) == QLatin1String("car") ? Qt::red : Qt::green;
        l.hotkey = QString::fromLatin1(key);
        if (!project->addLabel(l, error)) return false;
    }
    return true;
}

QAction* editAction(MainWindow& w, int index)
{
    for (QAction* m : w.menuBar()->actions())
        if (m->text() == QLatin1String("&Edit")) return m->menu()->actions().value(index);
    return nullptr;
}

void dragOnCanvas(ImageCanvas* c, QPointF fromImage, QPointF toImage)
{
    const QPoint a = c->view().imageToWidget(fromImage).toPoint();
    const QPointF b = c->view().imageToWidget(toImage);
    QTest::mousePress(c, Qt::LeftButton, {}, a);
    QMouseEvent move(QEvent::MouseMove, b, c->mapToGlobal(b), Qt::NoButton, Qt::LeftButton, {});
    QApplication::sendEvent(c, &move);
    QTest::mouseRelease(c, Qt::LeftButton, {}, b.toPoint());
}

} // namespace

class TestAnnotateMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("annotate.loupe"));
        QString error;
        QVERIFY2(makeProject(m_project, m_dir.filePath(QStringLiteral("images")), &error), qPrintable(error));
    }

    void drawUndoRedoNextUnlabeledAndReopen()
    {
        qint64 firstAsset = 0;
        {
            MainWindow w(StoreBackend::opener());
            w.resize(1200, 800);
            w.show();
            QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
            Annotator* ann = w.annotation()->annotator();
            QVERIFY(w.annotation()->projectAnnotations());
            QVERIFY(w.annotation()->reviewDock());
            auto* labelsDock = w.findChild<QDockWidget*>(QStringLiteral("LabelsDock"));
            QVERIFY(labelsDock);
            QStringList panels;
            for (QAction* top : w.menuBar()->actions())
                if (top->text() == QLatin1String("&View"))
                    for (QAction* a : top->menu()->actions())
                        if (a->menu() && a->text() == QLatin1String("&Panels"))
                            for (QAction* p : a->menu()->actions())
                                panels << p->text();
            QVERIFY2(panels.contains(QStringLiteral("Labels")) && panels.contains(QStringLiteral("Review")),
                     qPrintable(panels.join(QLatin1Char(','))));
            QTRY_VERIFY_WITH_TIMEOUT(ann->scene()->isEditable(), 20000); // decoding on a loaded machine
            firstAsset = w.controller()->currentAsset();
            QCOMPARE(ann->scene()->imageId(), firstAsset);
            QCOMPARE(ann->scene()->imageSize(), QSize(320, 240));
            QCOMPARE(ann->scene()->labels().size(), size_t(2));

            ann->action(QStringLiteral("toolRectangle"))->trigger();
            dragOnCanvas(w.canvas(), {20, 30}, {120, 90});
            annotation::AnnotationDocument* doc = w.annotation()->projectAnnotations()->document();
            std::vector<annotation::Shape> shapes = doc->shapes(firstAsset);
            QCOMPARE(shapes.size(), size_t(1));
            const auto& rect = std::get<annotation::RectangleGeom>(shapes[0].geometry).rect;
            QVERIFY(qAbs(rect.left() - 20) < 1 && qAbs(rect.right() - 120) < 1);
            QCOMPARE(shapes[0].labelId, ann->scene()->labels().front().id);

            // Edit > Undo / Redo are the document's stack.
            QAction* undo = editAction(w, 0);
            QAction* redo = editAction(w, 1);
            QVERIFY(undo && redo);
            QVERIFY(undo->isEnabled());
            undo->trigger();
            QCOMPARE(doc->shapes(firstAsset).size(), size_t(0));
            QVERIFY(redo->isEnabled());
            redo->trigger();
            QCOMPARE(doc->shapes(firstAsset).size(), size_t(1));

            // The first image has a shape: Next Unlabeled goes to the second, which gets a point.
            w.annotation()->nextUnlabeled();
            QTRY_VERIFY(w.controller()->currentAsset() != firstAsset);
            const qint64 second = w.controller()->currentAsset();
            QTRY_COMPARE(ann->scene()->imageId(), second);
            ann->action(QStringLiteral("toolPoint"))->trigger();
            const QPoint p = w.canvas()->view().imageToWidget(QPointF(50, 50)).toPoint();
            QTest::mouseClick(w.canvas(), Qt::LeftButton, {}, p);
            QCOMPARE(doc->shapes(second).size(), size_t(1));
            w.controller()->selectRow(0);
            QTRY_COMPARE(ann->scene()->imageId(), firstAsset);
            w.annotation()->nextUnlabeled();
            QTRY_VERIFY(w.controller()->currentAsset() != firstAsset &&
                        w.controller()->currentAsset() != second);
        }
        // Reopened: the shapes are in the project, and the history came back with them.
        MainWindow w(StoreBackend::opener());
        w.show();
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        annotation::AnnotationDocument* doc = w.annotation()->projectAnnotations()->document();
        QCOMPARE(doc->shapes(firstAsset).size(), size_t(1));
        QVERIFY(editAction(w, 0)->isEnabled());
        QTRY_COMPARE(w.annotation()->annotator()->scene()->shapeCount(), 1);
    }

    // Review keys are window-wide and unique: Y / X / F give the Review dock's current shape its
    // verdict with the canvas or the dock focused, N / Shift+N walk the queue, and none of them picks a
    // tool (R is the rectangle tool everywhere). Ctrl+Y redoes.
    void reviewKeysFromCanvasAndDockAndCtrlY()
    {
        const QString file = m_dir.filePath(QStringLiteral("review.loupe"));
        QString error;
        QVERIFY2(makeProject(file, m_dir.filePath(QStringLiteral("review-images")), &error),
                 qPrintable(error));
        MainWindow w(StoreBackend::opener());
        w.resize(1200, 800);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY2(w.openProject(file, true), qPrintable(w.lastError()));
        Annotator* ann = w.annotation()->annotator();
        QTRY_VERIFY_WITH_TIMEOUT(ann->scene()->isEditable(), 20000);
        const qint64 asset = w.controller()->currentAsset();
        annotation::AnnotationDocument* doc = w.annotation()->projectAnnotations()->document();
        std::vector<annotation::Shape> proposals;
        for (double score : {0.9, 0.2, 0.5}) {
            annotation::Shape s;
            s.imageId = asset;
            s.labelId = ann->scene()->labels().front().id;
            s.geometry = annotation::RectangleGeom{QRectF(10 + 50 * score, 10, 20, 20)};
            s.score = score;
            s.source = annotation::ShapeSource::Model;
            proposals.push_back(s);
        }
        auto* add = new annotation::AddShapes(*doc, proposals);
        w.annotation()->projectAnnotations()->undoStack()->push(add);
        const qint64 high = add->shapes()[0].id, low = add->shapes()[1].id, mid = add->shapes()[2].id;
        ReviewDock* dock = w.annotation()->reviewDock();
        // With a project open (Review dock, label keys) no two window-wide actions share a key either.
        QHash<QString, QString> owner;
        for (QAction* a : w.findChildren<QAction*>()) {
            if (a->shortcutContext() != Qt::WindowShortcut && a->shortcutContext() != Qt::ApplicationShortcut)
                continue;
            for (const QKeySequence& k : a->shortcuts()) {
                QVERIFY2(!owner.contains(k.toString()) || owner.value(k.toString()) == a->text(),
                         qPrintable(k.toString() + ": " + owner.value(k.toString()) + " and " + a->text()));
                owner.insert(k.toString(), a->text());
            }
        }
        for (const char* key : {"Y", "X", "F", "N", "Shift+N", "Ctrl+D", "Ctrl+Y", "R"})
            QVERIFY2(owner.contains(QString::fromLatin1(key)), key);
        QTRY_COMPARE(dock->session()->currentShape(), low); // lowest score first
        QTRY_COMPARE(ann->scene()->selection(), QList<qint64>{low});
        ann->action(QStringLiteral("toolSelect"))->trigger();
        AnnotateTool* select = ann->tool(QStringLiteral("toolSelect"));

        // Canvas focused: Y accepts the current shape and moves on.
        w.canvas()->setFocus();
        QTest::keyClick(w.canvas(), Qt::Key_Y);
        QCOMPARE(doc->shape(low)->review, annotation::ReviewState::Accepted);
        QCOMPARE(dock->session()->currentShape(), mid);
        QCOMPARE(w.canvas()->tool(), select);

        // The dock focused (after clicking one of its buttons): X rejects, N / Shift+N walk.
        auto* button = dock->findChild<QToolButton*>();
        QVERIFY(button);
        button->setFocusPolicy(Qt::StrongFocus);
        button->setFocus();
        QTRY_VERIFY(button->hasFocus());
        QTest::keyClick(button, Qt::Key_N);
        QCOMPARE(dock->session()->currentShape(), high);
        QTest::keyClick(button, Qt::Key_N, Qt::ShiftModifier);
        QCOMPARE(dock->session()->currentShape(), mid);
        QTest::keyClick(button, Qt::Key_X);
        QCOMPARE(doc->shape(mid)->review, annotation::ReviewState::Rejected);
        QCOMPARE(dock->session()->currentShape(), high);
        QTest::keyClick(button, Qt::Key_F);
        QCOMPARE(doc->shape(high)->review, annotation::ReviewState::NeedsFix);
        QCOMPARE(w.canvas()->tool(), select); // no verdict key picked a tool

        // R is still the rectangle tool, from the canvas and from the dock.
        QTest::keyClick(button, Qt::Key_R);
        QCOMPARE(w.canvas()->tool(), ann->tool(QStringLiteral("toolRectangle")));
        QTest::keyClick(w.canvas(), Qt::Key_V);
        QCOMPARE(w.canvas()->tool(), select);

        // Ctrl+Y redoes what Ctrl+Z undid.
        QTest::keyClick(w.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(doc->shape(high)->review, annotation::ReviewState::New);
        QTest::keyClick(w.canvas(), Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(doc->shape(high)->review, annotation::ReviewState::NeedsFix);
    }
};

QTEST_MAIN(TestAnnotateMainWindow)
#include "tst_annotate_mainwindow.moc"
