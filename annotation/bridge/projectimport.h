// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"
#include "annotation/formats/formats.h"

#include <functional>
#include <optional>

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

// The step of importIntoProject() after its reader has run, for a dataset read some other way (a format
// registered at run time): the same matching, size check, duplicate skipping and all-or-nothing write.
// options.path names the input in the report; options.format is not used. A 0 x 0 dataset image means
// "size unknown" (a format that stores no sizes, read without its images) and takes the size of the
// project image it matches; the built-in readers always give a size.
bool importDatasetIntoProject(ProjectAccess& project, const Dataset& data,
                              const ProjectImportOptions& options, FormatReport& report);

// Runs read with what a reader needs to import into project (its images as the target, options.emptyLabel),
// then importDatasetIntoProject() with what it read. importIntoProject() is this with importDataset().
bool importIntoProjectWith(ProjectAccess& project, const ProjectImportOptions& options, FormatReport& report,
                           const std::function<std::optional<Dataset>(const ImportOptions&)>& read);

// The report's count of shapes skipped as duplicates.
qsizetype duplicatesSkipped(const FormatReport& report);

} // namespace loupe::annotation
