// SPDX-License-Identifier: MIT
// The Models dock and the Classify panel over a real project: the golden ViT checkpoint is registered
// through the panel (and a folder without a model is refused with a message), a classification runs in
// the background and shows the reference top class, the run is stored with its provenance, and a fresh
// panel on the reopened project shows that stored result for the image.
#include "common/testsupport.h"
#include "core/models/checkpoint_hash.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "views/models/classifypanel.h"
#include "views/models/modelspanel.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

qint64 addImage(core::Project& project, const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray bytes = f.readAll();
    const QImage img = QImage::fromData(bytes);
    core::AssetRecord r;
    r.absolutePath = file;
    r.sha256Hex = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    r.width = img.width();
    r.height = img.height();
    r.format = QStringLiteral("png");
    r.fileSize = bytes.size();
    QString error;
    const auto added = project.addAssets({r}, &error);
    if (!added || added->added != 1) return -1;
    const QVector<core::AssetRow> rows = project.assetPage({}, 0, 1);
    return rows.isEmpty() ? -1 : rows.first().id;
}

} // namespace

class TestClassifyPanel : public QObject
{
    Q_OBJECT
private slots:
    void classifiesAndStoresProvenance();
    void unreadableImageIsReportedNotStored();
};

void TestClassifyPanel::classifiesAndStoresProvenance()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString modelDir = QDir(test::goldenDir(QStringLiteral("vit_classify"))).canonicalPath();
    QVERIFY(QFile::exists(modelDir + QStringLiteral("/model.safetensors")));
    const QString projectPath = tmp.filePath(QStringLiteral("p.loupe"));
    QString error;
    qint64 assetId = -1;
    {
        std::unique_ptr<core::Project> project = core::Project::create(projectPath, &error);
        QVERIFY2(project, qPrintable(error));
        assetId = addImage(*project, modelDir + QStringLiteral("/input.png"));
        QVERIFY(assetId >= 0);

        ModelsPanel models;
        models.setProject(project.get());
        models.refresh(tmp.filePath(QStringLiteral("empty-hf-cache"))); // keep the user's cache out of it
        QCOMPARE(models.list()->count(), 0);
        // A folder with no config.json is refused, with a message, and nothing is stored.
        QVERIFY(!models.registerFolder(tmp.path()).isEmpty());
        QCOMPARE(project->models().size(), 0);
        QCOMPARE(models.registerFolder(modelDir), QString());
        QCOMPARE(project->models().size(), 1);
        QCOMPARE(models.list()->count(), 1);
        QCOMPARE(QDir(models.selectedFolder()).canonicalPath(), modelDir);

        ClassifyPanel panel;
        connect(&models, &ModelsPanel::modelSelected, &panel, &ClassifyPanel::setModelFolder);
        panel.setProject(project.get());
        panel.setModelFolder(models.selectedFolder());
        panel.setAsset(assetId);
        QVERIFY(panel.shown().top.isEmpty());
        QSignalSpy done(&panel, &ClassifyPanel::finished);
        QVERIFY2(panel.run(), qPrintable(panel.lastError()));
        QVERIFY(panel.isRunning() || done.count() == 1);
        QVERIFY(!panel.run()); // one run at a time
        QVERIFY(done.count() == 1 || done.wait(25000));
        QCOMPARE(done.count(), 1);
        QVERIFY2(done.first().first().toBool(), qPrintable(panel.lastError()));
        QCOMPARE(panel.shown().top.size(), 5);
        QCOMPARE(panel.shown().top.first().index, 4);
        QCOMPARE(panel.shown().top.first().label, QStringLiteral("brown bear"));
        double sum = 0;
        for (const auto& e : panel.shown().top)
            sum += e.prob;
        QVERIFY(sum > 0 && sum <= 1.0 + 1e-9);

        const QVector<core::RunRecord> runs = project->runs(assetId, QStringLiteral("classify"));
        QCOMPARE(runs.size(), 1);
        const core::RunRecord& run = runs.first();
        QCOMPARE(QDir(run.modelPath).canonicalPath(), modelDir);
        QCOMPARE(run.checkpointHash, core::checkpointHash(modelDir));
        QVERIFY(!run.checkpointHash.isEmpty());
        QCOMPARE(run.backend, QStringLiteral("cpu"));
        QCOMPARE(run.parameters.value(QStringLiteral("topk")).toInt(), 5);
        QVERIFY(run.durationMs > 0);
        const QJsonArray top = run.result.value(QStringLiteral("top")).toArray();
        QCOMPARE(top.size(), 5);
        QCOMPARE(top.first().toObject().value(QStringLiteral("label")).toString(),
                 QStringLiteral("brown bear"));
    }
    // Reopened: the panel shows the stored result without running anything.
    std::unique_ptr<core::Project> reopened = core::Project::open(projectPath, &error);
    QVERIFY2(reopened, qPrintable(error));
    ClassifyPanel panel;
    panel.setProject(reopened.get());
    panel.setAsset(assetId);
    QVERIFY(!panel.isRunning());
    QCOMPARE(panel.shown().top.size(), 5);
    QCOMPARE(panel.shown().top.first().index, 4);
    // The only registered model is the one in use, without a trip to the Models dock, and the dock shows
    // it selected (Classify used to say "No model is selected" while Explain used it).
    QCOMPARE(QDir(panel.modelFolder()).canonicalPath(), modelDir);
    ModelsPanel models;
    models.setProject(reopened.get());
    models.refresh(tmp.filePath(QStringLiteral("empty-hf-cache")));
    QCOMPARE(QDir(models.selectedFolder()).canonicalPath(), modelDir);
    QSignalSpy done(&panel, &ClassifyPanel::finished);
    QVERIFY2(panel.run(), qPrintable(panel.lastError()));
    QVERIFY(done.wait(25000));
    QVERIFY2(done.first().first().toBool(), qPrintable(panel.lastError()));

    // A project without models: running says why instead of starting.
    std::unique_ptr<core::Project> empty =
        core::Project::create(tmp.filePath(QStringLiteral("e.loupe")), &error);
    QVERIFY2(empty, qPrintable(error));
    ClassifyPanel bare;
    bare.setProject(empty.get());
    bare.setAsset(addImage(*empty, modelDir + QStringLiteral("/input.png")));
    QVERIFY(!bare.run());
    QVERIFY(bare.lastError().contains(QStringLiteral("No model")));
}

