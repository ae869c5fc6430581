// SPDX-License-Identifier: MIT
// `loupe dicom` and `loupe import` with DICOM through the real binary: what was decoded (text and JSON),
// the windowed 8-bit PNG, frames of a multi-frame file, patient tags only when asked, clear errors for
// damaged and non-DICOM files, and a folder of extension-less DICOM files imported by their preamble.
#include "common/runloupe.h"
#include "core/import/dicomreader.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

QString data(const QString& name)
{
    return QStringLiteral(LOUPE_TEST_DATA "/dicom/") + name;
}

} // namespace

class TestCliDicom : public QObject
{
    Q_OBJECT
private slots:
    void describesAndWritesTheWindowedImage()
    {
        QTemporaryDir dir;
        const QString png = QDir(dir.path()).filePath(QStringLiteral("ct.png"));
        const LoupeRun r = runLoupe({QStringLiteral("dicom"), data(QStringLiteral("ct16.dcm")),
                                     QStringLiteral("--json"), QStringLiteral("--png"), png});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("rows")).toInt(), 48);
        QCOMPARE(o.value(QStringLiteral("columns")).toInt(), 64);
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("bits_stored")).toInt(), 12);
        QCOMPARE(o.value(QStringLiteral("photometric")).toString(), QStringLiteral("MONOCHROME2"));
        QCOMPARE(o.value(QStringLiteral("modality")).toString(), QStringLiteral("CT"));
        QCOMPARE(o.value(QStringLiteral("transfer_syntax")).toString(),
                 QStringLiteral("1.2.840.10008.1.2.1"));
        QCOMPARE(o.value(QStringLiteral("rescale_intercept")).toDouble(), -24.0);
        const QJsonObject window = o.value(QStringLiteral("window")).toObject();
        QCOMPARE(window.value(QStringLiteral("center")).toDouble(), 40.0);
        QCOMPARE(window.value(QStringLiteral("width")).toDouble(), 400.0);
        QCOMPARE(o.value(QStringLiteral("window_presets")).toArray().size(), 2);
        QVERIFY(!o.contains(QStringLiteral("patient")));
        QVERIFY(!r.out.contains(QStringLiteral("Doe")));
        const QImage img(png);
        QCOMPARE(img.size(), QSize(64, 48));
        QVERIFY(img.isGrayscale());
        QCOMPARE(qGray(img.pixel(0, 0)), 0);     // -261 HU under a 40/400 window
        QCOMPARE(qGray(img.pixel(63, 47)), 255); // 1659 HU
    }

    void textOutputAndPatientOnRequest()
    {
        LoupeRun r = runLoupe({QStringLiteral("dicom"), data(QStringLiteral("jpeg_lossless.dcm"))});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* line : {"rows: 48", "columns: 64", "frames: 1", "bits stored: 12 of 16 signed",
                                 "photometric interpretation: MONOCHROME2", "modality: CT",
                                 "transfer syntax: 1.2.840.10008.1.2.4.70",
                                 "window: C 40 W 400 (SOFT TISSUE)", "window preset: C 300 W 1500 (BONE)"})
            QVERIFY2(r.out.contains(QLatin1String(line)), qPrintable(r.out));
        QVERIFY(!r.out.contains(QStringLiteral("Doe")));
        r = runLoupe(
            {QStringLiteral("dicom"), data(QStringLiteral("ct16.dcm")), QStringLiteral("--patient")});
        QVERIFY2(r.out.contains(QStringLiteral("Patient's Name: Doe^Jane")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Patient ID: PAT-0042")), qPrintable(r.out));
    }

    void framesOfAMultiFrameFile()
    {
        QTemporaryDir dir;
        const QString png0 = QDir(dir.path()).filePath(QStringLiteral("f0.png"));
        const QString png3 = QDir(dir.path()).filePath(QStringLiteral("f3.png"));
        QCOMPARE(runLoupe({QStringLiteral("dicom"), data(QStringLiteral("multiframe.dcm")),
                           QStringLiteral("--png"), png0})
                     .code,
                 0);
        const LoupeRun r = runLoupe({QStringLiteral("dicom"), data(QStringLiteral("multiframe.dcm")),
                                     QStringLiteral("--frame"), QStringLiteral("3"), QStringLiteral("--json"),
                                     QStringLiteral("--png"), png3});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("frame")).toInt(), 3);
        // Frame 3 is frame 0 plus 1500: brighter under the same window.
        QVERIFY(qGray(QImage(png3).pixel(20, 10)) > qGray(QImage(png0).pixel(20, 10)));
        const LoupeRun past = runLoupe({QStringLiteral("dicom"), data(QStringLiteral("multiframe.dcm")),
                                        QStringLiteral("--frame"), QStringLiteral("4")});
        QCOMPARE(past.code, 1);
        QVERIFY2(past.err.contains(QStringLiteral("no frame 4")), qPrintable(past.err));
        QCOMPARE(runLoupe({QStringLiteral("dicom"), data(QStringLiteral("ct16.dcm")),
                           QStringLiteral("--frame"), QStringLiteral("-1")})
                     .code,
                 2);
    }

    // A model sees a DICOM file as its windowed 8-bit image: classifying the file and the PNG that
    // `loupe dicom --png` wrote gives the same logits.
    void modelsSeeTheWindowedImage()
    {
        QTemporaryDir dir;
        const QString png = QDir(dir.path()).filePath(QStringLiteral("ct.png"));
        QCOMPARE(runLoupe({QStringLiteral("dicom"), data(QStringLiteral("ct16.dcm")), QStringLiteral("--png"),
                           png})
                     .code,
                 0);
        const QString model = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-vit");
        const LoupeRun r = runLoupe({QStringLiteral("classify"), QStringLiteral("--model"), model,
                                     data(QStringLiteral("ct16.dcm")), png, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        const QJsonArray fromDicom =
            QJsonDocument::fromJson(lines[0].toUtf8()).object().value(QStringLiteral("top")).toArray();
        const QJsonArray fromPng =
            QJsonDocument::fromJson(lines[1].toUtf8()).object().value(QStringLiteral("top")).toArray();
        QVERIFY(!fromDicom.isEmpty());
        QCOMPARE(fromDicom, fromPng);
        const LoupeRun bad = runLoupe({QStringLiteral("classify"), QStringLiteral("--model"), model,
                                       data(QStringLiteral("malformed/truncated.dcm"))});
        QVERIFY2(bad.err.contains(QStringLiteral("truncated.dcm: damaged DICOM file")), qPrintable(bad.err));
    }

    void clearErrors()
    {
        const QString truncated = data(QStringLiteral("malformed/truncated.dcm"));
        LoupeRun r = runLoupe({QStringLiteral("dicom"), truncated});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(truncated + QStringLiteral(": damaged DICOM file")), qPrintable(r.err));
        const QString huge = data(QStringLiteral("malformed/huge_dimensions.dcm"));
        r = runLoupe({QStringLiteral("dicom"), huge});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(huge + QStringLiteral(": 65535 x 65535 pixels")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("dicom"), data(QStringLiteral("README.md"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("README.md: not a DICOM file")), qPrintable(r.err));
        QCOMPARE(runLoupe({QStringLiteral("dicom")}).code, 2);
    }

    void importFolderByPreamble()
    {
        QTemporaryDir dir;
        const QString project = QDir(dir.path()).filePath(QStringLiteral("p.loupe"));
        const QString series = QDir(dir.path()).filePath(QStringLiteral("series"));
        QVERIFY(QDir().mkpath(series));
        QVERIFY(QFile::copy(data(QStringLiteral("ct16.dcm")), series + QStringLiteral("/IM0001")));
        QVERIFY(QFile::copy(data(QStringLiteral("rle.dcm")), series + QStringLiteral("/IM0002")));
        QVERIFY(QFile::copy(data(QStringLiteral("multiframe.dcm")), series + QStringLiteral("/IM0003.dcm")));
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), project}).code, 0);
        const LoupeRun r = runLoupe({QStringLiteral("import"), project, series, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("added")).toInt(), 2 + 4);
        QVERIFY(QFile::exists(QDir(dir.path()).filePath(QStringLiteral("frames/IM0003/frame_000003.dcm"))));
        // A damaged file among them is named with its reason; the others still come in.
        QVERIFY(
            QFile::copy(data(QStringLiteral("malformed/truncated.dcm")), series + QStringLiteral("/IM0004")));
        QVERIFY(QFile::copy(data(QStringLiteral("grey8.dcm")), series + QStringLiteral("/IM0005")));
        const LoupeRun again = runLoupe({QStringLiteral("import"), project, series});
        QCOMPARE(again.code, 1);
        QVERIFY2(again.err.contains(QStringLiteral("IM0004: damaged DICOM file")), qPrintable(again.err));
        QVERIFY2(again.out.contains(QStringLiteral("added 1,")), qPrintable(again.out));
    }

    // An annotated DICOM image exported as COCO: the JSON describes the image and its shapes, and
    // nothing about the patient.
    void exportsCarryNoPatientTags()
    {
        QTemporaryDir dir;
        const QString project = QDir(dir.path()).filePath(QStringLiteral("p.loupe"));
        const QString images = QDir(dir.path()).filePath(QStringLiteral("images"));
        QVERIFY(QDir().mkpath(images));
        QVERIFY(QFile::copy(data(QStringLiteral("ct16.dcm")), images + QStringLiteral("/ct16.dcm")));
        QCOMPARE(runLoupe({QStringLiteral("project"), QStringLiteral("new"), project}).code, 0);
        QCOMPARE(runLoupe({QStringLiteral("import"), project, images}).code, 0);
        const QString coco = QDir(dir.path()).filePath(QStringLiteral("in.json"));
        QFile in(coco);
        QVERIFY(in.open(QIODevice::WriteOnly));
        in.write(R"({"images": [{"id": 1, "file_name": "ct16.dcm", "width": 64, "height": 48}],
                    "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 6, 20, 12],
                                     "area": 240, "iscrowd": 0}],
                    "categories": [{"id": 1, "name": "lesion"}]})");
        in.close();
        LoupeRun r = runLoupe({QStringLiteral("import-annotations"), project, QStringLiteral("--format"),
                               QStringLiteral("coco"), coco});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString out = QDir(dir.path()).filePath(QStringLiteral("coco"));
        r = runLoupe({QStringLiteral("export"), project, QStringLiteral("--format"), QStringLiteral("coco"),
                      out, QStringLiteral("--no-copy-images")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile json(QDir(out).filePath(QStringLiteral("annotations/instances_default.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QByteArray text = json.readAll();
        QVERIFY2(text.contains("ct16.dcm") && text.contains("lesion"), text.constData());
        for (const char* secret : {"Doe", "PAT-0042", "19700101", "Loupe synthetic study"})
            QVERIFY2(!text.contains(secret), secret);

        // With its images, the export copies the DICOM file without its patient.
        const QString withImages = QDir(dir.path()).filePath(QStringLiteral("coco-images"));
        r = runLoupe({QStringLiteral("export"), project, QStringLiteral("--format"), QStringLiteral("coco"),
                      withImages});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile copied(QDir(withImages).filePath(QStringLiteral("images/ct16.dcm")));
        QVERIFY(copied.open(QIODevice::ReadOnly));
        const QByteArray bytes = copied.readAll();
        QVERIFY(!bytes.contains("Doe^Jane"));
        QVERIFY(bytes.contains("DICM")); // still a DICOM file the reader opens
        QVERIFY2(loupe::core::isDicomFile(copied.fileName()), qPrintable(copied.fileName()));
    }
};

QTEST_GUILESS_MAIN(TestCliDicom)
#include "tst_cli_dicom.moc"
