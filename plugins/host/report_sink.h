// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/formats/report.h"
#include "plugins/api/format_report.h"

namespace loupe::plugins {

// A plugin's format report written straight into Loupe's, so a plugin format's report reads like a
// built-in one's.
class ReportSink : public plugin::FormatReport
{
public:
    explicit ReportSink(annotation::FormatReport& report) : m_r(report) {}
    void error(const QString& file, const QString& place, const QString& message) override
    {
        m_r.error(file, place, message);
    }
    void warning(const QString& file, const QString& place, const QString& message) override
    {
        m_r.warning(file, place, message);
    }
    void count(const QString& kind, qsizetype n) override { m_r.count(kind, n); }
    void dropped(const QString& kind, const QString& reason, qsizetype n) override
    {
        m_r.dropped(kind, reason, n);
    }
    void converted(const QString& kind, const QString& into, const QString& reason, qsizetype n) override
    {
        m_r.converted(kind, into, reason, n);
    }
    void setImages(qsizetype n) override { m_r.setImages(n); }
    bool hasErrors() const override { return m_r.hasErrors(); }

private:
    annotation::FormatReport& m_r;
};

} // namespace loupe::plugins
