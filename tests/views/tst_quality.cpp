// SPDX-License-Identifier: MIT
// The Explanation quality dialog: a background run on generated shapes with the shipped model and its
// re-initialised twin fills the table, the metric bars and the mean curves and exports JSON/CSV; cancel
// stops between images and keeps whole images only; a missing mask is reported before anything runs.
#include "annotation/bridge/projectexchange.h"
#include "annotation/bridge/projectstoreaccess.h"
#include "core/jobs/jobtracker.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"
#include "core/store/project.h"
#include "views/quality/datasetqualitysource.h"
#include "views/quality/qualitycharts.h"
#include "views/quality/qualitydialog.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

QString modelDir(const char* name)
{
    return QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/") + QLatin1String(name);
}

QualityDialog::Setup shippedModels()
{
    QualityDialog::Setup s;
    s.modelFolder = modelDir("shapes-vit");
    s.randomModelFolder = modelDir("shapes-vit-random");
    return s;
}

} // namespace

class TestQualityDialog : public QObject
{
    Q_OBJECT
private slots:
    void runsAsAJobInTheTracker()
    {
        core::JobTracker jobs;
        QualityDialog::Setup setup = shippedModels();
        setup.jobs = &jobs;
        QualityDialog dialog(setup);
        dialog.setSource(QualityDialog::SourceKind::Shapes);
        dialog.setShapes(2, 5);
        dialog.setMethods({QStringLiteral("rollout")});
        // The boxes show names, the run gets ids.
        bool named = false;
        for (const QCheckBox* box : dialog.findChildren<QCheckBox*>())
            named = named || box->text() == QStringLiteral("Grad-CAM (attention, Chefer)");
        QVERIFY(named);
        QSignalSpy finished(&dialog, &QualityDialog::finished);
        QVERIFY2(dialog.start(), qPrintable(dialog.lastError()));
        QCOMPARE(jobs.jobs().size(), 1);
        core::JobHandle* job = jobs.jobs().first();
        QVERIFY(job->isRunning());
        QVERIFY2(job->title().contains(QStringLiteral("2 image")), qPrintable(job->title()));
        QVERIFY(finished.wait(300000));
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(job->done(), 2);
        QCOMPARE(job->total(), 2);

        // Cancel from the Jobs dock reaches the run.
        dialog.setShapes(500, 5);
        finished.clear();
        QVERIFY(dialog.start());
        core::JobHandle* second = jobs.jobs().last();
        QVERIFY(second != job);
        second->requestCancel();
        QVERIFY(finished.wait(300000));
        QCOMPARE(second->state(), core::JobHandle::State::Cancelled);
        QVERIFY(dialog.report().canceled);
        QVERIFY(dialog.report().images < 500);
    }

    void measuresShapesAndDrawsCharts()
    {
        QualityDialog dialog(shippedModels());
        dialog.setSource(QualityDialog::SourceKind::Shapes);
        dialog.setShapes(3, 11);
        dialog.setMethods({QStringLiteral("attention"), QStringLiteral("rollout")});
        QCOMPARE(dialog.methods(), (QStringList{QStringLiteral("attention"), QStringLiteral("rollout")}));
        QSignalSpy finished(&dialog, &QualityDialog::finished);
        QSignalSpy progressed(&dialog, &QualityDialog::progressed);
        QVERIFY2(dialog.start(), qPrintable(dialog.lastError()));
        QVERIFY(dialog.isRunning());
        QVERIFY(!dialog.start()); // one run at a time
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(progressed.size(), 3);
        QCOMPARE(progressed.last().at(0).toInt(), 3);
        const core::QualityReport& r = dialog.report();
        QCOMPARE(r.images, 3);
        QCOMPARE(int(r.methods.size()), 2);

        const auto* table = dialog.findChild<QTableWidget*>();
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("Attention rollout")); // the method's name
        QCOMPARE(table->item(0, 1)->text(), QString::number(r.methods[0].pointing, 'f', 3));

