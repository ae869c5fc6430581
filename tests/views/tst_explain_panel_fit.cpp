// SPDX-License-Identifier: MIT
// The Explain panel fits the side dock of a 1280×800 window: its content's minimum size is narrow and
// short enough, and laid out at that size no label or button text is cut ("Probe patc") and the
// Heads/Curves tabs keep their room.
#include "views/explain/explainpanel.h"
#include "views/explain/methodform.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>
#include <QTest>

using namespace loupe::views;

class TestExplainPanelFit : public QObject
{
    Q_OBJECT
private slots:
    void fitsA1280x800Window()
    {
        ExplainPanel panel(nullptr);
        auto* scroll = panel.findChild<QScrollArea*>();
        QVERIFY(scroll);
        QWidget* content = scroll->widget();
        const QSize min = content->minimumSizeHint();
        // A right-hand dock of a 1280 px window: with the 300 px dataset dock on the left the canvas keeps
        // half the width; short enough for 800 px less the menu, tool and status bars and the Jobs dock.
        const QSize hint = panel.minimumSizeHint();
        QVERIFY2(hint.width() <= 340, qPrintable(QString::number(hint.width())));
        QVERIFY2(hint.height() <= 480, qPrintable(QString::number(hint.height())));
        QVERIFY(hint.width() >= min.width()); // the dock is never narrower than the controls

        panel.resize(hint);
        static_cast<QWidget&>(panel).show(); // ExplainPanel::show(Explanation) hides it
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(content->width() >= min.width());
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0); // nothing off to the right
        for (const QLabel* label : content->findChildren<QLabel*>()) {
            if (!label->isVisibleTo(content) || label->wordWrap() || label->text().isEmpty()) continue;
            const int need = label->fontMetrics().horizontalAdvance(label->text());
            QVERIFY2(label->contentsRect().width() >= need, qPrintable(QStringLiteral("label '%1': %2 < %3")
                                                                           .arg(label->text())
                                                                           .arg(label->contentsRect().width())
                                                                           .arg(need)));
        }
        for (const QAbstractButton* button : content->findChildren<QAbstractButton*>()) {
            if (!button->isVisibleTo(content) || button->text().isEmpty()) continue;
            QVERIFY2(button->width() >= button->sizeHint().width(),
                     qPrintable(QStringLiteral("button '%1': %2 < %3")
                                    .arg(button->text())
                                    .arg(button->width())
                                    .arg(button->sizeHint().width())));
            QVERIFY(button->geometry().right() < button->parentWidget()->width());
        }
        // The method form's parts are stacked, not drawn over each other.
        QList<QRect> parts;
        for (QWidget* w : panel.methodForm()->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly))
            if (w->isVisibleTo(panel.methodForm())) parts << w->geometry();
        QVERIFY(parts.size() >= 3); // the method menu, its page, the token row (rollout)
        for (int i = 0; i < parts.size(); ++i)
            for (int j = i + 1; j < parts.size(); ++j)
                QVERIFY2(!parts[i].intersects(parts[j]), "method form parts overlap");
        auto* tabs = panel.findChild<QTabWidget*>(QStringLiteral("explainTabs"));
        QVERIFY(tabs->height() >= 240);
    }
};

QTEST_MAIN(TestExplainPanelFit)
#include "tst_explain_panel_fit.moc"
