// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

namespace loupe::annotation {

// A streaming JSON writer: keys come out in the order written (so files diff well against hand-written
// expectations) and large exports do not build a DOM. Numbers use the shortest text that reads back
// exactly; integral values print without a fraction. Structure errors are the caller's bug.
class JsonWriter
{
public:
    explicit JsonWriter(int indent = 0) : m_indent(indent) {}

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(QStringView k);
    JsonWriter& value(QStringView s);
    JsonWriter& value(const char* s) { return value(QString::fromUtf8(s)); }
    JsonWriter& value(double d);
    JsonWriter& value(qint64 i);
    JsonWriter& value(int i) { return value(qint64(i)); }
    JsonWriter& value(bool b);
    JsonWriter& null();
    // A JSON fragment produced elsewhere (e.g. QJsonDocument::Compact of an attributes object).
    JsonWriter& raw(const QByteArray& json);
    // Arrays of numbers on one line, however the writer is indented.
    JsonWriter& numbers(const std::vector<double>& v);

    const QByteArray& bytes() const { return m_out; }

private:
    void beforeValue();
    void close(char bracket);
    void newline();
    QByteArray m_out;
    std::vector<bool> m_first; // per open container: no element written yet
    bool m_afterKey = false;
    int m_indent;
};

QByteArray formatNumber(double d);

} // namespace loupe::annotation
