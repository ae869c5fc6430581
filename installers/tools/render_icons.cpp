// SPDX-License-Identifier: MIT
// Renders the app's SVG icon to the PNG sizes of the hicolor theme, at build time, so the installed
// icons never drift from the one source drawing.
// Usage: loupe_render_icons SVG OUTDIR NAME SIZE... -> OUTDIR/<SIZE>x<SIZE>/apps/NAME.png
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTextStream>

int main(int argc, char** argv)
{
    // Rendering needs no display; without this a headless build machine would abort on a missing xcb.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QTextStream err(stderr);
    const QStringList args = app.arguments();
    if (args.size() < 5) {
        err << "usage: loupe_render_icons SVG OUTDIR NAME SIZE...\n";
        return 2;
    }
    QSvgRenderer svg(args[1]);
    if (!svg.isValid()) {
        err << args[1] << ": not a readable SVG\n";
        return 1;
    }
    for (const QString& text : args.mid(4)) {
        bool ok = false;
        const int size = text.toInt(&ok);
        if (!ok || size <= 0 || size > 1024) {
            err << "loupe_render_icons: bad size '" << text << "'\n";
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        const QString dir = QStringLiteral("%1/%2x%2/apps").arg(args[2]).arg(size);
        const QString path = dir + QLatin1Char('/') + args[3] + QStringLiteral(".png");
        if (!QDir().mkpath(dir) || !image.save(path, "PNG")) {
            err << path << ": cannot write\n";
            return 1;
        }
    }
    return 0;
}
