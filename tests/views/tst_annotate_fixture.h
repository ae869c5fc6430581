// SPDX-License-Identifier: MIT
// Shared by the tst_annotate_* tests: a window with the canvas, an Annotator over an in-memory
// document, and mouse helpers that speak image coordinates.
#pragma once

#include "annotation/document/annotationdocument.h"
#include "views/annotate/annotator.h"
#include "views/annotate/labelpalette.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QTest>
#include <memory>

namespace annotate_test {

using namespace loupe::annotation;
using namespace loupe::views;

inline std::vector<LabelDef> testLabels()
{
    LabelDef car{1, QStringLiteral("car"), QColor(230, 40, 40), {}, {}, {}};
    LabelDef person{2,
                    QStringLiteral("person"),
                    QColor(40, 200, 40),
                    {},
                    {QStringLiteral("head"), QStringLiteral("left hand"), QStringLiteral("right hand")},
                    {{0, 1}, {0, 2}}};
    LabelDef tree{3, QStringLiteral("tree"), QColor(40, 80, 230), {}, {}, {}};
    return {car, person, tree};
}

struct Fixture
{
    MemoryAnnotationStore store;
    std::unique_ptr<AnnotationDocument> doc = std::make_unique<AnnotationDocument>(store);
    std::unique_ptr<QWidget> window = std::make_unique<QWidget>();
    ImageCanvas* canvas = nullptr;
    Annotator* annotator = nullptr;
    static constexpr qint64 kImage = 7;
    static constexpr int kWidth = 400, kHeight = 300;

    Fixture()
    {
        auto* layout = new QHBoxLayout(window.get());
        canvas = new ImageCanvas(window.get());
        layout->addWidget(canvas, 1);
        annotator = new Annotator(canvas, window.get());
        layout->addWidget(annotator->palette());
        window->resize(1100, 700);
        window->show();
        QImage img(kWidth, kHeight, QImage::Format_RGB32);
        img.fill(QColor(128, 128, 128));
        canvas->setImage(img, QStringLiteral("test.png"));
        annotator->setDocument(doc.get(), testLabels());
        annotator->setImage(kImage, QSize(kWidth, kHeight));
        // Two widget pixels per image pixel with the image at the top-left: easy to reason about.
        canvas->setView(ViewTransform(2.0, QPointF(0, 0)));
    }
    ~Fixture()
    {
        window.reset(); // widgets (and the annotator) go before the document they point at
    }

    ShapeScene* scene() const { return annotator->scene(); }
    QUndoStack* stack() const { return doc->undoStack(); }
    QPoint at(QPointF image) const { return canvas->view().imageToWidget(image).toPoint(); }
    void use(const char* tool) { annotator->activateTool(QString::fromLatin1(tool)); }

    void press(QPointF image, Qt::KeyboardModifiers mods = {})
    {
        QTest::mousePress(canvas, Qt::LeftButton, mods, at(image));
    }
    void release(QPointF image, Qt::KeyboardModifiers mods = {})
    {
        QTest::mouseRelease(canvas, Qt::LeftButton, mods, at(image));
    }
    void click(QPointF image, Qt::KeyboardModifiers mods = {})
    {
        QTest::mouseClick(canvas, Qt::LeftButton, mods, at(image));
    }
    // A move with the left button held (QTest::mouseMove carries no buttons on every platform).
    void moveHeld(QPointF image, Qt::KeyboardModifiers mods = {})
    {
        const QPointF w = canvas->view().imageToWidget(image);
        QMouseEvent e(QEvent::MouseMove, w, canvas->mapToGlobal(w), Qt::NoButton, Qt::LeftButton, mods);
        QApplication::sendEvent(canvas, &e);
    }
    void hover(QPointF image)
    {
        const QPointF w = canvas->view().imageToWidget(image);
        QMouseEvent e(QEvent::MouseMove, w, canvas->mapToGlobal(w), Qt::NoButton, Qt::NoButton,
                      Qt::NoModifier);
        QApplication::sendEvent(canvas, &e);
    }
    // Press at from, move through every point of via, release at the last.
    void drag(QPointF from, const QList<QPointF>& via, Qt::KeyboardModifiers mods = {})
    {
        press(from, mods);
        for (const QPointF& p : via)
            moveHeld(p, mods);
        release(via.last(), mods);
    }
    void key(Qt::Key k, Qt::KeyboardModifiers mods = {}) { QTest::keyClick(canvas, k, mods); }

    qint64 add(Geometry g, qint64 label = 1)
    {
        Shape s;
        s.labelId = label;
        s.geometry = std::move(g);
        scene()->addShapes({s}, false);
        return scene()->order().empty() ? 0
                                        : *std::max_element(scene()->order().begin(), scene()->order().end());
    }
    std::vector<Shape> shapes() const { return doc->shapes(kImage); }
    const Shape* only() const
    {
        return scene()->shapeCount() == 1 ? scene()->shape(scene()->order().front()) : nullptr;
    }
};

} // namespace annotate_test
