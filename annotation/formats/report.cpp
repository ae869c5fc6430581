// SPDX-License-Identifier: MIT
#include "annotation/formats/report.h"

#include <QJsonArray>

namespace loupe::annotation {

void FormatReport::error(const QString& file, const QString& place, const QString& message)
{
    if (m_errors.size() < kMaxIssues)
        m_errors.push_back({file, place, message});
    else
        ++m_moreErrors;
}

void FormatReport::warning(const QString& file, const QString& place, const QString& message)
{
    if (m_warnings.size() < kMaxIssues)
        m_warnings.push_back({file, place, message});
    else
        ++m_moreWarnings;
}

void FormatReport::count(const QString& kind, qsizetype n)
{
    m_counts[kind] += n;
}

void FormatReport::dropped(const QString& kind, const QString& reason, qsizetype n)
{
    converted(kind, QString(), reason, n);
}

void FormatReport::converted(const QString& kind, const QString& into, const QString& reason, qsizetype n)
{
    for (Loss& l : m_losses) {
        if (l.kind == kind && l.into == into && l.reason == reason) {
            l.count += n;
            return;
        }
    }
    m_losses.push_back({kind, into, reason, n});
}

qsizetype FormatReport::droppedCount(const QString& kind) const
{
    qsizetype n = 0;
    for (const Loss& l : m_losses)
        if (l.kind == kind && l.into.isEmpty()) n += l.count;
    return n;
}

qsizetype FormatReport::convertedCount(const QString& kind) const
{
    qsizetype n = 0;
    for (const Loss& l : m_losses)
        if (l.kind == kind && !l.into.isEmpty()) n += l.count;
    return n;
}

namespace {

QJsonArray issuesToJson(const std::vector<FormatReport::Issue>& issues)
{
    QJsonArray a;
    for (const auto& i : issues)
        a.append(QJsonObject{{QStringLiteral("file"), i.file},
                             {QStringLiteral("place"), i.place},
                             {QStringLiteral("message"), i.message}});
    return a;
}

QString issueText(const FormatReport::Issue& i)
{
    QString s = i.file;
    if (!i.place.isEmpty()) s += QStringLiteral(" (%1)").arg(i.place);
    return s + QStringLiteral(": ") + i.message;
}

} // namespace

QJsonObject FormatReport::toJson() const
{
    QJsonObject counts;
    for (auto it = m_counts.begin(); it != m_counts.end(); ++it)
        counts.insert(it.key(), double(it.value()));
    QJsonArray dropped, converted;
    for (const Loss& l : m_losses) {
        QJsonObject o{{QStringLiteral("kind"), l.kind},
                      {QStringLiteral("count"), double(l.count)},
                      {QStringLiteral("reason"), l.reason}};
        if (l.into.isEmpty()) {
            dropped.append(o);
        } else {
            o.insert(QStringLiteral("into"), l.into);
            converted.append(o);
        }
    }
    QJsonObject o{{QStringLiteral("ok"), !hasErrors()},
                  {QStringLiteral("images"), double(m_images)},
                  {QStringLiteral("counts"), counts},
                  {QStringLiteral("dropped"), dropped},
                  {QStringLiteral("converted"), converted},
                  {QStringLiteral("errors"), issuesToJson(m_errors)},
                  {QStringLiteral("warnings"), issuesToJson(m_warnings)}};
    if (m_moreErrors) o.insert(QStringLiteral("more_errors"), double(m_moreErrors));
    if (m_moreWarnings) o.insert(QStringLiteral("more_warnings"), double(m_moreWarnings));
    return o;
}

QString FormatReport::toText() const
{
    QString s = QStringLiteral("images: %1\n").arg(m_images);
    for (auto it = m_counts.begin(); it != m_counts.end(); ++it)
        s += QStringLiteral("  %1: %2\n").arg(it.key()).arg(it.value());
    for (const Loss& l : m_losses) {
        if (l.into.isEmpty())
            s += QStringLiteral("dropped %1 %2: %3\n").arg(l.count).arg(l.kind, l.reason);
        else
            s += QStringLiteral("converted %1 %2 to %3: %4\n").arg(l.count).arg(l.kind, l.into, l.reason);
    }
    for (const Issue& i : m_errors)
        s += QStringLiteral("error: ") + issueText(i) + QLatin1Char('\n');
    if (m_moreErrors) s += QStringLiteral("error: ... and %1 more\n").arg(m_moreErrors);
    for (const Issue& i : m_warnings)
        s += QStringLiteral("warning: ") + issueText(i) + QLatin1Char('\n');
    if (m_moreWarnings) s += QStringLiteral("warning: ... and %1 more\n").arg(m_moreWarnings);
    return s;
}

} // namespace loupe::annotation
