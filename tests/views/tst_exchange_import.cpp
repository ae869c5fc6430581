// SPDX-License-Identifier: MIT
// File > Import Annotations…: Check reads the file on a worker and changes nothing (the dry run), Import
// adds exactly the checked shapes as one step and reports again; malformed input names the file and
// leaves the project alone. Driven with show() and QTest, never a blocking exec().
#include "annotation/bridge/projectstoreaccess.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/store/project.h"
#include "views/exchange/importannotationsdialog.h"
#include "views/exchange/reportview.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using namespace loupe::views;

namespace {

int shapeCount(core::Project& project)
{
    annotation::ProjectStoreAccess access(project);
    int n = 0;
    for (const annotation::ProjectImage& im : access.images())
        n += int(access.shapesOf(im.id).size());
    return n;
}

} // namespace

class TestExchangeImport : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_dir = std::make_unique<QTemporaryDir>();
        QString error;
        // A labels-only project: the sample as core makes it, with the generator's COCO file beside it.
        const QString path = core::createSampleProject(m_dir->path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        m_project = core::Project::open(path, &error);
        QVERIFY2(m_project, qPrintable(error));
        m_coco = m_dir->filePath(QStringLiteral("annotations.json"));
    }

    void cleanup()
    {
        m_project.reset();
        m_dir.reset();
    }

    void checkThenImport()
    {
        ImportAnnotationsDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Coco);
        dialog.setPath(m_coco);
        QVERIFY(!dialog.importButton()->isEnabled());
        QSignalSpy checked(&dialog, &ImportAnnotationsDialog::checkFinished);
        QTest::mouseClick(dialog.checkButton(), Qt::LeftButton);
        QVERIFY(dialog.isBusy() || checked.count() == 1);
        QVERIFY(checked.wait(20000) || checked.count() == 1);
        QCOMPARE(checked.first().first().toBool(), true);
        QVERIFY2(dialog.reportView()->heading().contains(QStringLiteral("Dry run")),
                 qPrintable(dialog.reportView()->heading()));
        QVERIFY2(dialog.reportView()->text().contains(QStringLiteral("on 12 images")),
                 qPrintable(dialog.reportView()->text()));
        QCOMPARE(shapeCount(*m_project), 0); // the dry run changed nothing

        QSignalSpy imported(&dialog, &ImportAnnotationsDialog::importFinished);
        QVERIFY(dialog.importButton()->isEnabled());
        QTest::mouseClick(dialog.importButton(), Qt::LeftButton);
        QCOMPARE(imported.count(), 1);
        QCOMPARE(imported.first().first().toBool(), true);
        const int added = shapeCount(*m_project);
        QVERIFY(added > 12);
        QVERIFY2(dialog.reportView()->heading().contains(QStringLiteral("Imported %1 shapes").arg(added)),
                 qPrintable(dialog.reportView()->heading()));
        QVERIFY(!dialog.importButton()->isEnabled()); // once per check
        // One undoable step.
        QVERIFY(m_project->undo());
        QCOMPARE(shapeCount(*m_project), 0);
    }

    void malformedFileNamesItAndChangesNothing()
    {
        const QString bad = m_dir->filePath(QStringLiteral("broken.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"images\": [{\"id\": 1, \"file_name\": ");
        f.close();
        ImportAnnotationsDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Coco);
        dialog.setPath(bad);
        QSignalSpy checked(&dialog, &ImportAnnotationsDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QCOMPARE(checked.first().first().toBool(), false);
        QVERIFY(!dialog.importButton()->isEnabled());
        QVERIFY2(dialog.reportView()->text().contains(QStringLiteral("broken.json")),
                 qPrintable(dialog.reportView()->text()));
        QCOMPARE(shapeCount(*m_project), 0);
    }

    void changingThePathNeedsANewCheck()
    {
        ImportAnnotationsDialog dialog(m_project.get());
        dialog.show();
        dialog.setPath(m_coco);
        QSignalSpy checked(&dialog, &ImportAnnotationsDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QVERIFY(dialog.importButton()->isEnabled());
        dialog.setPath(m_dir->filePath(QStringLiteral("masks.json")));
        QVERIFY(!dialog.importButton()->isEnabled());
        dialog.importChecked(); // nothing checked: no effect
        QCOMPARE(shapeCount(*m_project), 0);
    }

    void cancelDropsTheResult()
    {
        ImportAnnotationsDialog dialog(m_project.get());
        dialog.show();
        dialog.setPath(m_coco);
        QSignalSpy checked(&dialog, &ImportAnnotationsDialog::checkFinished);
        dialog.check();
        dialog.cancel();
        QVERIFY(!dialog.isBusy());
        QTest::qWait(1500);
        QCOMPARE(checked.count(), 0);
        QVERIFY(!dialog.importButton()->isEnabled());
        QCOMPARE(dialog.reportView()->heading(), QStringLiteral("Cancelled"));
    }

    void fileMenuOpensTheDialogOnTheOpenProject()
    {
        qputenv("LOUPE_NO_DIALOGS", "1");
        MainWindow w(StoreBackend::opener());
        w.show();
        QAction* action = w.findChild<QAction*>(QStringLiteral("importAnnotationsAction"));
        QVERIFY(action);
        QVERIFY(w.findChild<QAction*>(QStringLiteral("exportAnnotationsAction")));
        QMenu* file = nullptr;
        for (QMenu* m : w.findChildren<QMenu*>())
            if (m->actions().contains(action)) file = m;
        QVERIFY(file);
        emit file->aboutToShow();
        QVERIFY(!action->isEnabled()); // no project yet
        QVERIFY2(w.openProject(m_project->path(), true), qPrintable(w.lastError()));
        emit file->aboutToShow();
        QVERIFY(action->isEnabled());
        action->trigger();
        ImportAnnotationsDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<ImportAnnotationsDialog*>()) && dialog->isVisible());
        dialog->setPath(m_coco);
        QSignalSpy checked(dialog, &ImportAnnotationsDialog::checkFinished);
        dialog->check();
        QVERIFY(checked.wait(20000));
        dialog->importChecked();
        auto* controller = w.findChild<ProjectController*>();
        QVERIFY(controller);
        auto* store = qobject_cast<StoreBackend*>(controller->backend());
        QVERIFY(store && store->project());
        QVERIFY(shapeCount(*store->project()) > 0);
        dialog->close();
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<core::Project> m_project;
    QString m_coco;
};

QTEST_MAIN(TestExchangeImport)
#include "tst_exchange_import.moc"
