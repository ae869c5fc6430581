// SPDX-License-Identifier: MIT
#include "core/models/model_registry.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

namespace {

QByteArray hashFiles(const QStringList& files)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const QString& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) return {};
        h.addData(file.readAll());
    }
    return h.result();
}

} // namespace

class TestSampleProject : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("LOUPE_MODELS_DIR", LOUPE_TEST_DATA "/../../resources/models"); }

    void writesADozenImagesWithAnnotations()
    {
        QTemporaryDir dir;
        const SampleContent c = writeSampleContent(dir.path());
        QVERIFY2(c.ok(), qPrintable(c.error));
        QCOMPARE(c.images.size(), kSampleImageCount);
        for (const QString& img : c.images) {
            QImage im(img);
            QCOMPARE(im.size(), QSize(96, 96));
        }
        QVERIFY(QFile::exists(c.annotationsPath));
        QVERIFY(QFile::exists(c.labelsPath));
        QCOMPARE(c.labelNames, shapeClassNames());
        // The same dozen on every install, and writing twice changes nothing.
        QTemporaryDir other;
        const SampleContent again = writeSampleContent(other.path());
        QVERIFY(again.ok());
        const QByteArray h = hashFiles(c.images + QStringList{c.annotationsPath, c.labelsPath});
        QVERIFY(!h.isEmpty());
        QCOMPARE(hashFiles(again.images + QStringList{again.annotationsPath, again.labelsPath}), h);
        QVERIFY(writeSampleContent(dir.path()).ok());
        QCOMPARE(hashFiles(c.images + QStringList{c.annotationsPath, c.labelsPath}), h);
    }

    void shippedModelIsFoundAndRegisters()
    {
        const QString folder = findShippedModel();
        QVERIFY(!folder.isEmpty());
        QVERIFY(folder.endsWith(QStringLiteral("/shapes-vit")));
        ModelRegistry registry;
        QCOMPARE(registry.registerFolder(folder), QString());
        QCOMPARE(registry.registered().size(), 1);
        QVERIFY(registry.registerFolder(findShippedModel(QStringLiteral("shapes-vit-random"))).isEmpty());
        QVERIFY(findShippedModel(QStringLiteral("no-such-model")).isEmpty());
    }

    void unwritableFolderIsReported()
    {
        QTemporaryDir dir;
        const QString file = QDir(dir.path()).filePath(QStringLiteral("plainfile"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const SampleContent c = writeSampleContent(file);
        QVERIFY(!c.ok());
        QVERIFY(c.error.contains(file));
    }
};

QTEST_MAIN(TestSampleProject)
#include "tst_sampleproject.moc"
