// SPDX-License-Identifier: MIT
#include "views/theme.h"

#include <QApplication>
#include <QPalette>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

namespace loupe::views {

namespace {

const char* kSettingKey = "view/theme";
bool g_systemDarkKnown = false;
bool g_systemDark = false;
bool g_dark = false;

QPalette darkPalette()
{
    QPalette p;
    const QColor text(222, 222, 222), disabled(120, 120, 120);
    p.setColor(QPalette::Window, QColor(40, 41, 43));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(29, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(46, 47, 50));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(52, 53, 56));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 92, 92));
    p.setColor(QPalette::Light, QColor(70, 71, 74));
    p.setColor(QPalette::Midlight, QColor(58, 59, 62));
    p.setColor(QPalette::Mid, QColor(36, 37, 39));
    p.setColor(QPalette::Dark, QColor(22, 23, 24)); // canvas background
    p.setColor(QPalette::Shadow, QColor(10, 10, 10));
    p.setColor(QPalette::Highlight, QColor(42, 110, 187));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(94, 164, 240));
    p.setColor(QPalette::ToolTipBase, QColor(52, 53, 56));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    for (auto role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(70, 71, 74));
    return p;
}

// Fusion fills check boxes with Base. In a dark palette Base is near black, which on a selected row's
// highlight reads as a black square rather than an empty box: there the box takes a light tint of the
// highlight and a light frame.
class LoupeStyle : public QProxyStyle
{
public:
    LoupeStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override
    {
        if (g_dark && element == PE_IndicatorItemViewItemCheck && (option->state & State_Selected)) {
            QStyleOptionViewItem o;
            if (const auto* v = qstyleoption_cast<const QStyleOptionViewItem*>(option))
                o = *v;
            else
                o.QStyleOption::operator=(*option);
            const QColor highlight = option->palette.color(QPalette::Highlight);
            o.palette.setColor(QPalette::Base, highlight.lighter(150));
            o.palette.setColor(QPalette::Window, highlight.lighter(190)); // Fusion derives the frame from it
            o.palette.setColor(QPalette::Text, Qt::white);
            o.palette.setColor(QPalette::WindowText, Qt::white);
            QProxyStyle::drawPrimitive(element, &o, painter, widget);
            return;
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
    }
};

QPalette lightPalette()
{
    QPalette p = QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
    p.setColor(QPalette::Dark, QColor(160, 160, 164)); // canvas background: neutral grey
    p.setColor(QPalette::Highlight, QColor(48, 120, 204));
    return p;
}

} // namespace

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme configuredTheme()
{
    auto parse = [](const QString& s) {
        if (s.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0) return Theme::Dark;
        if (s.compare(QLatin1String("light"), Qt::CaseInsensitive) == 0) return Theme::Light;
        return Theme::System;
    };
    const QString forced = qEnvironmentVariable("LOUPE_THEME");
    if (!forced.isEmpty()) return parse(forced);
    return parse(QSettings().value(QLatin1String(kSettingKey)).toString());
}

void saveThemeSetting(Theme theme)
{
    QSettings().setValue(QLatin1String(kSettingKey), themeName(theme));
}

bool systemPrefersDark()
{
    if (!g_systemDarkKnown && qApp) {
        g_systemDark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
        g_systemDarkKnown = true;
    }
    return g_systemDark;
}

void applyTheme(QApplication& app)
{
    applyTheme(app, configuredTheme());
}

void applyTheme(QApplication& app, Theme theme)
{
    const bool systemDark = systemPrefersDark(); // read before our palette replaces the platform one
    app.setStyle(new LoupeStyle);
    g_dark = theme == Theme::Dark || (theme == Theme::System && systemDark);
    app.setPalette(g_dark ? darkPalette() : lightPalette());
}

bool isDarkTheme()
{
    return g_dark;
}

} // namespace loupe::views
