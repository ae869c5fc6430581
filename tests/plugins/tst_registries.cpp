// SPDX-License-Identifier: MIT
// The registries plugins land in, and the dataset JSON a plugin format exchanges: a plugin can neither
// replace a built-in nor another plugin's name, unknown names are errors naming the choices, and a
// plugin reader's bad dataset is refused with the JSON pointer of the problem.
#include "annotation/formats/format_registry.h"
#include "annotation/shapes/geometryjson.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/import/importer_registry.h"
#include "plugins/host/dataset_json.h"

#include <QJsonArray>
#include <QtTest>

using namespace loupe;
using annotation::FormatReport;

namespace {

annotation::RegisteredFormat readerNamed(const QString& name)
{
    annotation::RegisteredFormat f;
    f.name = name;
    f.origin = QStringLiteral("test");
    f.read = [](const QString&, FormatReport&, const annotation::ImportOptions&) {
        return std::optional<annotation::Dataset>(annotation::Dataset{});
    };
    return f;
}

QJsonObject rect(double x, double y, double w, double h)
{
    return annotation::geometryToJson(annotation::RectangleGeom{QRectF(x, y, w, h)});
}

} // namespace

class TestRegistries : public QObject
{
    Q_OBJECT

private slots:
    void cleanup()
    {
        annotation::clearRegisteredFormats();
        core::clearRegisteredExplainMethods();
        core::clearDatasetImporters();
    }

    void datasetImportersAreFoundByNameAndPathAndNeverReplaced()
    {
        auto importer = [](const QString& name, const QString& origin, const QString& suffix) {
            core::DatasetImporterEntry e;
            e.name = name;
            e.origin = origin;
            e.accepts = [suffix](const QString& path) { return path.endsWith(suffix); };
            e.scan = [](const QString&, QString*) {
                return std::optional<core::DatasetScan>(core::DatasetScan{});
            };
            return e;
        };
        QString why;
        QVERIFY(!core::registerDatasetImporter(core::DatasetImporterEntry{}, &why));
        QVERIFY2(why.contains(QStringLiteral("needs a name")), qPrintable(why));
        QVERIFY(core::registerDatasetImporter(
            importer(QStringLiteral("kitti"), QStringLiteral("a.so"), "/kitti"), &why));
        QVERIFY(core::registerDatasetImporter(
            importer(QStringLiteral("other"), QStringLiteral("b.so"), "/other"), &why));
        QVERIFY(!core::registerDatasetImporter(
            importer(QStringLiteral("kitti"), QStringLiteral("c.so"), "/x"), &why));
        QCOMPARE(why, QStringLiteral("dataset importer 'kitti' is already provided by a.so"));
        QCOMPARE(core::datasetImporters().size(), size_t(2));
        QCOMPARE(core::findDatasetImporter(QStringLiteral("other"))->origin, QStringLiteral("b.so"));
        QVERIFY(!core::findDatasetImporter(QStringLiteral("none")));
        QCOMPARE(core::datasetImporterFor(QStringLiteral("/data/kitti"))->name, QStringLiteral("kitti"));
        QVERIFY(!core::datasetImporterFor(QStringLiteral("/data/coco")));
        core::clearDatasetImporters();
        QVERIFY(core::datasetImporters().empty());
    }

    void formatsNeverReplaceBuiltInsOrEachOther()
    {
        QString why;
        QVERIFY(!annotation::registerFormat(readerNamed(QStringLiteral("COCO")), &why));
        QVERIFY2(why.contains(QStringLiteral("built in")), qPrintable(why));
        QVERIFY(annotation::registerFormat(readerNamed(QStringLiteral("Datumaro")), &why));
        QVERIFY(!annotation::registerFormat(readerNamed(QStringLiteral("datumaro")), &why));
        QVERIFY2(why.contains(QStringLiteral("already provided by test")), qPrintable(why));
        QCOMPARE(annotation::allFormatNames().last(), QStringLiteral("datumaro"));
    }

