// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::plugin {

// The report a format gives, the same one the built-in formats fill: problems in the input with the file
// and the place in it (line, element or JSON pointer), counts per shape kind, and every shape or field
// the format converted or dropped with the reason. Loupe implements it.
class FormatReport
{
public:
    virtual ~FormatReport() = default;
    virtual void error(const QString& file, const QString& place, const QString& message) = 0;
    virtual void warning(const QString& file, const QString& place, const QString& message) = 0;
    virtual void count(const QString& kind, qsizetype n = 1) = 0;
    virtual void dropped(const QString& kind, const QString& reason, qsizetype n = 1) = 0;
    virtual void converted(const QString& kind, const QString& into, const QString& reason,
                           qsizetype n = 1) = 0;
    virtual void setImages(qsizetype n) = 0;
    virtual bool hasErrors() const = 0;
};

} // namespace loupe::plugin
