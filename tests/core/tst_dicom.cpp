// SPDX-License-Identifier: MIT
// DICOM reading: 8/16-bit grey, signed 12-bit, rescale, MONOCHROME1, RGB, multi-frame, the compressed
// transfer syntaxes (JPEG baseline and lossless, RLE through DCMTK; JPEG 2000 through OpenJPEG), window
// presets, the windowed 8-bit image every reader gets, malformed files, and import of files, folders (found
// by their preamble) and multi-frame files as sequences. Expected values come from pydicom on the files of
// tests/data/dicom (tools/dicom/make_test_dicoms.py).
#include "core/imageio.h"
#include "core/import/dicomdeidentify.h"
#include "core/import/dicomimport.h"
#include "core/import/dicomj2k.h"
#include "core/import/dicomjpegcheck.h"
#include "core/import/dicomreader.h"
#include "core/import/importjob.h"
#include "core/store/database.h"
#include "core/store/project.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>

using namespace loupe::core;

namespace {

QString data(const QString& name)
{
    return QStringLiteral(LOUPE_TEST_DATA "/dicom/") + name;
}

DicomImage mustRead(const QString& name, int frame = 0)
{
    QString error;
    auto image = readDicom(data(name), frame, &error);
    if (!image) qFatal("%s", qPrintable(error));
    return *image;
}

} // namespace

class TestDicom : public QObject
{
    Q_OBJECT
private slots:
    void preambleRecognised()
    {
        QVERIFY(isDicomFile(data(QStringLiteral("grey8.dcm"))));
        QVERIFY(!isDicomFile(QStringLiteral(LOUPE_TEST_DATA "/dicom/README.md")));
        QVERIFY(!isDicomFile(data(QStringLiteral("missing.dcm"))));
    }

    void grey8()
    {
        const DicomImage d = mustRead(QStringLiteral("grey8.dcm"));
        QCOMPARE(d.info.rows, 48);
        QCOMPARE(d.info.columns, 64);
        QCOMPARE(d.info.frames, 1);
        QCOMPARE(d.info.bitsStored, 8);
        QCOMPARE(d.info.photometric, QStringLiteral("MONOCHROME2"));
        QCOMPARE(d.frame.valueAt(0, 0), 64.f);
        QCOMPARE(d.frame.valueAt(63, 47), 228.f);
        QCOMPARE(d.frame.minValue, 0.f);
        QCOMPARE(d.frame.maxValue, 235.f);
        // No preset in the file: the full range 0..235 spans black to white.
        const QImage img = applyWindow(d.frame, defaultWindow(d.info, d.frame));
        QCOMPARE(img.format(), QImage::Format_Grayscale8);
        QCOMPARE(qGray(img.pixel(0, 0)), int(std::lround(64 * 255.0 / 235)));
    }

    void signed12WithRescaleAndPresets()
    {
        const DicomImage d = mustRead(QStringLiteral("ct16.dcm"));
        QCOMPARE(d.info.modality, QStringLiteral("CT"));
        QCOMPARE(d.info.bitsAllocated, 16);
        QCOMPARE(d.info.bitsStored, 12);
        QVERIFY(d.info.signedPixels);
        QCOMPARE(d.info.intercept, -24.0);
        QCOMPARE(d.info.transferSyntaxUid, QStringLiteral("1.2.840.10008.1.2.1"));
        QCOMPARE(d.frame.valueAt(0, 0), -261.f); // Hounsfield units: stored -237, intercept -24
        QCOMPARE(d.frame.valueAt(63, 47), 1659.f);
        QCOMPARE(d.frame.valueAt(20, 10), 31.f);
        QCOMPARE(d.frame.minValue, -1023.f);
        QCOMPARE(d.frame.maxValue, 1742.f);
        QCOMPARE(d.info.windows.size(), 2);
        QCOMPARE(d.info.windows[0].center, 40.0);
        QCOMPARE(d.info.windows[0].width, 400.0);
        QCOMPARE(d.info.windows[0].name, QStringLiteral("SOFT TISSUE"));
        QCOMPARE(d.info.windows[1].name, QStringLiteral("BONE"));
        // Soft tissue window: 40 +- 200 HU. -261 is black, 1659 white, 31 just under mid-grey.
        const QImage img = applyWindow(d.frame, d.info.windows[0]);
        QCOMPARE(qGray(img.pixel(0, 0)), 0);
        QCOMPARE(qGray(img.pixel(63, 47)), 255);
        QCOMPARE(qGray(img.pixel(20, 10)), int(std::lround((31 - (40 - 0.5 - 399 / 2.0)) * 255 / 399.0)));
        // Patient tags are read, for the viewer.
        QVERIFY(d.info.patient.fields.contains(
            qMakePair(QStringLiteral("Patient's Name"), QStringLiteral("Doe^Jane"))));
    }

