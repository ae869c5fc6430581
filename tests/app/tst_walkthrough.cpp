// SPDX-License-Identifier: MIT
// The first ten minutes, as a new user spends them, in the real main window at 1280×800: open the sample,
// run Explain, switch images while a job runs, draw a box, review with keys, edit a label, export. Each step
// is checked and its screenshot kept under artifactDir() as walkthrough_NN_step.png for people to look at.
// Under the test command's X server (DISPLAY set) the window is a real xcb window; elsewhere offscreen.
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/sampleannotations.h"
#include "annotation/document/annotationdocument.h"
#include "common/testsupport.h"
#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/exchange/exportdialog.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/labels/labeleditor.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/review/reviewdock.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

QAction* menuAction(QMainWindow& w, const QString& menuTitle, const QString& actionPrefix)
{
    for (QAction* top : w.menuBar()->actions()) {
        if (!top->menu() || top->menu()->title().remove(QLatin1Char('&')) != menuTitle) continue;
        for (QAction* a : top->menu()->actions())
            if (a->text().remove(QLatin1Char('&')).startsWith(actionPrefix)) return a;
    }
    return nullptr;
}

qint64 g_asset = 0; // the image the window shows, from ProjectController::currentAssetChanged

qsizetype shapeCount(MainWindow& w)
{
    annotation::ProjectAnnotations* pa = w.annotation()->projectAnnotations();
    return pa && pa->document() && g_asset > 0 ? qsizetype(pa->document()->shapes(g_asset).size()) : -1;
}

} // namespace