void TestClassifyPanel::unreadableImageIsReportedNotStored()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString modelDir = QDir(test::goldenDir(QStringLiteral("vit_classify"))).canonicalPath();
    const QString image = tmp.filePath(QStringLiteral("input.png"));
    QVERIFY(QFile::copy(modelDir + QStringLiteral("/input.png"), image));
    QString error;
    std::unique_ptr<core::Project> project =
        core::Project::create(tmp.filePath(QStringLiteral("p.loupe")), &error);
    QVERIFY2(project, qPrintable(error));
    const qint64 assetId = addImage(*project, image);
    QVERIFY(assetId >= 0);
    // The file is damaged after import: the run must say which file and store nothing.
    QFile f(image);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("not a png");
    f.close();

    ClassifyPanel panel;
    panel.setProject(project.get());
    panel.setModelFolder(modelDir);
    panel.setAsset(assetId);
    QSignalSpy done(&panel, &ClassifyPanel::finished);
    QVERIFY(panel.run());
    QVERIFY(done.count() == 1 || done.wait(25000));
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY2(panel.lastError().contains(image), qPrintable(panel.lastError()));
    QVERIFY(panel.shown().top.isEmpty());
    QCOMPARE(project->runs(assetId).size(), 0);
}

QTEST_MAIN(TestClassifyPanel)
#include "tst_classifypanel.moc"
