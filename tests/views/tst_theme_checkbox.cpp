// SPDX-License-Identifier: MIT
// The dark theme: an unchecked box in a selected list row reads as an empty box on the highlight, not a
// black square, and a checked one still shows its mark.
#include "views/theme.h"

#include <QApplication>
#include <QListWidget>
#include <QTest>

using namespace loupe::views;

namespace {

// Pixels of a row that are near black (what an unchecked box used to be on a selected row).
int nearBlack(const QImage& image, const QRect& row)
{
    int n = 0;
    for (int y = row.top(); y <= row.bottom(); ++y)
        for (int x = row.left(); x <= row.right(); ++x)
            n += QColor(image.pixel(x, y)).lightness() < 45;
    return n;
}

} // namespace

class TestThemeCheckbox : public QObject
{
    Q_OBJECT
private slots:
    void uncheckedBoxInSelectedRowIsNotBlack()
    {
        applyTheme(*qApp, Theme::Dark);
        QVERIFY(isDarkTheme());
        QListWidget list;
        for (const char* name : {"circle", "triangle"}) {
            auto* item = new QListWidgetItem(QString::fromLatin1(name), &list);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
        list.resize(240, 120);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        list.setCurrentRow(0);
        list.item(0)->setSelected(true);
        const QImage shot = list.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        const QRect row = list.visualItemRect(list.item(0)).intersected(shot.rect());
        QVERIFY(!row.isEmpty());
        const int dark = nearBlack(shot, row);
        QVERIFY2(dark < 12, qPrintable(QStringLiteral("%1 near-black pixels in the selected row").arg(dark)));

        // Checked: the mark is drawn (light pixels inside the box differ from the unchecked row).
        list.item(0)->setCheckState(Qt::Checked);
        const QImage checked = list.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        QVERIFY(checked.copy(row) != shot.copy(row));
    }
};

QTEST_MAIN(TestThemeCheckbox)
#include "tst_theme_checkbox.moc"