        // The tabs: table, metric bars, deletion curves, insertion curves.
        auto* tabs = dialog.findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->count(), 4);
        QList<QChartView*> charts;
        for (int t = 1; t < 4; ++t)
            charts << qobject_cast<QChartView*>(tabs->widget(t));
        QVERIFY(!charts.contains(nullptr));
        // Bars: pointing, inside, deletion, insertion and (with a random model) randomisation, per method.
        auto* bars = qobject_cast<QBarSeries*>(charts[0]->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->count(), 5);
        QCOMPARE(bars->barSets()[0]->count(), 2);
        QCOMPARE(bars->barSets()[0]->at(1), r.methods[1].pointing);
        // Curves: one line per method, one point per step (16 steps → 17 points).
        for (int c = 1; c <= 2; ++c) {
            const QList<QAbstractSeries*> lines = charts[c]->chart()->series();
            QCOMPARE(lines.size(), 2);
            auto* line = qobject_cast<QLineSeries*>(lines[0]);
            QCOMPARE(line->count(), 17);
            const std::vector<double>& curve =
                c == 1 ? r.methods[0].meanDeletion : r.methods[0].meanInsertion;
            QCOMPARE(line->at(16).y(), curve[16]);
        }

        QTemporaryDir tmp;
        const QString json = tmp.filePath(QStringLiteral("q.json")),
                      csv = tmp.filePath(QStringLiteral("q.csv"));
        QVERIFY2(dialog.exportJson(json), qPrintable(dialog.lastError()));
        QVERIFY2(dialog.exportCsv(csv), qPrintable(dialog.lastError()));
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(jf.readAll()).object();
        QCOMPARE(j.value(QLatin1String("images")).toInt(), 3);
        QCOMPARE(j.value(QLatin1String("methods")).toObject().keys(),
                 (QStringList{QStringLiteral("attention"), QStringLiteral("rollout")}));
        QCOMPARE(j.value(QLatin1String("methods"))
                     .toObject()
                     .value(QLatin1String("rollout"))
                     .toObject()
                     .value(QLatin1String("mean_deletion_curve"))
                     .toArray()
                     .size(),
                 17);
        QFile cf(csv);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = cf.readAll().split('\n');
        QVERIFY(lines[0].startsWith("method,images,pointing_accuracy"));
        QVERIFY(lines[1].startsWith("attention,3,"));
        QVERIFY(lines[4].startsWith("image,method,target")); // after the summary and a blank line
        QCOMPARE(lines.count(QByteArray()), 2);              // the separator and the final newline
        QVERIFY(!dialog.exportJson(tmp.filePath(QStringLiteral("no/such/dir/q.json"))));
        QVERIFY(dialog.lastError().contains(QLatin1String("no/such/dir")));
    }

    void cancelKeepsWholeImages()
    {
        QualityDialog dialog(shippedModels());
        dialog.setSource(QualityDialog::SourceKind::Shapes);
        dialog.setShapes(200, 3);
        dialog.setMethods({QStringLiteral("attention")});
        QSignalSpy finished(&dialog, &QualityDialog::finished);
        connect(&dialog, &QualityDialog::progressed, &dialog, [&dialog](int done, int) {
            if (done == 2) dialog.cancel();
        });
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().first().toBool(), true);
        const core::QualityReport& r = dialog.report();
        QVERIFY(r.canceled);
        QVERIFY(r.images >= 2 && r.images < 200);
        QCOMPARE(r.methods[0].images, r.images);
    }

    // The sample project with its COCO annotations imported: every image offers the union of its shapes'
    // masks, and the dialog measures them.
    void measuresTheOpenProjectsMaskedImages()
    {
        QTemporaryDir tmp;
        QString error;
        const QString path = core::createSampleProject(tmp.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        {
            // Before any annotation there is nothing to measure, and the dialog says so.
            int skipped = -1;
            QVERIFY(projectQualitySource(*project, &error, &skipped).count == 0);
            QCOMPARE(skipped, 12);
            std::unique_ptr<QualityDialog> d(QualityDialog::showForProject(nullptr, project.get()));
            QVERIFY(d->findChild<QLabel*>() != nullptr);
        }
        annotation::ProjectStoreAccess access(*project);
        annotation::FormatReport report;
        QVERIFY(annotation::importIntoProject(access, annotation::Format::Coco,
                                              tmp.filePath(QStringLiteral("annotations.json")), report));
        int skipped = -1;
        const core::QualitySource source = projectQualitySource(*project, &error, &skipped);
        QVERIFY2(source.count == 12, qPrintable(error));
        QCOMPARE(skipped, 0);
        // The mask of an image is exactly the union of the objects the generator drew in it.
        for (int k : {0, 11}) {
            const core::QualityItem item = source.item(k);
            const int index = QFileInfo(item.name).completeBaseName().section(QLatin1Char('_'), 1).toInt();
            const core::ShapesSample sample = core::ShapesWorld(core::kSampleSeed).generate(index);
            QCOMPARE(item.mask.width, sample.image.width());
            std::vector<uint8_t> expected(size_t(sample.image.width()) * sample.image.height(), 0);
            for (const core::ShapeObject& o : sample.objects)
                for (int y = 0; y < o.mask.height(); ++y)
                    for (int x = 0; x < o.mask.width(); ++x)
                        if (o.mask.constScanLine(y)[x]) expected[size_t(y) * o.mask.width() + x] = 1;
            QVERIFY2(item.mask.pixels == expected, qPrintable(item.name));
        }

        QualityDialog* dialog = QualityDialog::showForProject(nullptr, project.get());
        std::unique_ptr<QualityDialog> owner(dialog);
        dialog->setMethods({QStringLiteral("rollout")});
        QSignalSpy finished(dialog, &QualityDialog::finished);
        QVERIFY2(dialog->start(), qPrintable(dialog->lastError()));
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(dialog->report().images, 12);
    }

    void missingMaskIsReportedBeforeRunning()
    {
        QTemporaryDir tmp;
        QDir(tmp.path()).mkpath(QStringLiteral("images"));
        QDir(tmp.path()).mkpath(QStringLiteral("masks"));
        QImage img(16, 16, QImage::Format_RGB888);
        img.fill(Qt::white);
        QVERIFY(img.save(tmp.filePath(QStringLiteral("images/cat.png"))));
        QualityDialog dialog(shippedModels());
        dialog.setSource(QualityDialog::SourceKind::Folder);
        dialog.setFolders(tmp.filePath(QStringLiteral("images")), tmp.filePath(QStringLiteral("masks")));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.lastError().contains(QLatin1String("images/cat.png")),
                 qPrintable(dialog.lastError()));
        QVERIFY(!dialog.isRunning());
        dialog.setMethods({});
        QVERIFY(!dialog.start());
        QVERIFY(dialog.lastError().contains(QLatin1String("method")));
    }
};

QTEST_MAIN(TestQualityDialog)
#include "tst_quality.moc"