    void rescaleSlope()
    {
        const DicomImage d = mustRead(QStringLiteral("rescale16.dcm"));
        QCOMPARE(d.info.slope, 2.0);
        QCOMPARE(d.frame.valueAt(0, 0), 8.f);
        QCOMPARE(d.frame.valueAt(20, 10), 202.f);
        QCOMPARE(d.frame.minValue, -500.f);
        QCOMPARE(d.frame.maxValue, 1344.f);
    }

    void monochrome1IsInverted()
    {
        const DicomImage d = mustRead(QStringLiteral("mono1.dcm"));
        QVERIFY(d.info.isInverted());
        QVERIFY(d.frame.inverted);
        QCOMPARE(d.frame.valueAt(0, 0), 1040.f);
        DicomFrame upright = d.frame;
        upright.inverted = false;
        const DicomWindow w = d.info.windows.value(0);
        const QImage a = applyWindow(d.frame, w), b = applyWindow(upright, w);
        QCOMPARE(qGray(a.pixel(63, 47)) + qGray(b.pixel(63, 47)), 255);
        QVERIFY(qGray(a.pixel(63, 47)) < qGray(a.pixel(0, 0))); // high values are dark
    }

    void rgb()
    {
        for (const char* name : {"rgb.dcm", "rgb_jpeg_baseline.dcm"}) {
            const DicomImage d = mustRead(QString::fromLatin1(name));
            QCOMPARE(d.info.samplesPerPixel, 3);
            QVERIFY(!d.frame.isGrey());
            const QColor c = d.frame.rgb.pixelColor(2, 2);
            QVERIFY2(c.red() > 230 && c.green() < 25 && c.blue() < 25, name); // the red corner
            QCOMPARE(applyWindow(d.frame, {}).size(), QSize(64, 48));
        }
    }

    // Colour plane by plane, and YBR_FULL converted to RGB (within rounding).
    void planarAndYbrColour()
    {
        const QImage rgb = mustRead(QStringLiteral("rgb.dcm")).frame.rgb;
        QCOMPARE(mustRead(QStringLiteral("rgb_planar.dcm")).frame.rgb, rgb);
        const DicomImage ybr = mustRead(QStringLiteral("ybr_full.dcm"));
        QCOMPARE(ybr.info.photometric, QStringLiteral("YBR_FULL"));
        int worst = 0;
        for (int y = 0; y < rgb.height(); ++y)
            for (int x = 0; x < rgb.width(); ++x) {
                const QRgb a = rgb.pixel(x, y), b = ybr.frame.rgb.pixel(x, y);
                worst = std::max({worst, std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                                  std::abs(qBlue(a) - qBlue(b))});
            }
        QVERIFY2(worst <= 2, qPrintable(QString::number(worst)));
    }

