// SPDX-License-Identifier: MIT
// File > Export…: the dry run writes nothing and lists what the format converts, Export writes the
// files, a non-empty folder is only written after the user says yes, and a failed export leaves the
// folder as it was. The dialog is driven with open()/show() and QTest, never a blocking exec().
#include "annotation/bridge/sampleannotations.h"
#include "core/store/project.h"
#include "views/exchange/exportdialog.h"
#include "views/exchange/reportview.h"
#include "views/exchange/stagedexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using namespace loupe::views;

namespace {

QStringList filesUnder(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

} // namespace

class TestExchangeExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        m_path = annotation::prepareSampleProject(m_dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!m_path.isEmpty(), qPrintable(error));
        m_project = core::Project::open(m_path, &error);
        QVERIFY2(m_project, qPrintable(error));
    }

    void dryRunWritesNothingAndExportWrites()
    {
        const QString out = m_dir.filePath(QStringLiteral("coco-out"));
        ExportDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Coco);
        dialog.setOutputFolder(out);
        QVERIFY(!dialog.exportButton()->isEnabled()); // nothing checked yet
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        QTest::mouseClick(dialog.checkButton(), Qt::LeftButton);
        QVERIFY(checked.wait(20000));
        QCOMPARE(checked.first().first().toBool(), true);
        QVERIFY2(dialog.reportView()->heading().contains(QStringLiteral("Dry run")),
                 qPrintable(dialog.reportView()->heading()));
        QVERIFY2(dialog.reportView()->text().contains(QStringLiteral("12 images")),
                 qPrintable(dialog.reportView()->text()));
        QVERIFY(!QFileInfo::exists(out));

        QSignalSpy exported(&dialog, &ExportDialog::exportFinished);
        QVERIFY(dialog.exportButton()->isEnabled());
        QTest::mouseClick(dialog.exportButton(), Qt::LeftButton);
        QVERIFY(exported.wait(20000));
        QCOMPARE(exported.first().first().toBool(), true);
        QVERIFY(dialog.reportView()->heading().startsWith(QStringLiteral("Exported")));
        const QStringList files = filesUnder(out);
        QVERIFY2(!files.isEmpty(), "nothing was exported");
        // No staging folder is left beside the output.
        for (const QString& entry : QDir(m_dir.path()).entryList(QDir::AllEntries | QDir::Hidden))
            QVERIFY2(!entry.startsWith(QStringLiteral(".loupe-export")), qPrintable(entry));
    }

    void yoloDetectDryRunReportsConversions()
    {
        ExportDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Yolo);
        QVERIFY(dialog.yoloTaskBox()->isEnabled());
        QVERIFY(dialog.copyImagesBox()->isEnabled());
        dialog.setYoloTask(annotation::YoloTask::Detect);
        dialog.setSplit(QStringLiteral("val"));
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QCOMPARE(checked.first().first().toBool(), true);
        // Polygons and masks become boxes in a detect dataset, and the dry run says so before writing.
        QVERIFY2(dialog.reportView()->text().contains(QStringLiteral("converted")),
                 qPrintable(dialog.reportView()->text()));
        QVERIFY2(dialog.reportView()->text().contains(QStringLiteral("3 images")),
                 qPrintable(dialog.reportView()->text()));
        dialog.setFormat(annotation::Format::Coco);
        QVERIFY(!dialog.yoloTaskBox()->isEnabled());
        QVERIFY(!dialog.exportButton()->isEnabled()); // a changed option needs a new check
    }

    void nonEmptyFolderAsksFirst()
    {
        QTemporaryDir out;
        QFile keep(out.filePath(QStringLiteral("notes.txt")));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("mine");
        keep.close();
        ExportDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Labelme);
        dialog.setOutputFolder(out.path());
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QSignalSpy exported(&dialog, &ExportDialog::exportFinished);

        QTest::mouseClick(dialog.exportButton(), Qt::LeftButton);
        QVERIFY(dialog.confirmation());
        QTRY_VERIFY(dialog.confirmation()->isVisible());
        QTest::mouseClick(dialog.confirmation()->button(QMessageBox::No), Qt::LeftButton);
        QTRY_VERIFY(!dialog.confirmation());
        QTest::qWait(100);
        QCOMPARE(exported.count(), 0);
        QCOMPARE(filesUnder(out.path()), QStringList{QStringLiteral("notes.txt")});

        QTest::mouseClick(dialog.exportButton(), Qt::LeftButton);
        QTRY_VERIFY(dialog.confirmation() && dialog.confirmation()->isVisible());
        QTest::mouseClick(dialog.confirmation()->button(QMessageBox::Yes), Qt::LeftButton);
        QVERIFY(exported.wait(20000));
        QCOMPARE(exported.first().first().toBool(), true);
        QVERIFY(filesUnder(out.path()).size() > 1);
        QVERIFY(keep.open(QIODevice::ReadOnly));
        QCOMPARE(keep.readAll(), QByteArray("mine"));
    }

    void failedExportLeavesTheFolderAlone()
    {
        QTemporaryDir tmp;
        const QString file = tmp.filePath(QStringLiteral("not-a-folder"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        ExportDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Coco);
        dialog.setOutputFolder(file);
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QSignalSpy exported(&dialog, &ExportDialog::exportFinished);
        dialog.exportChecked();
        QVERIFY(exported.wait(20000));
        QCOMPARE(exported.first().first().toBool(), false);
        QVERIFY2(dialog.reportView()->text().contains(file), qPrintable(dialog.reportView()->text()));
        QVERIFY(QFileInfo(file).isFile());
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("not-a-folder")});
    }

    void cancelledStagedExportWritesNothing()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("out"));
        annotation::Dataset data;
        annotation::DatasetImage im;
        im.path = QStringLiteral("a.png");
        im.width = im.height = 8;
        data.images.push_back(im);
        annotation::FormatReport report;
        QVERIFY(!exportStaged(annotation::Format::Coco, data, out, {}, report, [] { return true; }));
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
        annotation::FormatReport ok;
        QVERIFY(exportStaged(annotation::Format::Coco, data, out, {}, ok));
        QVERIFY(folderHasEntries(out));
    }

    void yoloSegmentCopiesImagesOfTheChosenLabels()
    {
        QTemporaryDir out;
        ExportDialog dialog(m_project.get());
        dialog.show();
        dialog.setFormat(annotation::Format::Yolo);
        dialog.setYoloTask(annotation::YoloTask::Segment);
        dialog.setLabels({QStringLiteral("ring")});
        dialog.setCopyImages(true);
        dialog.setOutputFolder(out.path());
        QCOMPARE(dialog.options().labels, QStringList{QStringLiteral("ring")});
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        dialog.check();
        QVERIFY(checked.wait(20000));
        QCOMPARE(checked.first().first().toBool(), true);
        // Only the rings are kept, as masks; the dry run says their holes cannot go into YOLO polygons.
        const QString dry = dialog.reportView()->text();
        QVERIFY2(dry.contains(QStringLiteral("mask: 6")), qPrintable(dry));
        QVERIFY2(dry.contains(QStringLiteral("dropped 6 mask hole")), qPrintable(dry));
        QSignalSpy exported(&dialog, &ExportDialog::exportFinished);
        dialog.exportChecked();
        QVERIFY(exported.wait(20000));
        QCOMPARE(exported.first().first().toBool(), true);
        int images = 0, labels = 0;
        for (const QString& f : filesUnder(out.path())) {
            images += f.endsWith(QStringLiteral(".png"));
            labels += f.endsWith(QStringLiteral(".txt"));
        }
        QCOMPARE(images, 12);
        QVERIFY(labels > 0);
    }

    void noLabelChosenIsRefused()
    {
        ExportDialog dialog(m_project.get());
        dialog.setLabels({});
        QSignalSpy checked(&dialog, &ExportDialog::checkFinished);
        dialog.check();
        QCOMPARE(checked.count(), 1);
        QCOMPARE(checked.first().first().toBool(), false);
        QVERIFY(!dialog.exportButton()->isEnabled());
    }

    void cleanupTestCase() { m_project.reset(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<core::Project> m_project;
};

QTEST_MAIN(TestExchangeExport)
#include "tst_exchange_export.moc"