    void unknownAndOneWayFormatsAreReportedErrors()
    {
        QString why;
        QVERIFY(annotation::registerFormat(readerNamed(QStringLiteral("readonly")), &why));
        FormatReport report;
        QVERIFY(!annotation::importDatasetNamed(QStringLiteral("nope"), QStringLiteral("/tmp/x"), report));
        QVERIFY2(
            report.errors().front().message.contains(QStringLiteral("unknown format 'nope'; one of coco")),
            qPrintable(report.toText()));
        FormatReport w;
        QVERIFY(!annotation::exportDatasetNamed(QStringLiteral("readonly"), {}, QStringLiteral("/tmp/out"),
                                                {}, w));
        QVERIFY2(w.errors().front().message.contains(QStringLiteral("only reads")), qPrintable(w.toText()));
        FormatReport r;
        QVERIFY(annotation::importDatasetNamed(QStringLiteral("readonly"), QStringLiteral("/tmp/x"), r));
    }

    void explainMethodsNeverReplaceBuiltIns()
    {
        QString why;
        const core::ExplainMapFn fn = [](const core::VitSession&, const compute::attribution::PlanarImage&,
                                         int, const core::ExplainParams&,
                                         const core::ExplainControl*) { return std::vector<float>{}; };
        QVERIFY(!core::registerExplainMethod({QStringLiteral("rise"), {}, QStringLiteral("test"), fn, {}, {}},
                                             &why));
        QVERIFY2(why.contains(QStringLiteral("built in")), qPrintable(why));
        QVERIFY(core::registerExplainMethod({QStringLiteral("lime"), {}, QStringLiteral("test"), fn, {}, {}},
                                            &why));
        QVERIFY(core::forwardMethods().endsWith(QStringLiteral("lime")));
        QVERIFY(!core::registerExplainMethod(
            {QStringLiteral("lime"), {}, QStringLiteral("other"), fn, {}, {}}, &why));
        QCOMPARE(core::forwardMethods().count(QStringLiteral("lime")), 1);
    }

    void explainSettingsAreCheckedAgainstTheMethod()
    {
        QString why;
        const core::ExplainMapFn fn = [](const core::VitSession&, const compute::attribution::PlanarImage&,
                                         int, const core::ExplainParams&,
                                         const core::ExplainControl*) { return std::vector<float>{}; };
        const core::ExplainSettingsMapFn withSettings =
            [](const core::VitSession&, const compute::attribution::PlanarImage&, int,
               const core::ExplainParams&, const QVariantMap&,
               const core::ExplainControl*) { return std::vector<float>{}; };
        core::ExplainMethodEntry lime{QStringLiteral("lime"), {}, QStringLiteral("test"), fn, {}, {}};
        lime.settings = {{QStringLiteral("samples"), 16, QStringLiteral("n")},
                         {QStringLiteral("kernel"), 0.25, QStringLiteral("w")},
                         {QStringLiteral("positive"), true, QStringLiteral("p")}};
        // Settings without a function that takes them would be silently ignored: refused.
        QVERIFY(!core::registerExplainMethod(lime, &why));
        QVERIFY2(why.contains(QStringLiteral("no map function taking them")), qPrintable(why));
        lime.mapWithSettings = withSettings;
        QVERIFY2(core::registerExplainMethod(lime, &why), qPrintable(why));
        QCOMPARE(core::explainMethodSettings(QStringLiteral("lime")).size(), size_t(3));

        const std::optional<QVariantMap> ok = core::parseExplainMethodSettings(
            QStringLiteral("lime"),
            {QStringLiteral("samples=32"), QStringLiteral("kernel=0.5"), QStringLiteral("positive=false")},
            &why);
        QVERIFY2(ok, qPrintable(why));
        QCOMPARE(ok->value(QStringLiteral("samples")), QVariant(32));
        QCOMPARE(ok->value(QStringLiteral("kernel")), QVariant(0.5));
        QCOMPARE(ok->value(QStringLiteral("positive")), QVariant(false));

        QVERIFY(
            !core::parseExplainMethodSettings(QStringLiteral("lime"), {QStringLiteral("sampels=3")}, &why));
        QVERIFY2(why.contains(QStringLiteral("no setting 'sampels'")) &&
                     why.contains(QStringLiteral("samples, kernel, positive")),
                 qPrintable(why));
        QVERIFY(
            !core::parseExplainMethodSettings(QStringLiteral("lime"), {QStringLiteral("samples=2.5")}, &why));
        QVERIFY2(why.contains(QStringLiteral("whole number")) && why.contains(QStringLiteral("'2.5'")),
                 qPrintable(why));
        QVERIFY(!core::parseExplainMethodSettings(QStringLiteral("lime"), {QStringLiteral("kernel")}, &why));
        QVERIFY2(why.contains(QStringLiteral("KEY=VALUE")), qPrintable(why));
        // A built-in method has none to set.
        QVERIFY(
            !core::parseExplainMethodSettings(QStringLiteral("rise"), {QStringLiteral("samples=2")}, &why));
        QVERIFY2(why.contains(QStringLiteral("has no settings")), qPrintable(why));
        QVERIFY(core::parseExplainMethodSettings(QStringLiteral("rise"), {}, &why));
    }

