// SPDX-License-Identifier: MIT
// The status bar's hint and the canvas readouts are separate widgets: a hint longer than its room is
// elided (the full text in its tooltip) and never runs into the image size ("remov96 × 96"); hints
// expire after their timeout.
#include "views/canvas/canvasstatus.h"
#include "views/canvas/imagecanvas.h"

#include <QLabel>
#include <QMainWindow>
#include <QStatusBar>
#include <QTest>

using namespace loupe::views;

class TestStatusBarHint : public QObject
{
    Q_OBJECT
private slots:
    void longHintIsElidedBesideTheSize()
    {
        QMainWindow w;
        auto* canvas = new ImageCanvas(&w);
        w.setCentralWidget(canvas);
        auto* status = new CanvasStatus(canvas, &w);
        w.statusBar()->addPermanentWidget(status, 1); // as the main window does
        w.resize(640, 400);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QImage image(96, 96, QImage::Format_RGB32);
        image.fill(Qt::gray);
        canvas->setImage(image, QStringLiteral("grey.png"));
        QCOMPARE(status->sizeText(), QStringLiteral("96 × 96"));

        const QString hint =
            QStringLiteral("Click a shape to select it, drag to move it, Delete to remove it; "
                           "Shift-click adds to the selection, Escape clears it");
        status->showHint(hint);
        QCOMPARE(status->hintText(), hint);
        QCOMPARE(status->hintLabel()->toolTip(), hint);
        QTRY_VERIFY2(status->hintLabel()->text().endsWith(QChar(0x2026)),
                     qPrintable(QStringLiteral("%1 px: %2 (status %3 px)")
                                    .arg(status->hintLabel()->width())
                                    .arg(status->hintLabel()->text())
                                    .arg(status->width()))); // elided
        const QRect hintRect = status->hintLabel()->geometry();
        const QRect sizeRect = status->sizeLabel()->geometry();
        QVERIFY2(hintRect.right() < sizeRect.left(), "the hint ends before the size readout starts");
        const int drawn = status->hintLabel()->fontMetrics().horizontalAdvance(status->hintLabel()->text());
        QVERIFY(drawn <= hintRect.width());
        QVERIFY(status->sizeLabel()->width() >=
                status->sizeLabel()->fontMetrics().horizontalAdvance(status->sizeText()));

        // A short hint is shown whole; a timed one goes.
        status->showHint(QStringLiteral("Saved."), 50);
        QCOMPARE(status->hintLabel()->text(), QStringLiteral("Saved."));
        QTRY_VERIFY(status->hintText().isEmpty());
        QVERIFY(status->hintLabel()->text().isEmpty());
    }
};

QTEST_MAIN(TestStatusBarHint)
#include "tst_statusbar_hint.moc"
