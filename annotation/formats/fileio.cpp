// SPDX-License-Identifier: MIT
#include "annotation/formats/fileio.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageIOHandler>
#include <QImageReader>
#include <QSaveFile>

namespace loupe::annotation {

std::optional<QByteArray> readWholeFile(const QString& path, FormatReport& report)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        report.error(path, QString(), QStringLiteral("cannot read: %1").arg(f.errorString()));
        return std::nullopt;
    }
    return f.readAll();
}

bool writeWholeFile(const QString& path, const QByteArray& bytes, FormatReport& report, WriteMode mode)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!QFileInfo(dir).isDir()) QDir().mkpath(dir);
    if (mode == WriteMode::Plain) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size() ||
            !f.flush()) {
            report.error(path, QString(), QStringLiteral("cannot write: %1").arg(f.errorString()));
            return false;
        }
        return true;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        report.error(path, QString(), QStringLiteral("cannot write: %1").arg(f.errorString()));
        return false;
    }
    return true;
}

QString lineColumnAt(const QByteArray& data, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, data.size());
    qsizetype line = 1, col = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(col);
}

QSize orientedImageSize(const QString& path)
{
    QImageReader reader(path);
    QSize s = reader.size(); // header only, no decode
    if (!s.isValid()) return {};
    // Orientations 5-8 turn the picture a quarter: the displayed width is the stored height.
    if (reader.transformation() & QImageIOHandler::TransformationRotate90) s.transpose();
    return s;
}

QString relativeTo(const QString& root, const QString& file)
{
    return QDir::fromNativeSeparators(QDir(root).relativeFilePath(file));
}

QString withoutSuffix(const QString& path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot > slash + 1 ? path.left(dot) : path;
}

} // namespace loupe::annotation
