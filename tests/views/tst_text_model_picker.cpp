// SPDX-License-Identifier: MIT
// The model choice the Caption and Ask panels share: the project's registered models by name (absolute
// folders as data), a folder chosen outside them added once, choosing an item changes the folder, and a
// new project keeps the chosen folder shown.
#include "core/store/project.h"
#include "core/store/records.h"
#include "views/ask/askpanel.h"
#include "views/canvas/imagecanvas.h"
#include "views/caption/captionpanel.h"
#include "views/text/projectmodelpicker.h"

#include <QComboBox>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestTextModelPicker : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void listsProjectModelsAndAChosenFolder();
    void panelsShareIt();
};

void TestTextModelPicker::listsProjectModelsAndAChosenFolder()
{
    QTemporaryDir tmp;
    QString error;
    std::unique_ptr<core::Project> project =
        core::Project::create(tmp.filePath(QStringLiteral("p.loupe")), &error);
    QVERIFY2(project, qPrintable(error));
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("models/cap")));
    core::ModelRecord named;
    named.path = tmp.filePath(QStringLiteral("models/cap"));
    named.name = QStringLiteral("Captioner");
    QVERIFY2(project->registerModel(named, &error), qPrintable(error));
    core::ModelRecord unnamed;
    unnamed.path = tmp.filePath(QStringLiteral("models/vqa"));
    QVERIFY2(project->registerModel(unnamed, &error), qPrintable(error));

    ProjectModelPicker picker;
    QCOMPARE(picker.count(), 0);
    QCOMPARE(picker.currentIndex(), -1);
    picker.setProject(project.get());
    QCOMPARE(picker.count(), 2);
    QCOMPARE(picker.itemText(0), QStringLiteral("Captioner"));
    QCOMPARE(picker.itemText(1), QStringLiteral("vqa"));
    const QString cap = project->absolutePath(project->models().at(0).path);
    QCOMPARE(picker.itemData(0).toString(), cap);
    QCOMPARE(picker.currentIndex(), -1); // nothing chosen yet

    picker.setFolder(cap); // a registered one is selected, not added again
    QCOMPARE(picker.count(), 2);
    QCOMPARE(picker.currentIndex(), 0);

    const QString outside = tmp.filePath(QStringLiteral("elsewhere/blip"));
    picker.setFolder(outside);
    QCOMPARE(picker.count(), 3);
    QCOMPARE(picker.itemText(2), QStringLiteral("blip"));
    QCOMPARE(picker.currentIndex(), 2);

    emit picker.activated(1); // what choosing an item with the mouse or keys does
    QCOMPARE(picker.folder(), picker.itemData(1).toString());
    QCOMPARE(picker.count(), 2); // the outside folder is no longer the choice

    picker.setProject(nullptr); // the choice survives the project
    QCOMPARE(picker.count(), 1);
    QCOMPARE(picker.currentIndex(), 0);
}

void TestTextModelPicker::panelsShareIt()
{
    ImageCanvas canvas;
    CaptionPanel caption(&canvas);
    AskPanel ask(&canvas);
    auto* captionModel = caption.findChild<QComboBox*>(QStringLiteral("captionModel"));
    auto* askModel = ask.findChild<QComboBox*>(QStringLiteral("askModel"));
    QVERIFY(qobject_cast<ProjectModelPicker*>(captionModel));
    QVERIFY(qobject_cast<ProjectModelPicker*>(askModel));
    caption.setModelFolder(QStringLiteral("/models/blip"));
    QCOMPARE(caption.modelFolder(), QStringLiteral("/models/blip"));
    QCOMPARE(captionModel->currentText(), QStringLiteral("blip"));
    ask.setModelFolder(QStringLiteral("/models/vqa"));
    QCOMPARE(askModel->currentText(), QStringLiteral("vqa"));
    QCOMPARE(ask.modelFolder(), QStringLiteral("/models/vqa"));
}

QTEST_MAIN(TestTextModelPicker)
#include "tst_text_model_picker.moc"
