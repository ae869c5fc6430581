// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QWidget>

class QLabel;

namespace loupe::views {

// Two explanations of the same image side by side: A is pinned by the user, B follows what the panel
// shows, so two methods or two targets can be compared by pinning one and computing the other.
class CompareView : public QWidget
{
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    void setSide(int side, const QImage& overlay, const QString& caption); // side 0 = A, 1 = B
    void clear();
    QString caption(int side) const;
    QImage image(int side) const { return m_images[side & 1]; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();

    QImage m_images[2];
    QLabel* m_pictures[2] = {};
    QLabel* m_captions[2] = {};
};

} // namespace loupe::views
