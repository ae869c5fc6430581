// SPDX-License-Identifier: MIT
// The main window over the real project store: a project made through core/store opens in the window,
// the browser counts its assets through AssetQuery, selecting an asset puts it on the canvas, thumbnails
// are made once and then read from the project, a split change undoes and redoes across reopening,
// and a file the store refuses is reported and left untouched.
#include "annotation/bridge/projectannotations.h"
#include "annotation/commands/addshapes.h"
#include "annotation/commands/changereviewstate.h"
#include "common/testsupport.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/mainwindow.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

constexpr int kImages = 5;

// Image i is (80 + 16 i) × 60 so the canvas proves which one it shows.
QSize imageSize(int i)
{
    return QSize(80 + 16 * i, 60);
}

QStringList writeImages(const QString& folder)
{
    QDir().mkpath(folder);
    QStringList files;
    for (int i = 0; i < kImages; ++i) {
        QImage img(imageSize(i), QImage::Format_RGB32);
        img.fill(QColor::fromHsv(i * 60, 200, 220));
        QPainter(&img).fillRect(5, 5, 20 + i, 20, Qt::white); // distinct content, distinct hashes
        const QString f = QDir(folder).filePath(QStringLiteral("img_%1.png").arg(i));
        if (img.save(f)) files << f;
    }
    return files;
}

bool makeProject(const QString& path, const QStringList& files, QString* error)
{
    std::unique_ptr<core::Project> project = core::Project::create(path, error);
    if (!project) return false;
    QVector<core::AssetRecord> batch;
    for (const QString& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) return false;
        const QByteArray bytes = file.readAll();
        const QImage img = QImage::fromData(bytes);
        core::AssetRecord r;
        r.absolutePath = f;
        r.sha256Hex =
            QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        r.width = img.width();
        r.height = img.height();
        r.format = QStringLiteral("png");
        r.fileSize = bytes.size();
        r.split = QStringLiteral("train");
        batch.append(r);
    }
    const auto added = project->addAssets(batch, error);
    if (!added || added->added != files.size()) return false;
    core::Label label;
    label.name = QStringLiteral("circle");
    label.color = Qt::red;
    label.hotkey = QStringLiteral("1");
    return bool(project->addLabel(label, error));
}

StoreBackend* storeBackend(MainWindow& w)
{
    return qobject_cast<StoreBackend*>(w.controller()->backend());
}

} // namespace

