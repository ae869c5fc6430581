// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace loupe::annotation {
class FormatReport;
} // namespace loupe::annotation

namespace loupe::views {

// The import and export dialogs' report: a heading saying what the report is (a dry run that wrote
// nothing, or what was done), a summary line, then what was counted, converted and dropped, and the
// errors and warnings with file and place. While work runs it shows a busy bar instead.
class ReportView : public QWidget
{
    Q_OBJECT
public:
    explicit ReportView(QWidget* parent = nullptr);

    void showBusy(const QString& what);
    void showReport(const QString& heading, const QString& summary, const annotation::FormatReport& report);
    void showMessage(const QString& heading, const QString& text);
    void clear();

    bool isBusy() const;
    QString heading() const;
    QString text() const; // summary and body, as shown

private:
    QLabel* m_heading;
    QProgressBar* m_busy;
    QPlainTextEdit* m_body;
};

} // namespace loupe::views