class TestWalkthrough : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    int m_step = 0;

    void shoot(QWidget& w, const QString& name)
    {
        QCoreApplication::processEvents();
        QTest::qWait(150);
        const QString file =
            QDir(loupe::test::artifactDir())
                .filePath(
                    QStringLiteral("walkthrough_%1_%2.png").arg(++m_step, 2, 10, QLatin1Char('0')).arg(name));
        const QImage shot = w.grab().toImage();
        QVERIFY(!shot.isNull());
        QVERIFY2(shot.save(file), qPrintable(file));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA) + "/../../resources/models");
        QVERIFY(m_dir.isValid());
        QString error;
        m_project = annotation::prepareSampleProject(m_dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!m_project.isEmpty(), qPrintable(error));
    }

    void firstTenMinutes()
    {
        MainWindow w(StoreBackend::opener());
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow(); // keys reach window-wide shortcuts only in the active window
        QVERIFY(QTest::qWaitForWindowActive(&w));
        connect(w.controller(), &ProjectController::currentAssetChanged, this,
                [](qint64 id) { g_asset = id; });
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        QTRY_VERIFY_WITH_TIMEOUT(!w.canvas()->imagePath().isEmpty(), 20000);

        // 1. The sample opens with shapes to look at and proposals to review.
        QTRY_VERIFY_WITH_TIMEOUT(shapeCount(w) > 0, 10000);
        shoot(w, QStringLiteral("sample"));

        // 2. Explain: the dock comes up, the model runs once, a map covers the image with its caption.
        QAction* explain = w.findChild<QAction*>(QStringLiteral("showExplain"));
        QVERIFY(explain);
        explain->trigger();
        ExplainPanel* panel = w.explainPanel();
        QTRY_VERIFY_WITH_TIMEOUT(panel->isReady(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(panel->layer()->hasMap(), 60000);
        // Every dock open and the window still 1280×800 (docks' minimum sizes once forced 880 px), with the
        // Explain dock given most of the right column.
        QCOMPARE(w.size(), QSize(1280, 800));
        QVERIFY2(w.explainDock()->height() >= 400, qPrintable(QString::number(w.explainDock()->height())));
        QVERIFY(!panel->caption().isEmpty());
        shoot(w, QStringLiteral("explain"));

        // 3. A slow method, then another image while it runs: the map of the first image must not stay up
        //    looking current, and the panel follows the new image.
        auto* method = panel->findChild<QComboBox*>(QStringLiteral("explainMethod"));
        QVERIFY(method);
        const int rise = method->findText(QStringLiteral("RISE"), Qt::MatchContains);
        QVERIFY2(rise >= 0, "RISE is offered");
        method->setCurrentIndex(rise);
        auto* run = panel->findChild<QPushButton*>(QStringLiteral("explainButton"));
        QVERIFY(run);
        if (run->isEnabled()) run->click();
        const QString first = w.canvas()->imagePath();
        w.controller()->selectRow(2);
        QTRY_VERIFY(w.canvas()->imagePath() != first);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isExplaining(), 60000);
        QVERIFY2(!panel->layer()->hasMap() ||
                     panel->caption().contains(QFileInfo(w.canvas()->imagePath()).fileName()) ||
                     !panel->caption().contains(QFileInfo(first).fileName()),
                 qPrintable(panel->caption()));
        shoot(w, QStringLiteral("switched"));

        // 4. Draw a box with the rectangle tool (R), dragging on the canvas.
        const qsizetype before = shapeCount(w);
        w.canvas()->setFocus();
        QTest::keyClick(w.canvas(), Qt::Key_R);
        w.canvas()->fitToWindow();
        const QSize img = w.canvas()->imageSize();
        const QPoint a =
            w.canvas()->view().imageToWidget(QPointF(img.width() * 0.3, img.height() * 0.3)).toPoint();
        const QPoint b =
            w.canvas()->view().imageToWidget(QPointF(img.width() * 0.6, img.height() * 0.6)).toPoint();
        QTest::mousePress(w.canvas(), Qt::LeftButton, Qt::NoModifier, a);
        for (int i = 1; i <= 8; ++i)
            QTest::mouseMove(w.canvas(), a + (b - a) * i / 8);
        QTest::mouseRelease(w.canvas(), Qt::LeftButton, Qt::NoModifier, b);
        QTRY_COMPARE(shapeCount(w), before + 1);
        shoot(w, QStringLiteral("drawn"));

        // 5. Review with keys while the canvas has focus: Y accepts, and R stays the rectangle tool.
        //    The box just drawn is the image's one shape waiting for review.
        ReviewDock* review = w.annotation()->reviewDock();
        QVERIFY(review);
        auto* counts = review->findChild<QLabel*>(QStringLiteral("reviewCounts"));
        QVERIFY(counts);
        QTRY_VERIFY2(counts->text().startsWith(QStringLiteral("New 1")), qPrintable(counts->text()));
        w.canvas()->setFocus();
        QTest::keyClick(w.canvas(), Qt::Key_Y);
        QTRY_VERIFY2(counts->text().startsWith(QStringLiteral("New 0")), qPrintable(counts->text()));
        //    The sample's model proposals wait on its val images: the project-wide queue lists them.
        auto* scope = review->findChild<QComboBox*>(QStringLiteral("reviewScope"));
        QVERIFY(scope);
        scope->setCurrentIndex(scope->findText(QStringLiteral("Whole project")));
        QTRY_VERIFY2(!counts->text().startsWith(QStringLiteral("New 0")), qPrintable(counts->text()));
        shoot(w, QStringLiteral("reviewed"));

        // 6. Edit a label: the label editor renames the first label, undoably.
        w.annotation()->editLabels();
        QTRY_VERIFY(w.annotation()->labelEditor() && w.annotation()->labelEditor()->isVisible());
        LabelEditor* editor = w.annotation()->labelEditor();
        annotation::AnnotationDocument* doc = w.annotation()->projectAnnotations()->document();
        QVERIFY(!doc->labels().empty());
        const qint64 labelId = doc->labels().front().id;
        const QString oldName = doc->labels().front().name;
        QVERIFY(editor->renameLabel(labelId, oldName + QStringLiteral(" (renamed)")));
        QCOMPARE(doc->label(labelId)->name, oldName + QStringLiteral(" (renamed)"));
        shoot(*editor, QStringLiteral("label_editor"));
        editor->close();

        // 7. Export as labelme through File > Export…: the files land where asked, with their images found.
        QAction* exportAction = menuAction(w, QStringLiteral("File"), QStringLiteral("Export"));
        QVERIFY(exportAction);
        QVERIFY(exportAction->isEnabled());
        exportAction->trigger();
        ExportDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<ExportDialog*>()) != nullptr);
        const QString out = m_dir.filePath(QStringLiteral("labelme_out"));
        dialog->setFormat(annotation::Format::Labelme);
        dialog->setOutputFolder(out);
        dialog->setCopyImages(true);
        QSignalSpy checked(dialog, &ExportDialog::checkFinished);
        dialog->checkButton()->click(); // the dry run: what would be dropped or converted
        QVERIFY(checked.count() > 0 || checked.wait(60000));
        QVERIFY(checked.first().first().toBool());
        shoot(*dialog, QStringLiteral("export_check"));
        QSignalSpy done(dialog, &ExportDialog::exportFinished);
        dialog->exportButton()->click();
        QVERIFY(done.count() > 0 || done.wait(60000));
        QVERIFY(done.first().first().toBool());
        shoot(*dialog, QStringLiteral("export"));
        int jsons = 0;
        for (QDirIterator it(out, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
             it.hasNext();) {
            const QString json = it.next();
            QFile f(json);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString imagePath =
                QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("imagePath")).toString();
            if (imagePath.isEmpty()) continue;
            ++jsons;
            QVERIFY2(QFileInfo::exists(QFileInfo(json).dir().filePath(imagePath)),
                     qPrintable(json + " -> " + imagePath));
        }
        QVERIFY(jsons > 0);
        dialog->close();
    }
};

int main(int argc, char** argv)
{
    // A real window under the test command's X server; offscreen where there is none.
    if (qEnvironmentVariableIsSet("DISPLAY")) qputenv("QT_QPA_PLATFORM", "xcb");
    QApplication app(argc, argv);
    TestWalkthrough t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_walkthrough.moc"