class TestStoreBackend : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    QStringList m_files;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("LOUPE_NO_DIALOGS", "1");
        QVERIFY(m_dir.isValid());
        m_files = writeImages(m_dir.filePath(QStringLiteral("images")));
        QCOMPARE(m_files.size(), kImages);
        m_project = m_dir.filePath(QStringLiteral("store.loupe"));
        QString error;
        QVERIFY2(makeProject(m_project, m_files, &error), qPrintable(error));
    }

    void opensInTheWindowAndShowsTheSelectedImage()
    {
        MainWindow w(StoreBackend::opener());
        w.resize(1100, 700);
        w.show();
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        QVERIFY(storeBackend(w));
        QCOMPARE(w.controller()->projectPath(), m_project);
        QVERIFY2(w.controller()->projectSummary().startsWith(QStringLiteral("5 images")),
                 qPrintable(w.controller()->projectSummary()));
        DatasetModel* model = w.controller()->datasetModel();
        QVERIFY(model);
        QTRY_COMPARE(model->rowCount(), kImages);
        // The first image goes on the canvas by itself once its page arrives.
        QTRY_VERIFY(!w.canvas()->imagePath().isEmpty());
        QTRY_VERIFY(model->rowAt(3) != nullptr);
        const AssetRow row3 = *model->rowAt(3);
        QVERIFY(QFileInfo::exists(row3.absolutePath));
        QCOMPARE(row3.split, QStringLiteral("train"));
        QCOMPARE(row3.reviewState, QStringLiteral("unreviewed"));
        w.controller()->selectRow(3);
        QTRY_COMPARE(w.canvas()->imagePath(), row3.absolutePath);
        const int index = int(m_files.indexOf(QFileInfo(row3.absolutePath).absoluteFilePath()));
        QVERIFY(index >= 0);
        QCOMPARE(w.canvas()->imageSize(), imageSize(index));
        QCOMPARE(QSize(row3.width, row3.height), imageSize(index));

        // Filters reach the store: no asset is in "val", all five in "train".
        DatasetFilter f;
        f.split = QStringLiteral("val");
        model->setFilter(f);
        QTRY_COMPARE(model->rowCount(), 0);
        f.split = QStringLiteral("train");
        model->setFilter(f);
        QTRY_COMPARE(model->rowCount(), kImages);
        QCOMPARE(storeBackend(w)->labels().size(), 1);
        QCOMPARE(storeBackend(w)->labels().first().second, QStringLiteral("circle"));
    }

    // The window's browser reads review counts from the project and follows the editor's document:
    // a verdict given in the editor shows in the row and in the needs-fix filter without reopening.
    void browserRowsFollowReviewEdits()
    {
        MainWindow w(StoreBackend::opener());
        w.show();
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        DatasetModel* model = w.controller()->datasetModel();
        QTRY_COMPARE(model->rowCount(), kImages);
        QTRY_VERIFY(model->rowAt(0) != nullptr);
        const qint64 asset = model->rowAt(0)->id;
        auto* binding = w.findChild<AnnotationBinding*>();
        QVERIFY(binding && binding->projectAnnotations());
        annotation::ProjectAnnotations* pa = binding->projectAnnotations();
        annotation::Shape shape;
        shape.imageId = asset;
        shape.geometry = annotation::RectangleGeom{QRectF(1, 1, 10, 10)};
        auto* add = new annotation::AddShapes(*pa->document(), {shape});
        pa->undoStack()->push(add);
        pa->undoStack()->push(new annotation::ChangeReviewState(*pa->document(), {add->shapes().front().id},
                                                                annotation::ReviewState::NeedsFix));
        const QModelIndex index = model->index(model->rowOfAsset(asset), 0);
        QTRY_COMPARE(model->data(index, DatasetModel::ReviewCountsRole).toList(), (QVariantList{0, 0, 0, 1}));
        DatasetFilter f;
        f.hasNeedsFix = true;
        model->setFilter(f);
        QTRY_COMPARE(model->rowCount(), 1);
        pa->undoStack()->undo(); // the verdict
        pa->undoStack()->undo(); // the shape
        model->setFilter(DatasetFilter());
        QTRY_COMPARE(model->rowCount(), kImages);
        QTRY_VERIFY(model->rowAt(0) != nullptr);
        QTRY_COMPARE(
            model->data(model->index(model->rowOfAsset(asset), 0), DatasetModel::ReviewCountsRole).toList(),
            (QVariantList{0, 0, 0, 0}));
    }

    void thumbnailsAreMadeOnceThenReadFromTheProject()
    {
        QString error;
        std::unique_ptr<ProjectBackend> backend = StoreBackend::open(m_project, false, &error);
        QVERIFY2(backend, qPrintable(error));
        auto* store = qobject_cast<StoreBackend*>(backend.get());
        const QVector<core::AssetRow> rows = store->project()->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), kImages);
        const qint64 id = rows[1].id;
        const QString path = store->project()->absolutePath(rows[1].storedPath);
        QSignalSpy ready(backend.get(), &ProjectBackend::thumbnailReady);
        backend->requestThumbnail(id, path, 48);
        QTRY_COMPARE(ready.size(), 1);
        QCOMPARE(ready[0][0].toLongLong(), id);
        const QImage thumb = ready[0][1].value<QImage>();
        QVERIFY(!thumb.isNull());
        QVERIFY(std::max(thumb.width(), thumb.height()) <= 48);
        QVERIFY(!store->project()->thumbnail(id).isEmpty()); // cached in the project file

        // With the image gone, the thumbnail still comes, from the cache.
        const QString moved = path + QStringLiteral(".moved");
        QVERIFY(QFile::rename(path, moved));
        backend->requestThumbnail(id, path, 48);
        QTRY_COMPARE(ready.size(), 2);
        QVERIFY(QFile::rename(moved, path));
        QVERIFY(!ready[1][1].value<QImage>().isNull());
        QCOMPARE(ready[1][1].value<QImage>().size(), thumb.size());
    }

    void splitChangeUndoesAndRedoesAcrossReopen()
    {
        qint64 id = -1;
        {
            MainWindow w(StoreBackend::opener());
            QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
            StoreBackend* store = storeBackend(w);
            QVERIFY(store);
            id = store->project()->assetPage({}, 0, 1).first().id;
            QSignalSpy history(w.controller(), &ProjectController::historyChanged);
            QVERIFY(store->setSplit({id}, QStringLiteral("val")));
            QVERIFY(history.size() >= 1);
            QVERIFY(w.controller()->canUndo());
            QVERIFY(store->splits().contains(QStringLiteral("val")));
            // The browser re-queries after the edit.
            DatasetFilter f;
            f.split = QStringLiteral("val");
            w.controller()->datasetModel()->setFilter(f);
            QTRY_COMPARE(w.controller()->datasetModel()->rowCount(), 1);
        }
        {
            MainWindow w(StoreBackend::opener());
            QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
            QVERIFY(w.controller()->canUndo());
            QVERIFY(!w.controller()->undoText().isEmpty());
            w.controller()->undo();
            QCOMPARE(storeBackend(w)->project()->asset(id)->split, QStringLiteral("train"));
            QVERIFY(w.controller()->canRedo());
        }
        {
            MainWindow w(StoreBackend::opener());
            QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
            QVERIFY(w.controller()->canRedo());
            w.controller()->redo();
            QCOMPARE(storeBackend(w)->project()->asset(id)->split, QStringLiteral("val"));
            w.controller()->undo(); // leave the project as the other tests expect it
            QCOMPARE(storeBackend(w)->project()->asset(id)->split, QStringLiteral("train"));
        }
    }

    void importRunsAsAJobInTheJobsDock()
    {
        MainWindow w(StoreBackend::opener());
        w.show();
        const QString path = m_dir.filePath(QStringLiteral("imported.loupe"));
        QString error;
        QVERIFY2(w.controller()->createProject(path, &error), qPrintable(error));
        StoreBackend* store = storeBackend(w);
        QVERIFY(store);
        QCOMPARE(w.controller()->projectSummary(), QStringLiteral("0 images · 0 labels"));
        // A corrupt file among the images is listed, and does not stop the others.
        const QString broken = m_dir.filePath(QStringLiteral("images/broken.png"));
        QFile b(broken);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("\x89PNG\r\n\x1a\nnot really");
        b.close();
        QSignalSpy finished(store, &StoreBackend::importFinished);
        QSignalSpy errors(w.controller(), &ProjectController::errorOccurred);
        w.controller()->importPaths({m_dir.filePath(QStringLiteral("images"))});
        // The job shows in the Jobs dock with a progress bar and a cancel button.
        QWidget* jobs = w.jobsDock()->widget();
        QVERIFY(jobs->findChild<QWidget*>(QStringLiteral("job")));
        QVERIFY(jobs->findChild<QProgressBar*>(QStringLiteral("jobProgress")));
        QVERIFY(jobs->findChild<QPushButton*>(QStringLiteral("jobCancel")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QFile::remove(broken);
        QCOMPARE(finished[0][0].toInt(), kImages); // added
        QCOMPARE(finished[0][2].toInt(), 1);       // failed
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0][1].toString().contains(QStringLiteral("broken.png")),
                 qPrintable(errors[0][1].toString()));
        QCOMPARE(store->runningImports(), 0);
        QTRY_COMPARE(w.controller()->datasetModel()->rowCount(), kImages);
        QVERIFY(w.controller()->projectSummary().startsWith(QStringLiteral("5 images")));
        QTRY_VERIFY(!w.canvas()->imagePath().isEmpty());
        QCOMPARE(jobs->findChild<QPushButton*>(QStringLiteral("jobCancel"))->text(),
                 QStringLiteral("Dismiss"));
        // Thumbnails of everything imported are made in the background and kept in the project.
        QTRY_VERIFY_WITH_TIMEOUT(store->project()->assetsWithoutThumbnail(10).isEmpty(), 20000);
    }

    void cancelStopsTheImportAndDismissClearsTheDock()
    {
        // Enough files (several batches) that the import cannot be over before the click lands.
        constexpr int kMany = 700;
        const QString folder = m_dir.filePath(QStringLiteral("many"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < kMany; ++i) {
            QImage img(16, 16, QImage::Format_RGB32);
            img.fill(QColor::fromRgb(i % 256, (i / 256) * 40, 90));
            QVERIFY(img.save(QDir(folder).filePath(QStringLiteral("m%1.png").arg(i))));
        }
        MainWindow w(StoreBackend::opener());
        const QString path = m_dir.filePath(QStringLiteral("cancelled.loupe"));
        QString error;
        QVERIFY2(w.controller()->createProject(path, &error), qPrintable(error));
        StoreBackend* store = storeBackend(w);
        QSignalSpy finished(store, &StoreBackend::importFinished);
        w.controller()->importPaths({folder});
        QWidget* jobs = w.jobsDock()->widget();
        auto* cancel = jobs->findChild<QPushButton*>(QStringLiteral("jobCancel"));
        QVERIFY(cancel);
        cancel->click();
        QVERIFY(!cancel->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        const int added = finished[0][0].toInt();
        QVERIFY2(added < kMany, qPrintable(QString::number(added)));
        auto* label = jobs->findChild<QLabel*>(QStringLiteral("jobLabel"));
        QVERIFY2(label->text().startsWith(QStringLiteral("Import cancelled")), qPrintable(label->text()));
        // What was committed before the cancel is all there (whole batches), nothing more.
        QCOMPARE(store->project()->info().assets, qint64(added));
        QCOMPARE(cancel->text(), QStringLiteral("Dismiss"));
        QVERIFY(cancel->isEnabled());
        cancel->click();
        QTRY_VERIFY(!jobs->findChild<QWidget*>(QStringLiteral("job")));
        QVERIFY(!jobs->findChild<QLabel*>(QStringLiteral("idleLabel"))->isHidden());
    }

    void aRefusedFileIsReportedAndLeftAlone()
    {
        const QString bogus = m_dir.filePath(QStringLiteral("not a project.loupe"));
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray content("this is not SQLite at all, just text that happens to be long enough");
        f.write(content);
        f.close();
        MainWindow w(StoreBackend::opener());
        QVERIFY2(w.openProject(m_project, true), qPrintable(w.lastError()));
        QVERIFY(!w.openProject(bogus, true));
        QVERIFY2(w.lastError().contains(QStringLiteral("not a project.loupe")), qPrintable(w.lastError()));
        QCOMPARE(w.controller()->projectPath(), m_project); // the open project stays
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
        QVERIFY(!QFileInfo::exists(bogus + QStringLiteral("-wal")));

        // Creating over an existing file is refused too.
        QString error;
        QVERIFY(!StoreBackend::open(m_project, true, &error));
        QVERIFY2(error.contains(QStringLiteral("store.loupe")), qPrintable(error));
    }
};

QTEST_MAIN(TestStoreBackend)
#include "tst_storebackend.moc"
