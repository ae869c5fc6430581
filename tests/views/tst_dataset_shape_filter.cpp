// SPDX-License-Identifier: MIT
// The browser's review filter by the state of an image's shapes ("Shapes: accepted", ...), and its
// label filter following the labels the editor adds, renames and removes, in the real window over a
// real project.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addlabel.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/renamelabel.h"
#include "core/store/project.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"

#include <QComboBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

QStringList itemTexts(const QComboBox* c)
{
    QStringList out;
    for (int i = 0; i < c->count(); ++i)
        out << c->itemText(i);
    return out;
}

// Four images; image 0 has an accepted and a new shape, image 1 an accepted one, image 2 one that
// needs a fix, image 3 none.
bool makeProject(const QString& path, QString* error)
{
    auto p = core::Project::create(path, error);
    if (!p) return false;
    QVector<core::AssetRecord> batch;
    for (int i = 0; i < 4; ++i) {
        core::AssetRecord r;
        r.absolutePath = QStringLiteral("/nowhere/img_%1.png").arg(i);
        r.sha256Hex = QString::number(i);
        r.width = 64;
        r.height = 48;
        batch << r;
    }
    if (!p->addAssets(batch, error) || !p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}, error))
        return false;
    const QVector<core::AssetRow> rows = p->assetPage({}, 0, 4);
    const qint64 cat = p->labels().at(0).id;
    annotation::ProjectAnnotations pa(*p);
    using annotation::ReviewState;
    const std::pair<int, ReviewState> shapes[] = {{0, ReviewState::Accepted},
                                                  {0, ReviewState::New},
                                                  {1, ReviewState::Accepted},
                                                  {2, ReviewState::NeedsFix}};
    for (const auto& [image, state] : shapes) {
        annotation::Shape s;
        s.imageId = rows[image].id;
        s.labelId = cat;
        s.review = state;
        s.geometry = annotation::RectangleGeom{QRectF(1, 1, 5, 5)};
        pa.undoStack()->push(new annotation::AddShapes(*pa.document(), {s}));
    }
    return true;
}

} // namespace

class TestDatasetShapeFilter : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        QVERIFY(m_dir.isValid());
    }

    void reviewComboOffersShapeStates()
    {
        DatasetPanel panel;
        panel.setReviewStates({QStringLiteral("unreviewed"), QStringLiteral("accepted")});
        auto* review = panel.findChild<QComboBox*>(QStringLiteral("reviewFilter"));
        QVERIFY(review);
        const QStringList texts = itemTexts(review);
        for (const QString& entry : {QStringLiteral("Shapes: new"), QStringLiteral("Shapes: accepted"),
                                     QStringLiteral("Shapes: rejected"), QStringLiteral("Shapes: needs fix")})
            QVERIFY2(texts.contains(entry), qPrintable(texts.join(QLatin1Char('|'))));
        review->setCurrentIndex(review->findText(QStringLiteral("Shapes: needs fix")));
        QCOMPARE(panel.currentFilter().shapeReviewState, 3);
        QVERIFY(panel.currentFilter().reviewState.isEmpty());
        review->setCurrentIndex(review->findText(QStringLiteral("accepted")));
        QCOMPARE(panel.currentFilter().reviewState, QStringLiteral("accepted"));
        QCOMPARE(panel.currentFilter().shapeReviewState, -1);
        // Listing the states again (a project opened) does not pile up entries.
        panel.setReviewStates({QStringLiteral("unreviewed")});
        QCOMPARE(int(itemTexts(review).count(QStringLiteral("Shapes: new"))), 1);
    }

    void labelListKeepsTheChosenLabel()
    {
        DatasetPanel panel;
        panel.setLabels({{1, QStringLiteral("cat")}, {3, QStringLiteral("dog")}});
        auto* label = panel.findChild<QComboBox*>(QStringLiteral("labelFilter"));
        label->setCurrentIndex(2);
        QCOMPARE(panel.currentFilter().labelId, 3);
        panel.setLabels({{1, QStringLiteral("cat")}, {3, QStringLiteral("hound")}});
        QCOMPARE(label->currentText(), QStringLiteral("hound"));
        QCOMPARE(panel.currentFilter().labelId, 3);
        panel.setLabels({{1, QStringLiteral("cat")}});
        QCOMPARE(label->currentIndex(), 0);
        QCOMPARE(panel.currentFilter().labelId, -1);
    }

    void inTheWindow()
    {
        const QString file = m_dir.filePath(QStringLiteral("shapes.loupe"));
        QString error;
        QVERIFY2(makeProject(file, &error), qPrintable(error));
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(file, true), qPrintable(w.lastError()));
        DatasetPanel* panel = w.controller()->datasetPanel();
        DatasetModel* model = w.controller()->datasetModel();
        QVERIFY(panel && model);
        QTRY_VERIFY_WITH_TIMEOUT(model->isCounted() && model->rowCount() == 4, 5000);
        auto* review = panel->findChild<QComboBox*>(QStringLiteral("reviewFilter"));
        auto count = [&](const QString& entry) {
            review->setCurrentIndex(review->findText(entry));
            if (!QTest::qWaitFor(
                    [&] { return model->isCounted() && model->filter() == panel->currentFilter(); }, 5000))
                return -1;
            return model->rowCount();
        };
        QCOMPARE(count(QStringLiteral("Shapes: accepted")), 2);
        QCOMPARE(count(QStringLiteral("Shapes: new")), 1);
        QCOMPARE(count(QStringLiteral("Shapes: needs fix")), 1);
        QCOMPARE(count(QStringLiteral("Shapes: rejected")), 0);

        // Labels made, renamed and undone in the editor show in the label filter at once.
        annotation::ProjectAnnotations* pa = w.annotation()->projectAnnotations();
        QVERIFY(pa);
        auto* labels = panel->findChild<QComboBox*>(QStringLiteral("labelFilter"));
        QVERIFY(!itemTexts(labels).contains(QStringLiteral("dog")));
        annotation::LabelDef dog;
        dog.name = QStringLiteral("dog");
        dog.color = Qt::blue;
        pa->undoStack()->push(new annotation::AddLabel(*pa->document(), dog));
        QVERIFY2(itemTexts(labels).contains(QStringLiteral("dog")), qPrintable(itemTexts(labels).join(u'|')));
        const qint64 cat = pa->document()->labels().at(0).id;
        pa->undoStack()->push(new annotation::RenameLabel(*pa->document(), cat, QStringLiteral("kitten")));
        QVERIFY(itemTexts(labels).contains(QStringLiteral("kitten")));
        QVERIFY(!itemTexts(labels).contains(QStringLiteral("cat")));
        pa->undoStack()->undo();
        pa->undoStack()->undo();
        QCOMPARE(itemTexts(labels).mid(1), QStringList{QStringLiteral("cat")});
    }
};

QTEST_MAIN(TestDatasetShapeFilter)
#include "tst_dataset_shape_filter.moc"
