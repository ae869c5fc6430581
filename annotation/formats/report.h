// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <vector>

namespace loupe::annotation {

// What an import or export did: counts per kind, everything converted or dropped and why, and the
// problems found in the input with the file and the place in it (line, element or JSON pointer).
class FormatReport
{
public:
    struct Issue
    {
        QString file;
        QString place;
        QString message;
    };
    struct Loss
    {
        QString kind; // shape kind, or "field:<name>" for a property of shapes
        QString into; // empty when dropped, else what it became
        QString reason;
        qsizetype count = 0;
    };

    void error(const QString& file, const QString& place, const QString& message);
    void warning(const QString& file, const QString& place, const QString& message);
    void count(const QString& kind, qsizetype n = 1);
    void dropped(const QString& kind, const QString& reason, qsizetype n = 1);
    void converted(const QString& kind, const QString& into, const QString& reason, qsizetype n = 1);
    void setImages(qsizetype n) { m_images = n; }

    bool hasErrors() const { return !m_errors.empty(); }
    const std::vector<Issue>& errors() const { return m_errors; }
    const std::vector<Issue>& warnings() const { return m_warnings; }
    const QMap<QString, qsizetype>& counts() const { return m_counts; }
    const std::vector<Loss>& losses() const { return m_losses; }
    qsizetype droppedCount(const QString& kind) const;
    qsizetype convertedCount(const QString& kind) const;
    qsizetype images() const { return m_images; }

    QJsonObject toJson() const;
    QString toText() const;

private:
    static constexpr size_t kMaxIssues = 200; // past this only the total is kept
    std::vector<Issue> m_errors;
    std::vector<Issue> m_warnings;
    qsizetype m_moreErrors = 0;
    qsizetype m_moreWarnings = 0;
    QMap<QString, qsizetype> m_counts;
    std::vector<Loss> m_losses;
    qsizetype m_images = 0;
};

} // namespace loupe::annotation
