// SPDX-License-Identifier: MIT
#pragma once

#include "views/text/generatedtext.h"

#include <QTextBrowser>

namespace loupe::views {

// Generated text whose every word is a link: clicking one selects it (wordClicked), hovering shows the
// probability of each of its tokens. While a text streams in it is shown plain, with a cursor.
class TokenTextView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit TokenTextView(QWidget* parent = nullptr);

    void setPieces(const std::vector<TokenPiece>& pieces);
    void setStreaming(const QString& textSoFar);
    void setMessage(const QString& text); // a placeholder or an error, no words
    void clearText();

    const QVector<TokenWord>& words() const { return m_words; }
    int selectedWord() const { return m_selected; }
    void selectWord(int word); // -1: none; emits nothing
    // Where word `k` is drawn, in viewport coordinates (for tests and for tooltips).
    QRect wordRect(int word) const;
    // What hovering the word shows: each token with its probability.
    QString wordToolTip(int word) const;

signals:
    void wordClicked(int word);

private:
    void render();

    std::vector<TokenPiece> m_pieces;
    QVector<TokenWord> m_words;
    QVector<int> m_wordStart; // character offset of each word in the document
    int m_selected = -1;
};

} // namespace loupe::views