    void losslessCompressionGivesTheSameValues_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("syntax");
        QTest::newRow("jpeg lossless") << "jpeg_lossless.dcm"
                                       << "1.2.840.10008.1.2.4.70";
        QTest::newRow("rle") << "rle.dcm"
                             << "1.2.840.10008.1.2.5";
        QTest::newRow("jpeg 2000") << "j2k.dcm"
                                   << "1.2.840.10008.1.2.4.90";
    }
    void losslessCompressionGivesTheSameValues()
    {
        QFETCH(QString, file);
        QFETCH(QString, syntax);
        if (syntax.endsWith(QLatin1String(".90")) && !hasJpeg2000Support())
            QSKIP("built without OpenJPEG: JPEG 2000 is refused (jpeg2000WithoutDecoderIsRefusedByName)");
        const DicomImage ref = mustRead(QStringLiteral("ct16.dcm"));
        const DicomImage d = mustRead(file);
        QCOMPARE(d.info.transferSyntaxUid, syntax);
        QVERIFY(!d.info.transferSyntax.isEmpty());
        QVERIFY(d.frame.values == ref.frame.values);
    }

    // Colour and multi-frame JPEG 2000: OpenJPEG undoes the colour transform, each frame is its own
    // codestream, and a frame written out of a JPEG 2000 file is the same frame uncompressed.
    void jpeg2000ColourAndFrames()
    {
        if (!hasJpeg2000Support()) QSKIP("built without OpenJPEG");
        QVERIFY(mustRead(QStringLiteral("rgb_j2k.dcm")).frame.rgb ==
                mustRead(QStringLiteral("rgb.dcm")).frame.rgb);
        for (int f = 0; f < 4; ++f)
            QVERIFY(mustRead(QStringLiteral("multiframe_j2k.dcm"), f).frame.values ==
                    mustRead(QStringLiteral("multiframe.dcm"), f).frame.values);
        QTemporaryDir dir;
        const QString target = QDir(dir.path()).filePath(QStringLiteral("f2.dcm"));
        QCOMPARE(
            writeDicomFrames(data(QStringLiteral("multiframe_j2k.dcm")), {2}, [&](int) { return target; }),
            QString());
        QString error;
        const auto frame = readDicom(target, 0, &error);
        QVERIFY2(frame, qPrintable(error));
        QCOMPARE(frame->info.transferSyntaxUid, QStringLiteral("1.2.840.10008.1.2.1"));
        QVERIFY(frame->frame.values == mustRead(QStringLiteral("multiframe.dcm"), 2).frame.values);
    }

    void jpeg2000WithoutDecoderIsRefusedByName()
    {
        if (hasJpeg2000Support()) QSKIP("built with OpenJPEG");
        QString error;
        QVERIFY(!readDicom(data(QStringLiteral("j2k.dcm")), 0, &error));
        QVERIFY2(error.startsWith(data(QStringLiteral("j2k.dcm")) + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("no JPEG 2000 decoder")), qPrintable(error));
    }

    // The marker walk that decides whether DCMTK would loop forever, on hand-made headers.
    void jpegMarkerWalk()
    {
        const auto hangs = [](std::initializer_list<int> bytes) {
            std::vector<uint8_t> v;
            for (int b : bytes)
                v.push_back(uint8_t(b));
            v.resize(v.size() + 8, 0); // DCMTK stops 4 bytes before the end
            return jpegMarkersHang(v.data(), uint32_t(v.size()));
        };
        QVERIFY(hangs({0xFF, 0xD8, 0xFF, 0x01}));                                     // SOI, TEM
        QVERIFY(hangs({0xFF, 0xD8, 0xFF, 0xFF, 0x01}));                               // SOI, fill, TEM
        QVERIFY(hangs({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0x01})); // after APP0
        QVERIFY(!hangs({0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08}));                  // SOF0 first
        QVERIFY(!hangs({0xFF, 0xD8, 0x12, 0x34, 0xFF, 0x01})); // DCMTK stops at garbage
        QVERIFY(!jpegMarkersHang(nullptr, 100));
    }

    void jpegBaselineIsClose()
    {
        const DicomImage ref = mustRead(QStringLiteral("grey8.dcm"));
        const DicomImage d = mustRead(QStringLiteral("jpeg_baseline.dcm"));
        QCOMPARE(d.info.transferSyntaxUid, QStringLiteral("1.2.840.10008.1.2.4.50"));
        double diff = 0;
        for (size_t i = 0; i < ref.frame.values.size(); ++i)
            diff += std::abs(ref.frame.values[i] - d.frame.values[i]);
        QVERIFY2(diff / double(ref.frame.values.size()) < 3.0, qPrintable(QString::number(diff)));
    }

    void multiFrame()
    {
        const DicomImage f0 = mustRead(QStringLiteral("multiframe.dcm"), 0);
        QCOMPARE(f0.info.frames, 4);
        for (int i = 1; i < 4; ++i) {
            const DicomImage fi = mustRead(QStringLiteral("multiframe.dcm"), i);
            QCOMPARE(fi.frame.valueAt(20, 10), f0.frame.valueAt(20, 10) + 500.f * float(i));
        }
        QString error;
        QVERIFY(!readDicom(data(QStringLiteral("multiframe.dcm")), 4, &error));
        QVERIFY2(error.contains(QStringLiteral("no frame 4")), qPrintable(error));
        QCOMPARE(dicomFrameCount(data(QStringLiteral("multiframe.dcm"))), 4);
        QCOMPARE(dicomFrameCount(data(QStringLiteral("ct16.dcm"))), 1);
    }

    // Every reader of asset images (models, thumbnails, the canvas) gets the windowed 8-bit image.
    void readImageDispatchesDicom()
    {
        QString error;
        const QImage img = readImage(data(QStringLiteral("ct16.dcm")), &error);
        QVERIFY2(!img.isNull(), qPrintable(error));
        const DicomImage d = mustRead(QStringLiteral("ct16.dcm"));
        QCOMPARE(img, applyWindow(d.frame, d.info.windows[0]));
        // Through a reader with a scaled size (the thumbnail path) too.
        QFile file(data(QStringLiteral("ct16.dcm")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QImageReader reader(&file);
        reader.setScaledSize(QSize(32, 24));
        const QImage thumb = readImage(reader, file.fileName(), &error);
        QCOMPARE(thumb.size(), QSize(32, 24));
    }

    // The dataset browser's thumbnails of DICOM assets: windowed, scaled, and an error for a damaged file.
    void thumbnails()
    {
        QString error;
        const QImage thumb = ThumbnailCache::makeThumbnail(data(QStringLiteral("ct16.dcm")), 32, &error);
        QCOMPARE(thumb.size(), QSize(32, 24));
        QCOMPARE(qGray(thumb.pixel(0, 0)), 0);
        QVERIFY(ThumbnailCache::makeThumbnail(data(QStringLiteral("malformed/truncated.dcm")), 32, &error)
                    .isNull());
        QVERIFY2(error.contains(QStringLiteral("truncated.dcm: ")), qPrintable(error));
    }

    void malformedFilesGiveClearErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("truncated") << "malformed/truncated.dcm"
                                   << "";
        QTest::newRow("wrong length") << "malformed/wrong_length.dcm"
                                      << "";
        QTest::newRow("huge dimensions") << "malformed/huge_dimensions.dcm"
                                         << "above the limit";
        QTest::newRow("jpeg 2000 cut short") << "malformed/j2k_truncated.dcm"
                                             << "";
        QTest::newRow("jpeg 2000 damaged header") << "malformed/j2k_damaged.dcm"
                                                  << "JPEG 2000";
        QTest::newRow("jpeg TEM marker") << "malformed/jpeg_tem_marker.dcm"
                                         << "TEM marker";
        QTest::newRow("jpeg fill byte, then TEM") << "malformed/jpeg_fill_then_tem.dcm"
                                                  << "TEM marker";
        QTest::newRow("preamble only") << "malformed/preamble_only.dcm"
                                       << "";
        QTest::newRow("missing") << "malformed/nothing.dcm"
                                 << "no such file";
    }
    void malformedFilesGiveClearErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QString error;
        QVERIFY(!readDicom(data(file), 0, &error));
        QVERIFY2(error.startsWith(data(file) + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(readImage(data(file), &error).isNull());
        QVERIFY2(error.startsWith(data(file)), qPrintable(error));
    }

    // What leaves the project with its images carries no patient: names, IDs and dates are gone from
    // the bytes, the pixels and windows are those of the original.
    void deidentifiedCopy()
    {
        QTemporaryDir dir;
        for (const char* name : {"ct16.dcm", "jpeg_lossless.dcm", "rgb_jpeg_baseline.dcm"}) {
            const QString target = QDir(dir.path()).filePath(QString::fromLatin1(name));
            QCOMPARE(writeDeidentifiedDicom(data(QString::fromLatin1(name)), target), QString());
            QFile f(target);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            for (const char* secret : {"Doe^Jane", "PAT-0042", "19700101", "Loupe synthetic study"})
                QVERIFY2(!bytes.contains(secret), secret);
            QString error;
            const auto copy = readDicom(target, 0, &error);
            QVERIFY2(copy, qPrintable(error));
            const DicomImage original = mustRead(QString::fromLatin1(name));
            QVERIFY(copy->frame.values == original.frame.values);
            QVERIFY(copy->frame.rgb == original.frame.rgb);
            QCOMPARE(copy->info.windows.size(), original.info.windows.size());
            QCOMPARE(copy->info.modality, original.info.modality);
            for (const auto& [k, v] : copy->info.patient.fields)
                QVERIFY2(v.isEmpty() || !k.startsWith(QStringLiteral("Patient")), qPrintable(k + v));
        }
        const QString bad = data(QStringLiteral("malformed/truncated.dcm"));
        const QString error = writeDeidentifiedDicom(bad, QDir(dir.path()).filePath(QStringLiteral("x.dcm")));
        QVERIFY2(error.startsWith(bad + QStringLiteral(": ")), qPrintable(error));
        QVERIFY(!QFile::exists(QDir(dir.path()).filePath(QStringLiteral("x.dcm"))));
    }

    void importFilesFoldersAndSequences()
    {
        QTemporaryDir dir;
        QString error;
        auto project = Project::create(QDir(dir.path()).filePath(QStringLiteral("p.loupe")), &error);
        QVERIFY2(project, qPrintable(error));
        // A folder of DICOM files without extensions (as scanners write them), a text file, a PNG.
        const QString series = QDir(dir.path()).filePath(QStringLiteral("series"));
        QVERIFY(QDir().mkpath(series));
        QVERIFY(QFile::copy(data(QStringLiteral("ct16.dcm")), series + QStringLiteral("/IM0001")));
        QVERIFY(QFile::copy(data(QStringLiteral("rgb.dcm")), series + QStringLiteral("/IM0002")));
        QVERIFY(QFile::copy(data(QStringLiteral("multiframe.dcm")), series + QStringLiteral("/IM0003")));
        QFile notes(series + QStringLiteral("/notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write(QByteArray(200, 'x'));
        notes.close();
        ImportReport r = importFiles(*project, {series, data(QStringLiteral("grey8.dcm"))});
        QVERIFY2(r.failed.isEmpty(), qPrintable(r.failed.value(0).reason));
        QCOMPARE(r.added, 3 + 4);
        QCOMPARE(project->sequenceNames(), QStringList{QStringLiteral("IM0003")});
        const auto frames = project->sequenceFrames(SequenceKey{QStringLiteral("IM0003"), {}});
        QCOMPARE(frames.size(), 4);
        // A frame file is a single-frame DICOM at full range: frame 2 of the source, exactly.
        const QString frame2 = project->absolutePath(frames[2].storedPath);
        QVERIFY2(frame2.endsWith(QStringLiteral("frame_000002.dcm")), qPrintable(frame2));
        auto f2 = readDicom(frame2, 0, &error);
        QVERIFY2(f2, qPrintable(error));
        QCOMPARE(f2->info.frames, 1);
        QVERIFY(f2->frame.values == mustRead(QStringLiteral("multiframe.dcm"), 2).frame.values);
        // Patient tags stay in the files: nothing in the project's asset rows names the patient.
        Statement s = project->db().prepare(QStringLiteral(
            "SELECT count(*) FROM assets WHERE metadata LIKE '%Doe%' OR metadata LIKE '%PAT-0042%'"));
        QVERIFY(s.step());
        QCOMPARE(s.columnInt64(0), 0);
        Statement fmt =
            project->db().prepare(QStringLiteral("SELECT count(*) FROM assets WHERE format = 'dicom'"));
        QVERIFY(fmt.step());
        QCOMPARE(fmt.columnInt64(0), 7);
        // Again: everything is already there, and the sequence is not started twice.
        r = importFiles(*project, {series});
        QCOMPARE(r.added, 0);
        QCOMPARE(r.duplicates, 2 + 4);
        QCOMPARE(project->sequenceNames().size(), 1);
    }

    // A cancel during a multi-frame import keeps the frames written so far; the next import adds the rest.
    void multiFrameImportCancelsAndResumes()
    {
        QTemporaryDir dir;
        QString error;
        auto project = Project::create(QDir(dir.path()).filePath(QStringLiteral("p.loupe")), &error);
        QVERIFY(project);
        std::atomic<bool> cancel{false};
        QVector<int> seen;
        ImportReport r = importDicomFrames(
            *project, data(QStringLiteral("multiframe.dcm")),
            [&](int done, int total) {
                seen << done;
                QCOMPARE(total, 4);
                if (done == 2) cancel = true;
            },
            &cancel);
        QVERIFY(r.canceled);
        QCOMPARE(r.added, 2);
        QCOMPARE(seen, (QVector<int>{0, 1, 2}));
        cancel = false;
        r = importDicomFrames(*project, data(QStringLiteral("multiframe.dcm")), {}, &cancel);
        QVERIFY(!r.canceled);
        QCOMPARE(r.added, 2);
        QCOMPARE(r.duplicates, 2);
        QCOMPARE(project->sequenceFrames(SequenceKey{QStringLiteral("multiframe"), {}}).size(), 4);
    }

    void importReportsMalformedByName()
    {
        QTemporaryDir dir;
        QString error;
        auto project = Project::create(QDir(dir.path()).filePath(QStringLiteral("p.loupe")), &error);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {QStringLiteral(LOUPE_TEST_DATA "/dicom/malformed")});
        QCOMPARE(r.added, 0);
        QCOMPARE(r.failed.size(), 8);
        for (const auto& f : r.failed)
            QVERIFY2(f.reason.startsWith(f.path + QStringLiteral(": ")), qPrintable(f.reason));
    }
};

QTEST_GUILESS_MAIN(TestDicom)
#include "tst_dicom.moc"
