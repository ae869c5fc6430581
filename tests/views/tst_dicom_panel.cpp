// SPDX-License-Identifier: MIT
// The DICOM panel beside the canvas: the image's description, window presets that set the canvas's
// window, reset, and the patient tags shown only after "Show Patient". Saves a screenshot to look at.
#include "canvas_load_fixture.h"
#include "common/testsupport.h"
#include "views/canvas/imagecanvas.h"
#include "views/canvas/windowlevel.h"
#include "views/dicom/dicompanel.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace loupe;
using namespace loupe::views;

class TestDicomPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void presetsResetAndPatientOnRequest()
    {
        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        auto* canvas = new ImageCanvas;
        auto* panel = new DicomPanel(canvas);
        layout->addWidget(canvas, 1);
        layout->addWidget(panel);
        window.resize(720, 420);
        const QString ct = QStringLiteral(LOUPE_TEST_DATA "/dicom/ct16.dcm");
        QVERIFY2(canvas_test::showAndLoad(window, *canvas, ct), qPrintable(ct));
        QVERIFY2(panel->descriptionText().contains(QStringLiteral("Modality: CT")),
                 qPrintable(panel->descriptionText()));
        QVERIFY(panel->descriptionText().contains(QStringLiteral("12 stored of 16, signed")));
        QCOMPARE(panel->presetBox()->count(), 3); // SOFT TISSUE, BONE, auto
        QVERIFY(panel->presetBox()->currentText().startsWith(QStringLiteral("SOFT TISSUE")));
        // Patient tags are there but hidden until asked for.
        QVERIFY(!panel->patientBox()->isVisible());
        QVERIFY(panel->patientText().contains(QStringLiteral("Doe^Jane")));
        QTest::mouseClick(panel->showPatientButton(), Qt::LeftButton);
        QVERIFY(panel->patientBox()->isVisible());
        // Choosing BONE windows the canvas; Reset goes back to the file's first preset.
        panel->presetBox()->setCurrentIndex(1);
        emit panel->presetBox()->activated(1);
        QCOMPARE(canvas->windowLevel()->window().center, 300.0);
        QVERIFY(window.grab().save(test::artifactDir() + QStringLiteral("/dicom_panel.png")));
        QTest::mouseClick(panel->resetButton(), Qt::LeftButton);
        QCOMPARE(canvas->windowLevel()->window().center, 40.0);
        QCOMPARE(panel->presetBox()->currentIndex(), 0);
        // A dragged window appears as an entry of its own.
        core::DicomWindow custom{100, 700, QStringLiteral("custom")};
        canvas->windowLevel()->setWindow(custom);
        QCOMPARE(panel->presetBox()->count(), 4);
        QVERIFY(panel->presetBox()->currentText().startsWith(QStringLiteral("custom")));
        // An ordinary image empties the panel.
        QImage img(16, 16, QImage::Format_RGB32);
        img.fill(Qt::gray);
        canvas->setImage(img);
        QVERIFY(panel->descriptionText().isEmpty());
        QVERIFY(panel->patientText().isEmpty());
    }
};

QTEST_MAIN(TestDicomPanel)
#include "tst_dicom_panel.moc"
