// SPDX-License-Identifier: MIT
#include "views/exchange/reportview.h"

#include "annotation/formats/report.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QVBoxLayout>

namespace loupe::views {

ReportView::ReportView(QWidget* parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_busy(new QProgressBar(this)),
      m_body(new QPlainTextEdit(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);
    m_heading->setWordWrap(true);
    // The format code reports no progress of its own, so the bar only says that work is under way.
    m_busy->setRange(0, 0);
    m_busy->setVisible(false);
    m_body->setReadOnly(true);
    m_body->setObjectName(QStringLiteral("reportText"));
    layout->addWidget(m_heading);
    layout->addWidget(m_busy);
    layout->addWidget(m_body, 1);
}

void ReportView::showBusy(const QString& what)
{
    m_heading->setText(what);
    m_body->clear();
    m_busy->setVisible(true);
}

void ReportView::showReport(const QString& heading, const QString& summary,
                            const annotation::FormatReport& report)
{
    m_busy->setVisible(false);
    m_heading->setText(heading);
    QString body = summary.isEmpty() ? QString() : summary + QStringLiteral("\n\n");
    body += report.toText();
    if (report.losses().empty() && !report.hasErrors())
        body += QStringLiteral("nothing dropped or converted\n");
    m_body->setPlainText(body);
}

void ReportView::showMessage(const QString& heading, const QString& text)
{
    m_busy->setVisible(false);
    m_heading->setText(heading);
    m_body->setPlainText(text);
}

void ReportView::clear()
{
    showMessage(QString(), QString());
}

bool ReportView::isBusy() const
{
    return !m_busy->isHidden();
}

QString ReportView::heading() const
{
    return m_heading->text();
}

QString ReportView::text() const
{
    return m_body->toPlainText();
}

} // namespace loupe::views
