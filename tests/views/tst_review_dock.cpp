// SPDX-License-Identifier: MIT
// The Review dock over a real project: review order, the highlighted shape, verdicts and "done" from
// synthetic key presses, counts, and that every verdict is one undoable step checked in the file.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "core/store/project.h"
#include "views/review/reviewdock.h"
#include "views/review/reviewsession.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::annotation;
using loupe::views::ReviewDock;

namespace {

int reviewColumn(core::Project& p, qint64 shapeId)
{
    core::Statement s = p.db().prepare(QStringLiteral("SELECT review_state FROM annotations WHERE id = ?1"));
    s.bind(1, shapeId);
    return s.step() ? int(s.columnInt64(0)) : -1;
}

Shape proposal(qint64 image, qint64 label, std::optional<double> score, int minute)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{QRectF(minute, minute, 10, 10)};
    s.score = score;
    s.source = score ? ShapeSource::Model : ShapeSource::Manual;
    s.created = QDateTime(QDate(2026, 1, 1), QTime(10, minute), Qt::UTC);
    return s;
}

} // namespace

class TestReviewDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<core::Project> m_project;
    std::unique_ptr<ProjectAnnotations> m_pa;
    qint64 m_image = 0;
    int m_base = 0;            // undo steps before the review (label setup, the shapes)
    std::vector<qint64> m_ids; // scores 0.9, 0.2, 0.5, hand-drawn; created 1, 2, 3, 4

    void press(QWidget* w, Qt::Key key, Qt::KeyboardModifiers mods = {})
    {
        QTest::keyClick(w, key, mods);
        QCoreApplication::processEvents();
    }
    // Verdicts come from the window's Y / X / F (tst_annotate_mainwindow) or the dock's buttons.
    void click(ReviewDock& dock, const char* action)
    {
        dock.findChild<QAction*>(QString::fromLatin1(action))->trigger();
        QCoreApplication::processEvents();
    }

