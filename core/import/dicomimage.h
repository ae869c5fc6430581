// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QList>
#include <QPair>
#include <QSize>
#include <QString>
#include <QVector>
#include <vector>

namespace loupe::core {

// A window (VOI LUT) preset: values from center - width/2 to center + width/2 span black to white.
struct DicomWindow
{
    double center = 0;
    double width = 0; // > 0 when valid
    QString name;     // the file's Window Center & Width Explanation, or "auto" / "custom"
    bool isValid() const { return width > 0; }
};

// Patient and study tags. Kept apart from the image description: they are shown in the viewer on
// request and never copied into the project's asset metadata or any annotation export.
struct DicomPatient
{
    QList<QPair<QString, QString>> fields; // ("Patient's Name", "Doe^Jane"), ... in file order
    bool isEmpty() const { return fields.isEmpty(); }
};

// What a DICOM file declares about its pixels.
struct DicomInfo
{
    int rows = 0;
    int columns = 0;
    int frames = 1;
    int samplesPerPixel = 1;
    int bitsAllocated = 0;
    int bitsStored = 0;
    bool signedPixels = false;
    QString photometric;       // "MONOCHROME2", "MONOCHROME1", "RGB", ...
    QString modality;          // "CT", "MR", ... (empty when the file has none)
    QString transferSyntaxUid; // "1.2.840.10008.1.2.4.50"
    QString transferSyntax;    // "JPEG Baseline (Process 1)..."
    double slope = 1;          // modality value = stored * slope + intercept
    double intercept = 0;
    QVector<DicomWindow> windows; // the presets in the file, in file order
    DicomPatient patient;
    bool isGrey() const { return samplesPerPixel == 1; }
    bool isInverted() const { return photometric == QLatin1String("MONOCHROME1"); }
};

// One decoded frame at full range. Grey frames hold modality values (stored value after rescale
// slope and intercept, so Hounsfield units for CT) as floats, which keeps 16-bit and signed data
// exact; colour frames hold RGB888 in `rgb`.
struct DicomFrame
{
    QSize size;
    std::vector<float> values; // grey: size.width() * size.height(), row-major
    QImage rgb;                // colour frames only
    bool inverted = false;     // MONOCHROME1: high values are dark
    float minValue = 0;
    float maxValue = 0;
    bool isGrey() const { return rgb.isNull(); }
    float valueAt(int x, int y) const { return values[size_t(y) * size_t(size.width()) + size_t(x)]; }
};

// The window to show a frame with by default: the file's first preset, else the frame's full range.
DicomWindow defaultWindow(const DicomInfo& info, const DicomFrame& frame);
// The frame's full value range as a window ("auto").
DicomWindow fullRangeWindow(const DicomFrame& frame);

// The frame as 8-bit (Grayscale8 for grey, RGB888 for colour) through the linear VOI function of
// DICOM PS3.3 C.11.2.1.2, inverted for MONOCHROME1. Colour frames are returned as they are.
QImage applyWindow(const DicomFrame& frame, const DicomWindow& window);

} // namespace loupe::core
