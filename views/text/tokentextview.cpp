// SPDX-License-Identifier: MIT
#include "views/text/tokentextview.h"

#include <QCursor>
#include <QPalette>
#include <QTextBlock>
#include <QTextCursor>
#include <QToolTip>
#include <QUrl>

namespace loupe::views {

namespace {
const QString kScheme = QStringLiteral("word");

int wordOf(const QUrl& url)
{
    if (url.scheme() != kScheme) return -1;
    bool ok = false;
    const int k = url.path().toInt(&ok);
    return ok ? k : -1;
}
} // namespace

TokenTextView::TokenTextView(QWidget* parent) : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("tokenText"));
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setMinimumHeight(60);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const int k = wordOf(url);
        if (k < 0 || k >= m_words.size()) return;
        selectWord(k);
        emit wordClicked(k);
    });
    connect(this, qOverload<const QUrl&>(&QTextBrowser::highlighted), this, [this](const QUrl& url) {
        const int k = wordOf(url);
        if (k >= 0 && k < m_words.size())
            QToolTip::showText(QCursor::pos(), wordToolTip(k), this);
        else
            QToolTip::hideText();
    });
}

void TokenTextView::setPieces(const std::vector<TokenPiece>& pieces)
{
    m_pieces = pieces;
    m_words = groupWords(m_pieces);
    m_selected = -1;
    render();
}

void TokenTextView::setStreaming(const QString& textSoFar)
{
    m_pieces.clear();
    m_words.clear();
    m_wordStart.clear();
    m_selected = -1;
    setPlainText(textSoFar + QStringLiteral(" ▍"));
}

void TokenTextView::setMessage(const QString& text)
{
    m_pieces.clear();
    m_words.clear();
    m_wordStart.clear();
    m_selected = -1;
    setPlainText(text);
}

void TokenTextView::clearText()
{
    setMessage({});
}

void TokenTextView::selectWord(int word)
{
    m_selected = word >= 0 && word < m_words.size() ? word : -1;
    render();
}

void TokenTextView::render()
{
    // Words are links drawn as text (no underline, the palette's colour); the selected one is
    // highlighted like a selection so it reads as "this is what the canvas shows".
    const QPalette pal = palette();
    QString html = QStringLiteral("<html><body style=\"font-size:large\">");
    QString plain; // mirrors the document's text to find each word's offset
    m_wordStart.clear();
    int piece = 0;
    for (int k = 0; k < m_words.size(); ++k) {
        const TokenWord& w = m_words[k];
        QString lead;
        for (; piece < w.first; ++piece)
            lead += m_pieces[size_t(piece)].text;
        const QString& firstText = m_pieces[size_t(w.first)].text;
        lead += firstText.left(firstText.size() - firstText.trimmed().size()); // its leading space
        piece = w.first + w.count;
        // HTML collapses runs of white space and drops it at the start: one space between words.
        const QString space = k > 0 && !lead.isEmpty() ? QStringLiteral(" ") : QString();
        html += space.toHtmlEscaped();
        plain += space;
        m_wordStart.push_back(int(plain.size()));
        const bool sel = k == m_selected;
        html +=
            QStringLiteral("<a href=\"%1:%2\" style=\"text-decoration:none; color:%3;%4\">%5</a>")
                .arg(kScheme)
                .arg(k)
                .arg(sel ? pal.color(QPalette::HighlightedText).name() : pal.color(QPalette::Text).name())
                .arg(sel ? QStringLiteral(" background-color:%1;").arg(pal.color(QPalette::Highlight).name())
                         : QString())
                .arg(w.text.toHtmlEscaped());
        plain += w.text;
    }
    html += QStringLiteral("</body></html>");
    setHtml(html);
}

QRect TokenTextView::wordRect(int word) const
{
    if (word < 0 || word >= m_wordStart.size()) return {};
    QTextCursor c(document());
    c.setPosition(m_wordStart[word]);
    const QRect left = cursorRect(c);
    c.setPosition(m_wordStart[word] + int(m_words[word].text.size()));
    const QRect right = cursorRect(c);
    if (right.top() != left.top()) return left.adjusted(0, 0, 8, 0); // wrapped: its first letters
    return QRect(left.topLeft(), QPoint(right.left(), left.bottom()));
}

QString TokenTextView::wordToolTip(int word) const
{
    if (word < 0 || word >= m_words.size()) return {};
    const TokenWord& w = m_words[word];
    QStringList lines;
    for (int i = w.first; i < w.first + w.count; ++i) {
        const TokenPiece& p = m_pieces[size_t(i)];
        lines
            << tr("“%1” p = %2").arg(p.text.trimmed().toHtmlEscaped()).arg(double(p.probability), 0, 'f', 3);
    }
    return lines.join(QStringLiteral("<br>"));
}

} // namespace loupe::views