private slots:
    void init()
    {
        QString error;
        m_project = core::Project::create(m_dir.filePath(QStringLiteral("r%1.loupe").arg(++m_n)), &error);
        QVERIFY2(m_project, qPrintable(error));
        core::AssetRecord a;
        a.absolutePath = m_dir.filePath(QStringLiteral("a.png"));
        a.sha256Hex = QStringLiteral("ab");
        a.width = 100;
        a.height = 100;
        QVERIFY(m_project->addAssets({a}, &error));
        m_image = m_project->assetPage({}, 0, 1).at(0).id;
        const qint64 cat = m_project->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}).value_or(0);
        const qint64 dog = m_project->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1}).value_or(0);
        m_pa = std::make_unique<ProjectAnnotations>(*m_project);
        auto* add = new AddShapes(*m_pa->document(),
                                  {proposal(m_image, dog, 0.9, 1), proposal(m_image, cat, 0.2, 2),
                                   proposal(m_image, dog, 0.5, 3), proposal(m_image, cat, std::nullopt, 4)});
        m_pa->undoStack()->push(add);
        m_ids.clear();
        for (const Shape& s : add->shapes())
            m_ids.push_back(s.id);
        QCOMPARE(m_ids.size(), size_t(4));
        m_base = m_pa->undoStack()->count();
    }
    void cleanup()
    {
        m_pa.reset();
        m_project.reset();
    }

    void keysReviewInScoreOrderAndUndo()
    {
        ReviewDock dock(*m_pa);
        QSignalSpy selected(&dock, &ReviewDock::shapeSelected);
        dock.show();
        dock.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dock));
        dock.setImage(m_image);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.last().at(0).toLongLong(), m_image);
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[1]); // lowest score first
        QCOMPARE(dock.findChild<QLabel*>(QStringLiteral("reviewPosition"))->text(), QStringLiteral("1 of 4"));

        dock.setFocus();
        click(dock, "reviewAccept");
        QCOMPARE(reviewColumn(*m_project, m_ids[1]), int(ReviewState::Accepted));
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[2]); // 0.5 is next
        click(dock, "reviewReject");
        QCOMPARE(reviewColumn(*m_project, m_ids[2]), int(ReviewState::Rejected));
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[0]);

        // Needs fix takes the comment typed in the field; typing "f" there is text, not a verdict.
        auto* comment = dock.findChild<QLineEdit*>(QStringLiteral("reviewComment"));
        comment->setFocus();
        QTest::keyClicks(comment, QStringLiteral("fix edge"));
        QCOMPARE(comment->text(), QStringLiteral("fix edge"));
        QCOMPARE(reviewColumn(*m_project, m_ids[0]), int(ReviewState::New));
        dock.setFocus();
        click(dock, "reviewNeedsFix");
        QCOMPARE(reviewColumn(*m_project, m_ids[0]), int(ReviewState::NeedsFix));
        QCOMPARE(
            m_pa->document()->shape(m_ids[0])->attributes.value(QStringLiteral("review_comment")).toString(),
            QStringLiteral("fix edge"));
        QVERIFY(comment->text().isEmpty());
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[3]); // the hand-drawn one comes last
        QCOMPARE(dock.findChild<QLabel*>(QStringLiteral("reviewCounts"))->text(),
                 QStringLiteral("New 1 · Accepted 1 · Rejected 1 · Needs fix 1"));

        // Each verdict is one undo step; undoing brings the shape back into the queue.
        QCOMPARE(m_pa->undoStack()->count(), m_base + 3);
        m_pa->undoStack()->undo();
        QCOMPARE(reviewColumn(*m_project, m_ids[0]), int(ReviewState::New));
        QCOMPARE(dock.findChild<QLabel*>(QStringLiteral("reviewCounts"))->text(),
                 QStringLiteral("New 2 · Accepted 1 · Rejected 1 · Needs fix 0"));
        QCOMPARE(dock.session()->queue().size(), size_t(2));

        // Ctrl+D marks the image done as a project step on the same stack.
        auto* done = dock.findChild<QLabel*>(QStringLiteral("reviewDone"));
        QCOMPARE(done->text(), QStringLiteral("Image not done"));
        press(&dock, Qt::Key_D, Qt::ControlModifier);
        QVERIFY(m_project->asset(m_image)->done);
        QCOMPARE(done->text(), QStringLiteral("Image done ✓"));
        QCOMPARE(m_pa->undoStack()->count(), m_base + 2 + 1);
        m_pa->undoStack()->undo();
        QVERIFY(!m_project->asset(m_image)->done);
        QCOMPARE(done->text(), QStringLiteral("Image not done"));
    }

    void orderAndNavigation()
    {
        ReviewDock dock(*m_pa);
        QSignalSpy selected(&dock, &ReviewDock::shapeSelected);
        dock.show();
        dock.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dock));
        dock.setImage(m_image);
        auto* order = dock.findChild<QComboBox*>(QStringLiteral("reviewOrder"));
        order->setCurrentIndex(1); // newest first; keeps the current shape, so go back to the start
        QCOMPARE(dock.session()->queue(), (std::vector<qint64>{m_ids[3], m_ids[2], m_ids[1], m_ids[0]}));
        dock.session()->select(m_ids[3]);
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[3]);
        dock.setFocus();
        press(&dock, Qt::Key_N);
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[2]);
        press(&dock, Qt::Key_N);
        press(&dock, Qt::Key_N, Qt::ShiftModifier);
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[2]);
        order->setCurrentIndex(2); // by label (cat first), lowest score first within a label
        QCOMPARE(dock.session()->queue(), (std::vector<qint64>{m_ids[1], m_ids[3], m_ids[2], m_ids[0]}));

        // "All shapes": a verdict keeps the shape listed and steps past it.
        dock.findChild<QComboBox*>(QStringLiteral("reviewShow"))->setCurrentIndex(2);
        dock.session()->select(m_ids[1]);
        click(dock, "reviewAccept");
        QCOMPARE(dock.session()->queue().size(), size_t(4));
        QCOMPARE(selected.last().at(1).toLongLong(), m_ids[3]);
        // "Needs fix" only: empty until something is flagged; then that shape is selected.
        dock.findChild<QComboBox*>(QStringLiteral("reviewShow"))->setCurrentIndex(1);
        QVERIFY(dock.session()->queue().empty());
        QCOMPARE(selected.last().at(1).toLongLong(), 0);
        QCOMPARE(dock.findChild<QLabel*>(QStringLiteral("reviewPosition"))->text(),
                 QStringLiteral("Nothing to review"));
        QVERIFY(!dock.review(ReviewState::Accepted)); // nothing selected: no verdict, no undo step
        click(dock, "reviewAccept");
        QCOMPARE(m_pa->undoStack()->count(), m_base + 1);
    }
};

QTEST_MAIN(TestReviewDock)
#include "tst_review_dock.moc"