    void datasetJsonRoundTrips()
    {
        annotation::Dataset d;
        annotation::DatasetImage img;
        img.path = QStringLiteral("a/b.png");
        img.width = 40;
        img.height = 30;
        img.split = QStringLiteral("val");
        annotation::Shape s;
        s.labelId = d.ensureLabel(QStringLiteral("cat"));
        s.geometry = annotation::PolygonGeom{QPolygonF({QPointF(1, 2), QPointF(5, 2), QPointF(3, 9)})};
        s.attributes.insert(QStringLiteral("pose"), QStringLiteral("left"));
        s.score = 0.5;
        s.source = annotation::ShapeSource::Model;
        annotation::Shape caption;
        caption.labelId = -1;
        caption.geometry = annotation::CaptionGeom{QStringLiteral("a cat")};
        img.shapes = {s, caption};
        d.images.push_back(img);
        FormatReport report;
        const std::optional<annotation::Dataset> back = plugins::datasetFromJson(
            plugins::datasetToJson(d), QStringLiteral("x"), QStringLiteral("unlabeled"), report);
        QVERIFY2(back, qPrintable(report.toText()));
        QCOMPARE(back->labels.size(), size_t(1));
        QCOMPARE(back->images.size(), size_t(1));
        QCOMPARE(back->images[0].path, img.path);
        QCOMPARE(back->images[0].split, img.split);
        QCOMPARE(back->images[0].shapes, img.shapes);
    }

    void badPluginDatasetsAreRefusedWithThePlace_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("place");
        QTest::addColumn<QString>("message");
        const QJsonObject shape{{QStringLiteral("label"), QStringLiteral("x")},
                                {QStringLiteral("geometry"), rect(1, 1, 2, 2)}};
        QTest::newRow("newer layout")
            << QJsonObject{{QStringLiteral("v"), 2}} << QStringLiteral("/v") << QStringLiteral("layout 2");
        QTest::newRow("image without path")
            << QJsonObject{{QStringLiteral("images"), QJsonArray{QJsonObject{{QStringLiteral("width"), 3}}}}}
            << QStringLiteral("/images/0") << QStringLiteral("without a path");
        QTest::newRow("huge image") << QJsonObject{{QStringLiteral("images"),
                                                    QJsonArray{QJsonObject{
                                                        {QStringLiteral("path"), QStringLiteral("a.png")},
                                                        {QStringLiteral("width"), 1000000},
                                                        {QStringLiteral("height"), 1000000}}}}}
                                    << QStringLiteral("/images/0") << QString();
        QJsonObject badGeometry = shape;
        badGeometry.insert(
            QStringLiteral("geometry"),
            QJsonObject{{QStringLiteral("v"), 1}, {QStringLiteral("type"), QStringLiteral("blob")}});
        QTest::newRow("unknown geometry")
            << QJsonObject{{QStringLiteral("images"),
                            QJsonArray{
                                QJsonObject{{QStringLiteral("path"), QStringLiteral("a.png")},
                                            {QStringLiteral("shapes"), QJsonArray{shape, badGeometry}}}}}}
            << QStringLiteral("/images/0/shapes/1/geometry")
            << QStringLiteral("unknown geometry type \"blob\"");
    }

    void badPluginDatasetsAreRefusedWithThePlace()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, place);
        QFETCH(QString, message);
        FormatReport report;
        QVERIFY(
            !plugins::datasetFromJson(json, QStringLiteral("/data/in"), QStringLiteral("unlabeled"), report));
        QVERIFY(!report.errors().empty());
        QCOMPARE(report.errors().front().file, QStringLiteral("/data/in"));
        QVERIFY2(report.errors().front().place.startsWith(place), qPrintable(report.toText()));
        QVERIFY2(report.errors().front().message.contains(message), qPrintable(report.toText()));
    }
};

QTEST_GUILESS_MAIN(TestRegistries)
#include "tst_registries.moc"
