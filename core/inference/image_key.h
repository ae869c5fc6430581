// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QFileInfo>
#include <QString>

namespace loupe::core {

// What identifies an image file's content cheaply: a replaced or edited file gets new embeddings.
struct ImageKey
{
    QString path;
    qint64 size = -1;
    QDateTime modified;
    bool operator==(const ImageKey&) const = default;
};

inline ImageKey keyOf(const QString& image)
{
    const QFileInfo fi(image);
    return {fi.absoluteFilePath(), fi.size(), fi.lastModified()};
}

} // namespace loupe::core
