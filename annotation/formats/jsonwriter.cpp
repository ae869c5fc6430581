// SPDX-License-Identifier: MIT
#include "annotation/formats/jsonwriter.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace loupe::annotation {

QByteArray formatNumber(double d)
{
    if (!std::isfinite(d)) return QByteArrayLiteral("null"); // JSON has no inf/nan; writers check before this
    char buf[32];
    if (d == std::trunc(d) && std::abs(d) < 1e15) {
        const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
        return QByteArray(buf, int(r.ptr - buf));
    }
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    return QByteArray(buf, int(r.ptr - buf));
}

void JsonWriter::newline()
{
    if (m_indent <= 0) return;
    m_out += '\n';
    m_out.append(QByteArray(int(m_first.size()) * m_indent, ' '));
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_out += ',';
        m_first.back() = false;
        newline();
    }
}

JsonWriter& JsonWriter::beginObject()
{
    beforeValue();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

void JsonWriter::close(char bracket)
{
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out += bracket;
}

JsonWriter& JsonWriter::endObject()
{
    close('}');
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    beforeValue();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    close(']');
    return *this;
}

JsonWriter& JsonWriter::key(QStringView k)
{
    value(k);
    m_out += m_indent > 0 ? ": " : ":";
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(QStringView s)
{
    beforeValue();
    m_out += '"';
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t u = s[i].unicode();
        if (u >= 0x80) {
            // Convert the whole non-ASCII run at once so surrogate pairs stay together.
            qsizetype j = i;
            while (j < s.size() && s[j].unicode() >= 0x80)
                ++j;
            m_out += s.mid(i, j - i).toUtf8();
            i = j - 1;
            continue;
        }
        switch (u) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out += "\\\\";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\r':
            m_out += "\\r";
            break;
        case '\t':
            m_out += "\\t";
            break;
        default:
            if (u < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(u));
                m_out += buf;
            } else {
                m_out += char(u);
            }
        }
    }
    m_out += '"';
    return *this;
}

JsonWriter& JsonWriter::value(double d)
{
    beforeValue();
    m_out += formatNumber(d);
    return *this;
}

JsonWriter& JsonWriter::value(qint64 i)
{
    beforeValue();
    m_out += QByteArray::number(i);
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    beforeValue();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(const QByteArray& json)
{
    beforeValue();
    m_out += json;
    return *this;
}

JsonWriter& JsonWriter::numbers(const std::vector<double>& v)
{
    beforeValue();
    m_out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) m_out += ',';
        m_out += formatNumber(v[i]);
    }
    m_out += ']';
    return *this;
}

} // namespace loupe::annotation
