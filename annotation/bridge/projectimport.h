// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation {

// What `loupe import-annotations` and File > Import Annotations ask for.
struct ProjectImportOptions
{
    Format format = Format::Coco;
    QString path;                // file or folder, per format; relative paths from the current directory
    bool keepDuplicates = false; // add shapes even when the image already has the same one
    QString emptyLabel;          // label for shapes a file leaves unlabeled (CVAT); empty: kUnlabeled
};

// Reads options.path, matches its images to the project's (relative path, else unique file name) and
// adds the shapes in one transaction. Masks are rasterised only for images the project has, and a mask
// on an image declared bigger than the project's is an error, before anything is allocated for it.
// A shape identical to one the image already has (same label name, same geometry within
// kSameGeometryEpsilon) is skipped and counted as "duplicate skipped" in the report, unless
// keepDuplicates. Images that match nothing are reported and skipped; malformed input, a size that
// disagrees with the project's image or a store failure leaves the project unchanged and returns false.
bool importIntoProject(ProjectAccess& project, const ProjectImportOptions& options, FormatReport& report);

// The report's count of shapes skipped as duplicates.
qsizetype duplicatesSkipped(const FormatReport& report);

} // namespace loupe::annotation
