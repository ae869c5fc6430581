// SPDX-License-Identifier: MIT
// loupe sample shapes OUT --count N --seed S [--size PX] [--objects MIN-MAX] [--clutter] [--noise A]
//                         [--blur] [--texture] [--varied] [--json]
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "core/samples/shapeswriter.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <cstdio>
#include <unistd.h>

namespace loupe::cli {

namespace {

int sampleShapes(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Generate shapes-world images (circle, square, triangle, star, cross, ring) with COCO annotations "
        "and a labels file naming each image's most prominent (largest) shape."));
    p.addHelpOption();
    p.addOption({QStringLiteral("count"), QStringLiteral("Images to generate (default 100)."),
                 QStringLiteral("N"), QStringLiteral("100")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 1); same seed, same files."),
                 QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Image width and height (default 96)."),
                 QStringLiteral("PX"), QStringLiteral("96")});
    p.addOption({QStringLiteral("objects"),
                 QStringLiteral("Objects per image, MIN-MAX within 1-4 (default 1-4)."),
                 QStringLiteral("RANGE"), QStringLiteral("1-4")});
    p.addOption({QStringLiteral("clutter"), QStringLiteral("Thin lines and dots in the background.")});
    p.addOption({QStringLiteral("noise"),
                 QStringLiteral("Pixel noise amplitude in grey levels, 0-64 (default 0)."),
                 QStringLiteral("A"), QStringLiteral("0")});
    p.addOption({QStringLiteral("blur"), QStringLiteral("3x3 box blur of each finished image.")});
    p.addOption({QStringLiteral("texture"), QStringLiteral("Textured instead of flat backgrounds.")});
    p.addOption(
        {QStringLiteral("varied"), QStringLiteral("Each image draws its own clutter/noise/blur/texture.")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON summary instead of text.")});
    p.addPositionalArgument(QStringLiteral("OUT"), QStringLiteral("Output folder (created)."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe sample shapes")} + args)) {
        err << "loupe sample shapes: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("sample shapes"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    bool okCount = false, okSeed = false, okSize = false, okNoise = false;
    const int count = p.value(QStringLiteral("count")).toInt(&okCount);
    const qulonglong seed = p.value(QStringLiteral("seed")).toULongLong(&okSeed);
    loupe::core::ShapesWorldOptions o;
    o.size = p.value(QStringLiteral("size")).toInt(&okSize);
    o.noise = p.value(QStringLiteral("noise")).toInt(&okNoise);
    o.clutter = p.isSet(QStringLiteral("clutter"));
    o.blur = p.isSet(QStringLiteral("blur"));
    o.texture = p.isSet(QStringLiteral("texture"));
    o.varied = p.isSet(QStringLiteral("varied"));
    const QStringList range = p.value(QStringLiteral("objects")).split(QLatin1Char('-'));
    bool okMin = false, okMax = false;
    if (range.size() == 2) {
        o.minObjects = range[0].toInt(&okMin);
        o.maxObjects = range[1].toInt(&okMax);
    } else if (range.size() == 1) {
        o.minObjects = o.maxObjects = range[0].toInt(&okMin);
        okMax = okMin;
    }
    const char* usage =
        "usage: loupe sample shapes OUT [--count N] [--seed S] [--size PX] [--objects MIN-MAX] "
        "[--clutter] [--noise A] [--blur] [--texture] [--varied] [--json]\n";
    if (pos.size() != 1 || !okCount || !okSeed || !okSize || !okNoise || !okMin || !okMax) {
        err << usage;
        return ExitUsage;
    }
    if (count < 1) {
        err << "loupe sample shapes: --count must be at least 1\n";
        return ExitUsage;
    }
    if (const QString bad = loupe::core::ShapesWorld::validate(o); !bad.isEmpty()) {
        err << "loupe sample shapes: " << bad << "\n";
        return ExitUsage;
    }
    const bool json = p.isSet(QStringLiteral("json"));
    const bool tty = !json && isatty(fileno(stderr));
    const loupe::core::ShapesWorld world(seed, o);
    const auto r = loupe::core::writeShapesDataset(pos[0], world, count, [&](int done, int total) {
        if (tty && (done == total || done % 100 == 0)) {
            err << "\r" << done << "/" << total << " images";
            err.flush();
        }
        return true;
    });
    if (tty) err << "\n";
    if (!r.ok()) {
        err << "loupe sample shapes: " << r.error << "\n";
        return ExitFailure;
    }
    const QStringList names = loupe::core::shapeClassNames();
    if (json) {
        QJsonObject perClass;
        for (int c = 0; c < names.size(); ++c)
            perClass[names[c]] = r.perClass[size_t(c)];
        const QJsonObject o2{{QStringLiteral("folder"), QDir(pos[0]).absolutePath()},
                             {QStringLiteral("images"), r.images},
                             {QStringLiteral("objects"), r.objects},
                             {QStringLiteral("seed"), QString::number(seed)},
                             {QStringLiteral("size"), o.size},
                             {QStringLiteral("annotations"), r.annotationsPath},
                             {QStringLiteral("labels"), r.labelsPath},
                             {QStringLiteral("per_class"), perClass}};
        out << QJsonDocument(o2).toJson(QJsonDocument::Compact) << "\n";
    } else {
        out << "wrote " << r.images << " images (" << r.objects << " objects) to " << r.imagesDir << "\n"
            << "COCO annotations: " << r.annotationsPath << "\nlabels: " << r.labelsPath << "\n";
    }
    return ExitOk;
}

int sample(const QStringList& args)
{
    QTextStream out(stdout), err(stderr);
    if (args.isEmpty() || args[0] == QLatin1String("--help") || args[0] == QLatin1String("-h")) {
        (args.isEmpty() ? err : out)
            << "usage: loupe sample shapes OUT [options]   (loupe sample shapes --help)\n"
               "  shapes   synthetic images with known masks, COCO annotations and labels\n";
        return args.isEmpty() ? ExitUsage : ExitOk;
    }
    if (args[0] == QLatin1String("shapes")) return sampleShapes(args.mid(1));
    err << "loupe sample: unknown sample kind '" << args[0] << "' (known: shapes)\n";
    return ExitUsage;
}

const CommandRegistrar reg{
    {QStringLiteral("sample"), QStringLiteral("Generate sample data (the shapes world)."), sample}};

} // namespace

} // namespace loupe::cli
