// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Replaces an image's tags (trimmed, empty and repeated ones dropped).
class ChangeImageTags : public EditCommand
{
public:
    ChangeImageTags(AnnotationDocument& doc, qint64 imageId, const QStringList& tags);
};

} // namespace loupe::annotation
