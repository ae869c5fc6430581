// SPDX-License-Identifier: MIT
// Every change of the project-backed undo stack is one SQLite commit holding both the rows it wrote and
// the undo history record: a crash between two commits of one step would leave a shape that Edit > Undo
// cannot take back. Counted with SQLite's commit hook on the project's own connection.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addlabel.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changeimagetags.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/renamelabel.h"
#include "core/store/project.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace loupe;
using namespace loupe::annotation;

namespace {

int onCommit(void* counter)
{
    ++*static_cast<int*>(counter);
    return 0;
}

qint64 scalar(core::Project& p, const QString& sql)
{
    core::Statement s = p.db().prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
}

} // namespace

class TestUndoStepCommit : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<core::Project> m_project;
    qint64 m_image = 0;
    qint64 m_label = 0;
    int m_commits = 0;

    // Commits made by `step`.
    template <typename F> int commitsOf(F step)
    {
        m_commits = 0;
        step();
        return m_commits;
    }

    // The undo history saved in the file, as the next open would restore it.
    QPair<qint64, qint64> savedHistory()
    {
        return {scalar(*m_project, QStringLiteral("SELECT COUNT(*) FROM annotation_history")),
                scalar(*m_project, QStringLiteral("SELECT idx FROM annotation_history_state"))};
    }

private slots:
    void init()
    {
        QString error;
        static int n = 0;
        m_project = core::Project::create(m_dir.filePath(QStringLiteral("p%1.loupe").arg(++n)), &error);
        QVERIFY2(m_project, qPrintable(error));
        core::AssetRecord image;
        image.absolutePath = m_dir.filePath(QStringLiteral("image.png"));
        image.sha256Hex = QStringLiteral("00");
        image.width = 100;
        image.height = 80;
        QVERIFY2(m_project->addAssets({image}, &error), qPrintable(error));
        QVERIFY2(m_project->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}, &error), qPrintable(error));
        // Start with an empty undo history: the label's project step is not what is counted here.
        QVERIFY(m_project->db().exec(QStringLiteral("DELETE FROM undo_log; DELETE FROM undo_actions;")));
        m_image = m_project->assetPage({}, 0, 1).at(0).id;
        m_label = m_project->labels().at(0).id;
        sqlite3_commit_hook(m_project->db().handle(), &onCommit, &m_commits);
    }

    void cleanup()
    {
        if (m_project) sqlite3_commit_hook(m_project->db().handle(), nullptr, nullptr);
        m_project.reset();
    }

    void shapeStepsAreOneCommitEach()
    {
        ProjectAnnotations pa(*m_project);
        QUndoStack* stack = pa.undoStack();
        Shape s;
        s.imageId = m_image;
        s.labelId = m_label;
        s.geometry = RectangleGeom{QRectF(1, 2, 10, 10)};
        QCOMPARE(commitsOf([&] { stack->push(new AddShapes(*pa.document(), {s})); }), 1);
        QCOMPARE(savedHistory(), qMakePair(qint64(1), qint64(1)));
        const qint64 id = pa.document()->shapes(m_image).at(0).id;
        QCOMPARE(commitsOf([&] { stack->push(new MoveShapes(*pa.document(), {id}, QPointF(1, 1), 1)); }), 1);
        QCOMPARE(commitsOf([&] { stack->undo(); }), 1);
        QCOMPARE(savedHistory(), qMakePair(qint64(2), qint64(1)));
        QCOMPARE(commitsOf([&] { stack->redo(); }), 1);
        QCOMPARE(savedHistory(), qMakePair(qint64(2), qint64(2)));
        // A jump over several steps is one change of the stack, so one commit.
        QCOMPARE(commitsOf([&] { stack->setIndex(0); }), 1);
        QCOMPARE(scalar(*m_project, QStringLiteral("SELECT COUNT(*) FROM annotations")), 0);
        QCOMPARE(savedHistory(), qMakePair(qint64(2), qint64(0)));
    }

    void labelAndTagStepsAreOneCommitEach()
    {
        ProjectAnnotations pa(*m_project);
        QUndoStack* stack = pa.undoStack();
        LabelDef dog;
        dog.name = QStringLiteral("dog");
        dog.color = Qt::blue;
        QCOMPARE(commitsOf([&] { stack->push(new AddLabel(*pa.document(), dog)); }), 1);
        QCOMPARE(commitsOf([&] {
                     stack->push(new RenameLabel(*pa.document(), m_label, QStringLiteral("kitten")));
                 }),
                 1);
        QCOMPARE(commitsOf([&] {
                     stack->push(new ChangeImageTags(*pa.document(), m_image, {QStringLiteral("night")}));
                 }),
                 1);
        QCOMPARE(savedHistory(), qMakePair(qint64(3), qint64(3)));
        QCOMPARE(commitsOf([&] { stack->undo(); }), 1);
        QVERIFY(pa.document()->tags(m_image).isEmpty());
        QCOMPARE(commitsOf([&] { stack->undo(); }), 1);
        QCOMPARE(pa.document()->label(m_label)->name, QStringLiteral("cat"));
        QCOMPARE(savedHistory(), qMakePair(qint64(3), qint64(1)));
    }

    // A project-level step (Mark Done) undone from the editor's stack: the project's undo log and the
    // history record move in one commit.
    void projectStepUndoIsOneCommit()
    {
        ProjectAnnotations pa(*m_project);
        QString error;
        QVERIFY2(m_project->setDone({m_image}, true, &error), qPrintable(error));
        QCOMPARE(pa.undoStack()->count(), 1);
        // The browser reloads through a connection of its own when told, so it is told after the commit.
        int toldInside = 0, told = 0;
        auto listen = [&] {
            ++told;
            if (!sqlite3_get_autocommit(m_project->db().handle())) ++toldInside;
        };
        connect(m_project.get(), &core::Project::changed, this, listen);
        connect(pa.document(), &AnnotationDocument::shapesReloaded, this, listen);
        QCOMPARE(commitsOf([&] { pa.undoStack()->undo(); }), 1);
        QCOMPARE(told, 2);
        QCOMPARE(toldInside, 0);
        QCOMPARE(scalar(*m_project, QStringLiteral("SELECT done FROM assets")), 0);
        QCOMPARE(savedHistory(), qMakePair(qint64(1), qint64(0)));
        QCOMPARE(commitsOf([&] { pa.undoStack()->redo(); }), 1);
        QCOMPARE(scalar(*m_project, QStringLiteral("SELECT done FROM assets")), 1);
        QCOMPARE(savedHistory(), qMakePair(qint64(1), qint64(1)));
    }

    // A step whose first write fails leaves no transaction open behind it: the next edit commits.
    void failedStepLeavesNothingOpen()
    {
        ProjectAnnotations pa(*m_project);
        LabelDef again;
        again.name = QStringLiteral("cat"); // names are unique
        pa.undoStack()->push(new AddLabel(*pa.document(), again));
        QCOMPARE(pa.undoStack()->count(), 0);
        QVERIFY(sqlite3_get_autocommit(m_project->db().handle()));
        Shape s;
        s.imageId = m_image;
        s.geometry = RectangleGeom{QRectF(0, 0, 4, 4)};
        QCOMPARE(commitsOf([&] { pa.undoStack()->push(new AddShapes(*pa.document(), {s})); }), 1);
        QVERIFY(sqlite3_get_autocommit(m_project->db().handle()));
    }
};

QTEST_GUILESS_MAIN(TestUndoStepCommit)
#include "tst_undo_step_commit.moc"
