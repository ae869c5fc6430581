// SPDX-License-Identifier: MIT
#include "core/explain/quality_folder.h"

#include "compute/error.h"
#include "core/imageio.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <memory>

namespace loupe::core {

namespace {

const QStringList kImageSuffixes{QStringLiteral("png"), QStringLiteral("jpg"),  QStringLiteral("jpeg"),
                                 QStringLiteral("bmp"), QStringLiteral("webp"), QStringLiteral("tif"),
                                 QStringLiteral("tiff")};

// The size as displayed (after EXIF orientation), read from the header only.
QSize displayedSize(const QString& path, bool autoTransform, QString* error)
{
    QImageReader reader(path);
    reader.setAutoTransform(autoTransform);
    QSize size = reader.size();
    if (!size.isValid()) {
        *error = QStringLiteral("%1: cannot read image: %2").arg(path, reader.errorString());
        return {};
    }
    if (autoTransform && reader.transformation().testFlag(QImageIOHandler::TransformationRotate90))
        size.transpose();
    return size;
}

QString findMask(const QString& masksDir, const QString& relativeImage)
{
    const QFileInfo rel(relativeImage);
    const QString stem = rel.path() == QLatin1String(".")
                             ? rel.completeBaseName()
                             : rel.path() + QLatin1Char('/') + rel.completeBaseName();
    // PNG first: masks are lossless; other extensions only as a fallback.
    for (const QString& suffix : QStringList{QStringLiteral("png")} + kImageSuffixes) {
        const QString candidate = QDir(masksDir).filePath(stem + QLatin1Char('.') + suffix);
        if (QFileInfo(candidate).isFile()) return candidate;
    }
    return {};
}

} // namespace

QStringList listQualityImages(const QString& imagesDir, QString* error)
{
    // Absolute on both sides: relativeFilePath() of a relative path returns it unchanged, which doubled the
    // folder ("ex/ex/grey.png") when the user named a relative folder.
    const QDir dir(QFileInfo(imagesDir).absoluteFilePath());
    if (!QFileInfo(imagesDir).isDir()) {
        *error = QStringLiteral("%1: not a folder").arg(imagesDir);
        return {};
    }
    QStringList out;
    QDirIterator it(dir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (kImageSuffixes.contains(QFileInfo(path).suffix().toLower())) out << dir.relativeFilePath(path);
    }
    out.sort();
    if (out.isEmpty())
        *error = QStringLiteral("%1: holds no images (%2)").arg(imagesDir, kImageSuffixes.join(", "));
    return out;
}

QualityTargets readQualityTargets(const QString& file, QString* error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read targets: %2").arg(file, f.errorString());
        return {};
    }
    const QByteArray bytes = f.readAll();
    QualityTargets targets;
    if (file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            *error =
                QStringLiteral("%1: expected a JSON object {\"image\": \"class\"}%2")
                    .arg(file, pe.error != QJsonParseError::NoError
                                   ? QStringLiteral(" (%1 at offset %2)").arg(pe.errorString()).arg(pe.offset)
                                   : QString());
            return {};
        }
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.value().isDouble())
                targets.insert(it.key(), QString::number(it.value().toInt()));
            else if (it.value().isString())
                targets.insert(it.key(), it.value().toString());
            else {
                *error =
                    QStringLiteral("%1: \"%2\": the class must be a name or an index").arg(file, it.key());
                return {};
            }
        }
    } else {
        QTextStream in(bytes);
        int line = 0;
        while (!in.atEnd()) {
            const QString text = in.readLine().trimmed();
            ++line;
            if (text.isEmpty() || text.startsWith(QLatin1Char('#'))) continue;
            const QStringList fields = text.split(QLatin1Char(','));
            if (fields.size() < 2 || fields[0].trimmed().isEmpty() || fields[1].trimmed().isEmpty()) {
                *error = QStringLiteral("%1:%2: expected \"image,class\"").arg(file).arg(line);
                return {};
            }
            const QString key = fields[0].trimmed();
            static const QStringList headers{QStringLiteral("image"), QStringLiteral("file"),
                                             QStringLiteral("path"), QStringLiteral("filename"),
                                             QStringLiteral("file_name")};
            if (targets.isEmpty() && headers.contains(key.toLower())) continue;
            targets.insert(key, fields[1].trimmed());
        }
    }
    if (targets.isEmpty()) *error = QStringLiteral("%1: no targets in the file").arg(file);
    return targets;
}

