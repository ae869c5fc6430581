// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/report.h"

#include <QStringList>

namespace loupe::annotation {

// Keeps only the named labels (`loupe export --labels a,b`): their shapes stay, labels are renumbered in
// the order given (so COCO category ids and YOLO class ids follow the user's list), other shapes are
// counted in the report as left out. Captions, which have no label, stay. Returns false (with an error
// in the report) when a name is not a label of the dataset.
bool keepLabels(Dataset& data, const QStringList& names, FormatReport& report);

} // namespace loupe::annotation
