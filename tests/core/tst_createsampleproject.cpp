// SPDX-License-Identifier: MIT
// createSampleProject: the dozen shapes images in one project with their splits, the six labels with
// hotkeys 1-6, the shipped models registered (classifier, captioner, VQA, CLIP; LOUPE_MODELS_DIR
// first); an existing sample is refused and left as it was.
#include "common/testsupport.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/store/project.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

class TestCreateSampleProject : public QObject
{
    Q_OBJECT
private slots:
    void createsAProjectWithImagesLabelsAndModel()
    {
        qputenv("LOUPE_MODELS_DIR", QByteArray(LOUPE_TEST_DATA "/../../resources/models"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const QString path = createSampleProject(dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("sample.loupe"));

        std::unique_ptr<Project> project = Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        const ProjectInfo info = project->info();
        QCOMPARE(info.assets, qint64(kSampleImageCount));
        QCOMPARE(info.integrity, QStringLiteral("ok"));
        AssetFilter val;
        val.split = QStringLiteral("val");
        AssetFilter train;
        train.split = QStringLiteral("train");
        QCOMPARE(project->countAssets(train), qint64(9));
        QCOMPARE(project->countAssets(val), qint64(3));
        // Images are below the project folder, so they are stored relative to it.
        for (const AssetRow& row : project->assetPage({}, 0, 100)) {
            QVERIFY2(QDir::isRelativePath(row.storedPath), qPrintable(row.storedPath));
            QVERIFY(QFileInfo::exists(project->absolutePath(row.storedPath)));
        }
        const QVector<Label> labels = project->labels();
        QCOMPARE(labels.size(), 6);
        QStringList names, hotkeys;
        for (const Label& l : labels) {
            names << l.name;
            hotkeys << l.hotkey;
            QVERIFY(l.color.isValid());
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("circle"), QStringLiteral("square"), QStringLiteral("triangle"),
                              QStringLiteral("star"), QStringLiteral("cross"), QStringLiteral("ring")}));
        QCOMPARE(hotkeys, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                                       QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6")}));
        QHash<QString, QString> architectures;
        for (const ModelRecord& m : project->models())
            architectures.insert(m.name, m.architecture);
        QCOMPARE(architectures.value(QStringLiteral("shapes-vit")), QStringLiteral("vit"));
        QCOMPARE(architectures.value(QStringLiteral("shapes-captioner")),
                 QStringLiteral("vision-encoder-decoder"));
        QCOMPARE(architectures.value(QStringLiteral("shapes-vqa")), QStringLiteral("blip"));
        QCOMPARE(architectures.value(QStringLiteral("shapes-clip")), QStringLiteral("clip"));
    }

    void registersTextModelsFromTheModelsDirFirst()
    {
        // LOUPE_MODELS_DIR holds a captioner of its own: that one is registered, not the shipped one.
        QTemporaryDir models;
        const QString captioner = models.filePath(QStringLiteral("shapes-captioner"));
        QVERIFY(QDir().mkpath(captioner));
        QVERIFY(QFile::copy(
            QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-captioner/config.json"),
            captioner + QStringLiteral("/config.json")));
        qputenv("LOUPE_MODELS_DIR", models.path().toUtf8());
        QTemporaryDir dir;
        QString error;
        const QString path = createSampleProject(dir.filePath(QStringLiteral("sample")), &error);
        qunsetenv("LOUPE_MODELS_DIR");
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<Project> project = Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        QString registered;
        for (const ModelRecord& m : project->models())
            if (m.name == QStringLiteral("shapes-captioner")) registered = m.path;
        QCOMPARE(registered, QFileInfo(captioner).canonicalFilePath());
    }

    void refusesAnExistingSample()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = createSampleProject(dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        QVERIFY(createSampleProject(dir.path(), &error).isEmpty());
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }
};

QTEST_MAIN(TestCreateSampleProject)
#include "tst_createsampleproject.moc"