QString lookupTarget(const QualityTargets& targets, const QString& relativePath)
{
    const QFileInfo info(relativePath);
    auto it = targets.constFind(relativePath);
    if (it != targets.constEnd()) return *it;
    // Keys relative to a folder above the images (a shapes dataset's labels.csv says images/x.png).
    const QString suffix = QLatin1Char('/') + relativePath;
    for (it = targets.constBegin(); it != targets.constEnd(); ++it)
        if (it.key().endsWith(suffix)) return *it;
    for (const QString& key : {info.fileName(), info.completeBaseName()}) {
        it = targets.constFind(key);
        if (it != targets.constEnd()) return *it;
    }
    return {};
}

void applyTarget(QualityItem& item, const QString& value)
{
    bool isIndex = false;
    const int index = value.toInt(&isIndex);
    if (isIndex && index >= 0)
        item.target = index;
    else
        item.targetName = value;
}

QualityMask readQualityMask(const QString& path)
{
    QString error;
    const QImage image = readImage(path, &error);
    if (image.isNull())
        throw compute::Error(path.toStdString(),
                             "cannot read mask: " + error.mid(path.size() + 2).toStdString());
    QualityMask mask;
    mask.width = image.width();
    mask.height = image.height();
    mask.pixels.resize(size_t(mask.width) * mask.height);
    const bool indexed = image.format() == QImage::Format_Indexed8 || image.format() == QImage::Format_Mono ||
                         image.format() == QImage::Format_MonoLSB;
    for (int y = 0; y < mask.height; ++y)
        for (int x = 0; x < mask.width; ++x) {
            const bool on = indexed ? image.pixelIndex(x, y) != 0 : (image.pixel(x, y) & 0x00ffffffu) != 0;
            mask.pixels[size_t(y) * mask.width + x] = on ? 1 : 0;
        }
    return mask;
}

QualitySource folderQualitySource(const QString& imagesDir, const QString& masksDir,
                                  const QualityTargets& targets, QString* error)
{
    const QStringList images = listQualityImages(imagesDir, error);
    if (images.isEmpty()) return {};
    if (!QFileInfo(masksDir).isDir()) {
        *error = QStringLiteral("%1: not a folder").arg(masksDir);
        return {};
    }
    auto masks = std::make_shared<QStringList>();
    for (const QString& rel : images) {
        const QString imagePath = QDir(imagesDir).filePath(rel);
        const QString mask = findMask(masksDir, rel);
        if (mask.isEmpty()) {
            *error = QStringLiteral("%1: no mask for this image (looked for %2 with the same base name)")
                         .arg(imagePath, QDir(masksDir).filePath(QFileInfo(rel).completeBaseName() +
                                                                 QStringLiteral(".png")));
            return {};
        }
        const QSize imageSize = displayedSize(imagePath, true, error);
        if (!imageSize.isValid()) return {};
        const QSize maskSize = displayedSize(mask, false, error);
        if (!maskSize.isValid()) return {};
        if (imageSize != maskSize) {
            *error = QStringLiteral("%1: mask is %2×%3 but its image %4 is %5×%6")
                         .arg(mask)
                         .arg(maskSize.width())
                         .arg(maskSize.height())
                         .arg(imagePath)
                         .arg(imageSize.width())
                         .arg(imageSize.height());
            return {};
        }
        *masks << mask;
    }
    QualitySource src;
    src.count = int(images.size());
    src.description = QStringLiteral("images %1, masks %2").arg(imagesDir, masksDir);
    src.item = [imagesDir, images, masks, targets](int i) {
        QualityItem item;
        item.name = images[i];
        const QString path = QDir(imagesDir).filePath(images[i]);
        QString error;
        item.image = readImage(path, &error);
        if (item.image.isNull())
            throw compute::Error(path.toStdString(), error.mid(path.size() + 2).toStdString());
        item.mask = readQualityMask((*masks)[i]);
        if (item.mask.empty())
            throw compute::Error((*masks)[i].toStdString(), "mask has no object pixels (non-zero values)");
        const QString target = lookupTarget(targets, images[i]);
        if (!target.isEmpty()) applyTarget(item, target);
        return item;
    };
    return src;
}

} // namespace loupe::core
