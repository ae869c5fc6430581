// SPDX-License-Identifier: MIT
// The Properties dock: label, attribute editors built from the label's specs, review state and
// comment for the selected shapes (all of them at once), and the image's tags; each edit one undo step.
#include "tst_annotate_fixture.h"
#include "views/properties/propertiesdock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTest>

using namespace annotate_test;

namespace {

std::vector<LabelDef> labelsWithSpecs()
{
    std::vector<LabelDef> labels = testLabels();
    AttributeSpec occluded{QStringLiteral("occluded"), AttributeSpec::Type::Bool, {}, {}, {}, {}};
    AttributeSpec color{QStringLiteral("color"),
                        AttributeSpec::Type::Choice,
                        {QStringLiteral("red"), QStringLiteral("blue")},
                        {},
                        {},
                        {}};
    AttributeSpec speed{QStringLiteral("speed"), AttributeSpec::Type::Number, {}, {}, 0.0, 200.0};
    AttributeSpec plate{QStringLiteral("plate"), AttributeSpec::Type::Text, {}, {}, {}, {}};
    labels[0].attributes = {occluded, color, speed, plate};
    return labels;
}

} // namespace

class TestPropertiesDock : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void editsApplyToEverySelectedShape()
    {
        Fixture f;
        f.annotator->setDocument(f.doc.get(), labelsWithSpecs());
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        PropertiesDock dock(f.scene());
        const qint64 a = f.add(RectangleGeom{QRectF(10, 10, 20, 20)});
        const qint64 b = f.add(RectangleGeom{QRectF(50, 50, 20, 20)});
        f.scene()->setSelection({a, b});
        QCoreApplication::processEvents();

        auto* occluded = qobject_cast<QCheckBox*>(dock.attributeEditor(QStringLiteral("occluded")));
        auto* color = qobject_cast<QComboBox*>(dock.attributeEditor(QStringLiteral("color")));
        auto* speed = qobject_cast<QDoubleSpinBox*>(dock.attributeEditor(QStringLiteral("speed")));
        auto* plate = qobject_cast<QLineEdit*>(dock.attributeEditor(QStringLiteral("plate")));
        QVERIFY(occluded && color && speed && plate);
        QCOMPARE(speed->maximum(), 200.0); // the spec's range

        const int base = f.stack()->count();
        occluded->click();
        QCOMPARE(f.doc->shape(a)->attributes.value(QStringLiteral("occluded")), QJsonValue(true));
        QCOMPARE(f.doc->shape(b)->attributes.value(QStringLiteral("occluded")), QJsonValue(true));
        QCOMPARE(f.stack()->count(), base + 1);
        QCoreApplication::processEvents();

        color = qobject_cast<QComboBox*>(dock.attributeEditor(QStringLiteral("color")));
        color->setCurrentIndex(color->findText(QStringLiteral("blue")));
        emit color->activated(color->currentIndex());
        QCOMPARE(f.doc->shape(b)->attributes.value(QStringLiteral("color")).toString(),
                 QStringLiteral("blue"));
        QCoreApplication::processEvents();

        speed = qobject_cast<QDoubleSpinBox*>(dock.attributeEditor(QStringLiteral("speed")));
        speed->setValue(50);
        speed->setValue(60); // the same spin box: one step
        QCOMPARE(f.doc->shape(a)->attributes.value(QStringLiteral("speed")).toDouble(), 60.0);
        QCOMPARE(f.stack()->count(), base + 3);
        f.stack()->undo();
        QVERIFY(!f.doc->shape(a)->attributes.contains(QStringLiteral("speed")));
        f.stack()->redo();
        QCoreApplication::processEvents();

        // Label and review for both, with the comment kept.
        auto* label = dock.findChild<QComboBox*>(QStringLiteral("propertiesLabel"));
        label->setCurrentIndex(label->findData(qint64(3)));
        emit label->activated(label->currentIndex());
        QCOMPARE(f.doc->shape(a)->labelId, qint64(3));
        QCOMPARE(f.doc->shape(b)->labelId, qint64(3));
        QCoreApplication::processEvents();
        QVERIFY(!dock.attributeEditor(QStringLiteral("occluded"))); // "tree" declares no attributes
        auto* comment = dock.findChild<QLineEdit*>(QStringLiteral("propertiesComment"));
        comment->setText(QStringLiteral("too loose"));
        auto* review = dock.findChild<QComboBox*>(QStringLiteral("propertiesReview"));
        review->setCurrentIndex(review->findData(int(ReviewState::NeedsFix)));
        emit review->activated(review->currentIndex());
        QCOMPARE(f.doc->shape(a)->review, ReviewState::NeedsFix);
        QCOMPARE(f.doc->shape(b)->attributes.value(QStringLiteral("review_comment")).toString(),
                 QStringLiteral("too loose"));
        f.stack()->undo();
        QCOMPARE(f.doc->shape(a)->review, ReviewState::New);
        QCoreApplication::processEvents();
        QCOMPARE(review->currentData().toInt(), int(ReviewState::New)); // the dock follows undo
    }

    void mixedValuesShowEmptyAndTagsNeedAStore()
    {
        Fixture f;
        f.annotator->setDocument(f.doc.get(), labelsWithSpecs());
        f.annotator->setImage(Fixture::kImage, QSize(Fixture::kWidth, Fixture::kHeight));
        PropertiesDock dock(f.scene());
        const qint64 a = f.add(RectangleGeom{QRectF(10, 10, 20, 20)});
        const qint64 b = f.add(RectangleGeom{QRectF(50, 50, 20, 20)}, 2);
        f.scene()->setSelection({a, b});
        QCoreApplication::processEvents();
        QCOMPARE(dock.findChild<QComboBox*>(QStringLiteral("propertiesLabel"))->currentIndex(), -1);
        // The image's tags: the memory store keeps them too.
        auto* tags = dock.findChild<QLineEdit*>(QStringLiteral("propertiesTags"));
        tags->setText(QStringLiteral("night, rain, night"));
        emit tags->editingFinished();
        QCOMPARE(f.doc->tags(Fixture::kImage),
                 (QStringList{QStringLiteral("night"), QStringLiteral("rain")}));
        f.stack()->undo();
        QVERIFY(f.doc->tags(Fixture::kImage).isEmpty());
    }
};

QTEST_MAIN(TestPropertiesDock)
#include "tst_properties_dock.moc"
