// SPDX-License-Identifier: MIT
// YOLO export of images that carry their project split: each goes under its own split folder and
// data.yaml's val names the val split (Ultralytics would otherwise validate on the training images).
#include "annotation/formats/yolo.h"
#include "sampledataset.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;

class TestYoloSplits : public QObject
{
    Q_OBJECT
private slots:
    void imagesGoUnderTheirSplit()
    {
        Dataset d = test::sampleDataset();
        d.images[0].split = QStringLiteral("train");
        d.images[1].split = QStringLiteral("val");
        QTemporaryDir dir;
        FormatReport r;
        QVERIFY2(yolo::write(d, dir.path(), {}, r), qPrintable(r.toText()));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("labels/train/imgs/a.txt"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("labels/val/b.txt"))));
        QFile yaml(dir.filePath(QStringLiteral("data.yaml")));
        QVERIFY(yaml.open(QIODevice::ReadOnly));
        const QByteArray text = yaml.readAll();
        QVERIFY2(text.contains("train: images/train\n") && text.contains("val: images/val\n"),
                 text.constData());
    }
    void withoutSplitsValIsTheTrainFolder()
    {
        const Dataset d = test::sampleDataset();
        const QByteArray text = yolo::dataYaml(d, YoloTask::Detect, QStringList{QStringLiteral("default")});
        QVERIFY(text.contains("train: images/default\nval: images/default\n"));
        QVERIFY(!text.contains("test:"));
        const QByteArray three = yolo::dataYaml(
            d, YoloTask::Detect,
            QStringList{QStringLiteral("valid"), QStringLiteral("test"), QStringLiteral("train")});
        QVERIFY(three.contains("train: images/train\nval: images/valid\ntest: images/test\n"));
    }
};

QTEST_MAIN(TestYoloSplits)
#include "tst_yolo_splits.moc"
