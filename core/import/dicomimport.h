// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/imagescanner.h"
#include "core/import/importjob.h"

#include <QString>
#include <atomic>

namespace loupe::core {

class Project;

// probeImage for a DICOM file: decodes its first frame (which catches damaged pixel data), hashes the
// bytes, and describes it in the asset's metadata under "dicom" (modality, frames, bits stored,
// photometric interpretation, transfer syntax). Patient and study tags are left out on purpose: they
// stay in the file, shown by the viewer and never copied into the project or its exports.
ProbeResult probeDicom(const QString& path);

// Imports a multi-frame DICOM file as a frame sequence, like a video: each frame is written as a
// single-frame uncompressed DICOM file, frames/<sequence>/frame_000012.dcm beside the project (full
// range kept), and added with its sequence and 0-based frame number; the metadata names the source
// ("dicom_source"). Importing the same file again continues its sequence, skipping the frames there.
// `progress` follows the frames written; a cancel while writing keeps (and adds) the frames written so
// far and sets `canceled`; importing the file again adds the rest. Failures are reported in `failed`
// as "FILE: reason".
ImportReport importDicomFrames(Project& project, const QString& path, const ProgressCallback& progress = {},
                               std::atomic<bool>* cancel = nullptr);

} // namespace loupe::core
