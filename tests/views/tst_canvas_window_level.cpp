// SPDX-License-Identifier: MIT
// Window/level of a DICOM image on the canvas, on a 2x screen: the file's presets, a right-drag measured
// in logical pixels, reset, the full-range value under the cursor, the status readout with the patient
// in its tooltip, and the 16-bit data left untouched by every change. Saves screenshots to look at.
#include "canvas_load_fixture.h"
#include "common/testsupport.h"
#include "views/canvas/canvasstatus.h"
#include "views/canvas/imagecanvas.h"
#include "views/canvas/windowlevel.h"
#include "views/dicom/dicompanel.h"

#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QVBoxLayout>

using namespace loupe;
using namespace loupe::views;

namespace {

const QString kCt = QStringLiteral(LOUPE_TEST_DATA "/dicom/ct16.dcm");

void mouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

} // namespace

class TestCanvasWindowLevel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(qApp->devicePixelRatio() == 2.0, "QT_SCALE_FACTOR=2 did not apply");
    }

    void windowLevelKeepsTheFullRange()
    {
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* canvas = new ImageCanvas;
        auto* status = new CanvasStatus(canvas);
        layout->addWidget(canvas, 1);
        layout->addWidget(status);
        window.resize(560, 460);
        QVERIFY2(canvas_test::showAndLoad(window, *canvas, kCt), qPrintable(kCt));
        QCOMPARE(canvas->imageSize(), QSize(64, 48));
        WindowLevel* wl = canvas->windowLevel();
        QVERIFY(wl->isActive());
        const std::vector<float> values = wl->dicom()->frame.values;
        // The file's first preset, SOFT TISSUE 40/400: -261 HU at (0,0) is black, 1659 HU white.
        QCOMPARE(wl->window().center, 40.0);
        QCOMPARE(wl->window().width, 400.0);
        QCOMPARE(wl->presets().size(), 3); // SOFT TISSUE, BONE, auto
        QCOMPARE(qGray(canvas->sourceImage().pixel(0, 0)), 0);
        QCOMPARE(qGray(canvas->sourceImage().pixel(63, 47)), 255);
        const int midGrey = qGray(canvas->sourceImage().pixel(20, 10)); // 31 HU
        QVERIFY(midGrey > 100 && midGrey < 128);
        QCOMPARE(status->windowText(), QStringLiteral("W 400 C 40 (SOFT TISSUE)"));
        QVERIFY(status->windowLabel()->isVisible());
        QVERIFY(status->windowLabel()->toolTip().contains(QStringLiteral("Doe^Jane")));
        const QString dir = test::artifactDir();
        QVERIFY(window.grab().save(dir + QStringLiteral("/dicom_window_soft_tissue.png")));

        // The value under the cursor is the full-range one, in Hounsfield units.
        const QPointF p00 = canvas->view().imageToWidget(QPointF(0.5, 0.5));
        mouse(canvas, QEvent::MouseMove, p00, Qt::NoButton, Qt::NoButton);
        QCOMPARE(canvas->cursorInfo().value, QStringLiteral("-261 HU"));

        // Right-drag 100 logical pixels right and 40 up: on this 2x screen that is 200 and 80 device
        // pixels, and the window moves by the logical amount.
        QSignalSpy changed(wl, &WindowLevel::windowChanged);
        const double s = wl->dragSensitivity();
        QVERIFY(s > 1.0);
        const QPointF start(200, 200);
        mouse(canvas, QEvent::MouseButtonPress, start, Qt::RightButton, Qt::RightButton);
        mouse(canvas, QEvent::MouseMove, start + QPointF(50, -20), Qt::NoButton, Qt::RightButton);
        mouse(canvas, QEvent::MouseMove, start + QPointF(100, -40), Qt::NoButton, Qt::RightButton);
        mouse(canvas, QEvent::MouseButtonRelease, start + QPointF(100, -40), Qt::RightButton, Qt::NoButton);
        QCOMPARE(changed.size(), 2); // live, on every move
        QCOMPARE(wl->window().width, 400 + 100 * s);
        QCOMPARE(wl->window().center, 40 + 40 * s);
        QCOMPARE(wl->window().name, QStringLiteral("custom"));
        QVERIFY(status->windowText().contains(QStringLiteral("(custom)")));
        // Width 940, center 256: 31 HU drops from mid-grey to about a quarter.
        const double low = wl->window().center - 0.5 - (wl->window().width - 1) / 2;
        QCOMPARE(qGray(canvas->sourceImage().pixel(20, 10)),
                 int(std::lround((31 - low) * 255 / (wl->window().width - 1))));
        QVERIFY(qGray(canvas->sourceImage().pixel(20, 10)) < midGrey);
        QVERIFY(!wl->isDragging());
        // A move after the release changes nothing.
        mouse(canvas, QEvent::MouseMove, start + QPointF(150, 0), Qt::NoButton, Qt::NoButton);
        QCOMPARE(changed.size(), 2);

        // The BONE preset, then reset to the file's first.
        wl->setWindow(wl->presets()[1]);
        QCOMPARE(wl->window().center, 300.0);
        QVERIFY(window.grab().save(dir + QStringLiteral("/dicom_window_bone.png")));
        const QImage bone = canvas->sourceImage();
        wl->reset();
        QCOMPARE(wl->window().width, 400.0);
        QVERIFY(canvas->sourceImage() != bone);
        QCOMPARE(qGray(canvas->sourceImage().pixel(0, 0)), 0);
        // A click on the readout opens the DICOM panel with the presets and the patient behind a button.
        QTest::mouseClick(status->windowLabel(), Qt::LeftButton);
        QVERIFY(status->dicomPanel());
        QTRY_VERIFY(status->dicomPanel()->isVisible());
        QCOMPARE(status->dicomPanel()->presetBox()->count(), 3);
        QVERIFY(!status->dicomPanel()->patientBox()->isVisible());
        status->dicomPanel()->presetBox()->setCurrentIndex(1);
        emit status->dicomPanel()->presetBox()->activated(1);
        QCOMPARE(wl->window().name, QStringLiteral("BONE"));
        status->dicomPanel()->close();
        wl->reset();
        // None of this touched the decoded values.
        QVERIFY(wl->dicom()->frame.values == values);
    }

    // Stepping to another frame of the series keeps the chosen window; another series starts from its own.
    void theWindowStaysWithinASeries()
    {
        ImageCanvas canvas;
        canvas.resize(200, 160);
        canvas.show();
        QSignalSpy loaded(&canvas, &ImageCanvas::imageChanged);
        canvas.loadImage(kCt);
        QTRY_COMPARE(loaded.size(), 1);
        const core::DicomWindow custom{500, 1000, QStringLiteral("custom")};
        canvas.windowLevel()->setWindow(custom);
        const QImage customImage = canvas.sourceImage();
        // The same slice, JPEG lossless: same modality, presets and rescale.
        canvas.loadImage(QStringLiteral(LOUPE_TEST_DATA "/dicom/jpeg_lossless.dcm"));
        QTRY_COMPARE(loaded.size(), 2);
        QCOMPARE(canvas.windowLevel()->window().center, 500.0);
        QCOMPARE(canvas.sourceImage(), customImage);
        canvas.loadImage(QStringLiteral(LOUPE_TEST_DATA "/dicom/mono1.dcm"));
        QTRY_COMPARE(loaded.size(), 3);
        QCOMPARE(canvas.windowLevel()->window().center, 2048.0);
        QCOMPARE(canvas.windowLevel()->window().width, 4096.0);
    }

    void ordinaryImagesHaveNoWindow()
    {
        ImageCanvas canvas;
        CanvasStatus status(&canvas);
        canvas.resize(200, 160);
        canvas.show();
        QImage img(32, 32, QImage::Format_RGB32);
        img.fill(qRgb(10, 20, 30));
        canvas.setImage(img);
        QVERIFY(!canvas.windowLevel()->isActive());
        QVERIFY(status.windowText().isEmpty());
        mouse(&canvas, QEvent::MouseButtonPress, QPointF(80, 80), Qt::RightButton, Qt::RightButton);
        QVERIFY(!canvas.windowLevel()->isDragging());
        mouse(&canvas, QEvent::MouseButtonRelease, QPointF(80, 80), Qt::RightButton, Qt::NoButton);
        QCOMPARE(canvas.sourceImage().pixel(5, 5), qRgb(10, 20, 30));
    }
};

int main(int argc, char** argv)
{
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    TestCanvasWindowLevel test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_canvas_window_level.moc"
