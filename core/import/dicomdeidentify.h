// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::core {

// Writes a copy of the DICOM file `source` at `target` without patient and study identifiers, for
// anything that leaves the project with its images (annotation exports): names, IDs, birth date,
// sex, age, addresses, institution, physicians and operators, accession and study IDs, study and
// series descriptions, other patient IDs, and every private tag are removed, after a subset of the
// PS3.15 Basic Application Level Confidentiality Profile; Patient Identity Removed is set to YES.
// Pixels, rescale, windows, modality and UIDs are kept, so the copy opens and windows as before.
// Empty on success, else "PATH: reason"; the target is written completely or not at all.
QString writeDeidentifiedDicom(const QString& source, const QString& target);

} // namespace loupe::core
