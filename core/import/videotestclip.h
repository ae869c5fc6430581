// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>

namespace loupe::core {

// Writes a short Motion-JPEG .avi (OpenCV's own writer, no codec library needed): `frames` frames of
// `size` at `fps`, frame i a background whose shade depends on i with a white square moved by i, so
// every frame differs from the others and a frame's index can be read back from its colour; with
// `still`, every frame is frame 0 (a static scene). For tests and demos of video import. False with
// *error naming the file when it cannot be written or this build has no video support.
bool writeTestVideo(const QString& path, int frames, QSize size, double fps, QString* error,
                    bool still = false);

// The background colour writeTestVideo gives frame i (red, green, blue), to check which frame an
// imported image is: its top-left pixel has this colour within JPEG error.
void testVideoBackground(int frame, int* red, int* green, int* blue);

} // namespace loupe::core
