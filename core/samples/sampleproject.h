// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace loupe::core {

// What the out-of-the-box sample project is made of: a dozen shapes-world images (fixed seed, so every
// install gets the same ones) with their COCO annotations (polygons, and exact masks for rings), the six
// shape labels, and the shipped demo classifier. The project file itself is made by the project store from
// these parts.
struct SampleContent
{
    QString error;           // empty on success; names the file or folder at fault
    QString imagesDir;       // FOLDER/images
    QStringList images;      // absolute paths, in order
    QString annotationsPath; // FOLDER/annotations.json (COCO instances: boxes and polygons)
    QString masksPath;       // FOLDER/masks.json (COCO instances: the rings' exact masks, see maskcoco.h)
    QString labelsPath;      // FOLDER/labels.csv (most prominent shape per image)
    QStringList labelNames;  // circle, square, triangle, star, cross, ring
    QString modelFolder;     // the shipped shapes-vit checkpoint; empty if not found (see findShippedModel)
    QStringList textModelFolders; // the shipped captioner, VQA model and CLIP (kSampleTextModels) found
    QString segmentModelFolder;   // the shipped shapes-sam (kSampleSegmentModel); empty if not found
    bool ok() const { return error.isEmpty(); }
};

constexpr int kSampleImageCount = 12;
constexpr quint64 kSampleSeed = 20240601;
// The shapes world's text models shipped beside shapes-vit: a ViT-GPT2 captioner, a BLIP VQA model and a
// CLIP for matching texts to images.
inline const QStringList kSampleTextModels = {QStringLiteral("shapes-captioner"),
                                              QStringLiteral("shapes-vqa"), QStringLiteral("shapes-clip")};
// The shapes world's small SAM, so click-to-mask answers with a model instead of the GrabCut fallback.
inline const QString kSampleSegmentModel = QStringLiteral("shapes-sam");

// Writes the sample images and annotations into `folder` (created). Files already there with the same
// content are rewritten identically, so calling it twice is harmless.
SampleContent writeSampleContent(const QString& folder);

// Finds a checkpoint shipped under resources/models/NAME: $LOUPE_MODELS_DIR/NAME first, then next to the
// executable (../share/loupe/models, ../resources/models, ../../resources/models for build trees).
// Returns an empty string when none has a config.json.
QString findShippedModel(const QString& name = QStringLiteral("shapes-vit"));

} // namespace loupe::core
