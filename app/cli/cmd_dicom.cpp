// SPDX-License-Identifier: MIT
// loupe dicom FILE [--json] [--frame N] [--png OUT] [--patient]
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "core/import/dicomreader.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>

namespace loupe::cli {

namespace {

QJsonObject windowJson(const core::DicomWindow& w)
{
    return QJsonObject{{QStringLiteral("center"), w.center},
                       {QStringLiteral("width"), w.width},
                       {QStringLiteral("name"), w.name}};
}

QString windowText(const core::DicomWindow& w)
{
    return QStringLiteral("C %1 W %2 (%3)").arg(w.center).arg(w.width).arg(w.name);
}

// Written through QSaveFile so that a failed write never leaves half a PNG behind.
QString writePng(const QImage& image, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString());
    QImageWriter writer(&file, "png");
    if (!writer.write(image)) return QStringLiteral("%1: cannot encode (%2)").arg(path, writer.errorString());
    if (!file.commit()) return QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString());
    return {};
}

int dicomCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Decode a DICOM file and describe it: rows, columns, frames, bits stored, photometric "
        "interpretation, modality, transfer syntax, rescale, the window presets and the window used. "
        "--png writes the frame windowed to 8 bits with the file's first preset (or its full range), "
        "the image models receive. Patient and study tags are printed only with --patient.\n"
        "Exit status: 0 decoded, 1 the file cannot be read or decoded (the reason is printed), 2 usage "
        "error."));
    p.addHelpOption();
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
    p.addOption({QStringLiteral("frame"), QStringLiteral("The frame to decode, from 0 (default 0)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("png"), QStringLiteral("Write the windowed 8-bit frame as a PNG."),
                 QStringLiteral("OUT")});
    p.addOption({QStringLiteral("patient"), QStringLiteral("Also print the patient and study tags.")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A DICOM file."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe dicom")} + args)) {
        err << "loupe dicom: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("dicom"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1) {
        err << "usage: loupe dicom FILE [--json] [--frame N] [--png OUT] [--patient]\n";
        return ExitUsage;
    }
    bool frameOk = false;
    const int frame = p.value(QStringLiteral("frame")).toInt(&frameOk);
    if (!frameOk || frame < 0) {
        err << "loupe dicom: --frame wants a whole number from 0, not '" << p.value(QStringLiteral("frame"))
            << "'\n";
        return ExitUsage;
    }
    const QString path = pos[0];
    QString error;
    // readDicom names the problem: no such file, not a DICOM file, damaged, truncated...
    const auto image = core::readDicom(path, frame, &error);
    if (!image) {
        err << "loupe dicom: " << error << "\n";
        return ExitFailure;
    }
    const core::DicomInfo& info = image->info;
    const core::DicomWindow window = core::defaultWindow(info, image->frame);
    QString pngError;
    const QString png = p.value(QStringLiteral("png"));
    if (!png.isEmpty()) pngError = writePng(core::applyWindow(image->frame, window), png);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray presets;
        for (const auto& w : info.windows)
            presets.append(windowJson(w));
        QJsonObject o{{QStringLiteral("file"), path},
                      {QStringLiteral("rows"), info.rows},
                      {QStringLiteral("columns"), info.columns},
                      {QStringLiteral("frames"), info.frames},
                      {QStringLiteral("frame"), frame},
                      {QStringLiteral("samples_per_pixel"), info.samplesPerPixel},
                      {QStringLiteral("bits_allocated"), info.bitsAllocated},
                      {QStringLiteral("bits_stored"), info.bitsStored},
                      {QStringLiteral("signed"), info.signedPixels},
                      {QStringLiteral("photometric"), info.photometric},
                      {QStringLiteral("modality"), info.modality},
                      {QStringLiteral("transfer_syntax"), info.transferSyntaxUid},
                      {QStringLiteral("transfer_syntax_name"), info.transferSyntax},
                      {QStringLiteral("rescale_slope"), info.slope},
                      {QStringLiteral("rescale_intercept"), info.intercept},
                      {QStringLiteral("min_value"), double(image->frame.minValue)},
                      {QStringLiteral("max_value"), double(image->frame.maxValue)},
                      {QStringLiteral("window"), windowJson(window)},
                      {QStringLiteral("window_presets"), presets}};
        if (!png.isEmpty() && pngError.isEmpty()) o.insert(QStringLiteral("png"), png);
        if (p.isSet(QStringLiteral("patient"))) {
            QJsonObject patient;
            for (const auto& [k, v] : info.patient.fields)
                patient.insert(k, v);
            o.insert(QStringLiteral("patient"), patient);
        }
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        out << "file: " << path << "\n"
            << "rows: " << info.rows << "\ncolumns: " << info.columns << "\nframes: " << info.frames
            << " (showing " << frame << ")\n"
            << "bits stored: " << info.bitsStored << " of " << info.bitsAllocated
            << (info.signedPixels ? " signed" : " unsigned") << "\n"
            << "samples per pixel: " << info.samplesPerPixel << "\n"
            << "photometric interpretation: " << info.photometric << "\n"
            << "modality: " << (info.modality.isEmpty() ? QStringLiteral("(none)") : info.modality) << "\n"
            << "transfer syntax: " << info.transferSyntaxUid << " " << info.transferSyntax << "\n"
            << "rescale: slope " << info.slope << " intercept " << info.intercept << "\n"
            << "values: " << image->frame.minValue << " to " << image->frame.maxValue << "\n"
            << "window: " << windowText(window) << "\n";
        for (const auto& w : info.windows)
            out << "window preset: " << windowText(w) << "\n";
        if (p.isSet(QStringLiteral("patient")))
            for (const auto& [k, v] : info.patient.fields)
                out << k << ": " << v << "\n";
        if (!png.isEmpty() && pngError.isEmpty()) out << "wrote " << png << "\n";
    }
    if (!pngError.isEmpty()) {
        err << "loupe dicom: " << pngError << "\n";
        return ExitFailure;
    }
    return ExitOk;
}

const CommandRegistrar registrar{{QStringLiteral("dicom"),
                                  QStringLiteral("Describe a DICOM file and write its windowed 8-bit image"),
                                  dicomCommand}};

} // namespace

} // namespace loupe::cli
