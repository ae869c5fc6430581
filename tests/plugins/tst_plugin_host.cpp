// SPDX-License-Identifier: MIT
// The plugin host: the shipped plugins load from the build tree and land in the registries; plugins
// built for another API, without the version symbol, with no Loupe interface, and files that are no
// plugin at all are refused with a message naming the file and the reason.
#include "annotation/formats/format_registry.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/import/importer_registry.h"
#include "core/inference/detector.h"
#include "plugins/host/plugin_host.h"

#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

QString badPlugin(const char* name)
{
    return QStringLiteral(LOUPE_BAD_PLUGIN_DIR "/libloupe_test_%1.so").arg(QLatin1String(name));
}

const plugins::PluginRecord* byName(const plugins::PluginHost& host, const QString& name)
{
    for (const plugins::PluginRecord& r : host.records())
        if (r.name == name) return &r;
    return nullptr;
}

} // namespace

class TestPluginHost : public QObject
{
    Q_OBJECT

    plugins::PluginHost m_host; // the shipped plugins, loaded once for the whole test

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_host.loadFolders({{QStringLiteral(LOUPE_PLUGIN_BUILD_DIR), QStringLiteral("LOUPE_PLUGIN_PATH")}});
    }

    void shippedPluginsLoad()
    {
        for (const char* name : {"kitti", "smoothgrad", "example-center-box"}) {
            const plugins::PluginRecord* r = byName(m_host, QLatin1String(name));
            QVERIFY2(r, name);
            QVERIFY2(r->loaded, qPrintable(r->reason));
            QCOMPARE(r->apiVersion, QStringLiteral("1.0"));
            QCOMPARE(r->origin, QStringLiteral("LOUPE_PLUGIN_PATH"));
            QVERIFY2(r->file.startsWith(QStringLiteral(LOUPE_PLUGIN_BUILD_DIR)), qPrintable(r->file));
            QVERIFY2(r->notes.isEmpty(), qPrintable(r->notes.join('\n')));
        }
        QCOMPARE(byName(m_host, QStringLiteral("kitti"))->provides,
                 (QStringList{QStringLiteral("format:kitti"), QStringLiteral("importer:kitti")}));
        QCOMPARE(
            byName(m_host, QStringLiteral("smoothgrad"))->provides,
            (QStringList{QStringLiteral("explain:smoothgrad"), QStringLiteral("explain:smoothgrad-signed")}));
    }

    void pluginsLandInTheRegistries()
    {
        const std::optional<annotation::RegisteredFormat> kitti =
            annotation::findRegisteredFormat(QStringLiteral("kitti"));
        QVERIFY(kitti);
        QVERIFY(kitti->read && kitti->write);
        QVERIFY(kitti->origin.endsWith(QStringLiteral("libloupe_kitti.so")));
        QVERIFY(annotation::allFormatNames().contains(QStringLiteral("kitti")));
        QVERIFY(core::forwardMethods().contains(QStringLiteral("smoothgrad")));
        QVERIFY(core::isKnownMethod(QStringLiteral("smoothgrad-signed")));
        QVERIFY(core::findDatasetImporter(QStringLiteral("kitti")));
        QVERIFY(core::detectorArchitectures().contains(QStringLiteral("LoupeExampleCenterBox")));
    }

    void exampleDetectorRunsBehindTheDetectorInterface()
    {
        QTemporaryDir dir;
        QFile config(dir.filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"architectures": ["LoupeExampleCenterBox"]})");
        config.close();
        core::DetectorOptions o;
        o.modelFolder = dir.path();
        o.labels = {QStringLiteral("car"), QStringLiteral("bus")};
        QString why;
        const std::unique_ptr<core::Detector> d = core::openDetector(o, &why);
        QVERIFY2(d, qPrintable(why));
        QImage image(100, 80, QImage::Format_RGB888);
        image.fill(Qt::gray);
        const std::vector<core::Detection> found = d->detect(image);
        QCOMPARE(found.size(), size_t(1));
        QCOMPARE(found[0].label, QStringLiteral("car"));
        QCOMPARE(found[0].box, QRectF(25, 20, 50, 40));
        // Detections under the threshold never reach pre-labelling, whatever the plugin returns.
        o.threshold = 1.5;
        QVERIFY(core::openDetector(o, &why)->detect(image).empty());
        // The plugin's refusal comes back as the exception pre-labelling expects, naming the folder.
        o.settings.insert(QStringLiteral("grid"), 4);
        try {
            core::openDetector(o, &why);
            QFAIL("an unknown setting was accepted");
        } catch (const std::exception& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(dir.path()), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("grid")), e.what());
        }
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("another major API")
            << badPlugin("wrong_major") << QStringLiteral("built for plugin API 2");
        QTest::newRow("a newer minor API")
            << badPlugin("newer_minor") << QStringLiteral("built for plugin API 1.9");
        QTest::newRow("cannot be loaded") << badPlugin("unresolved") << QStringLiteral("cannot be loaded: ");
        QTest::newRow("no version symbol")
            << badPlugin("no_symbol") << QStringLiteral("has no loupe_plugin_api_version symbol");
        QTest::newRow("code for another API")
            << badPlugin("code_mismatch") << QStringLiteral("its code says: built for plugin API 2.0");
        QTest::newRow("no Loupe interface")
            << badPlugin("no_interface") << QStringLiteral("implements no Loupe plugin interface");
        QTest::newRow("not a plugin") << badPlugin("not_plugin") << QStringLiteral("not a Qt plugin");
    }

    void refusals()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QVERIFY2(QFile::exists(file), qPrintable(file));
        plugins::PluginHost host;
        const plugins::PluginRecord& r = host.loadFile(file, QStringLiteral("user"));
        QVERIFY(!r.loaded);
        QVERIFY2(r.reason.startsWith(file + QStringLiteral(": ")), qPrintable(r.reason));
        QVERIFY2(r.reason.contains(reason), qPrintable(r.reason));
    }

    void garbageWithALibraryNameIsRefused()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("libgarbage.so"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not an ELF file\n");
        f.close();
        plugins::PluginHost host;
        host.loadFolders({{dir.path(), QStringLiteral("user")}});
        QCOMPARE(host.records().size(), size_t(1));
        QVERIFY(!host.records()[0].loaded);
        QVERIFY2(host.records()[0].reason.startsWith(file), qPrintable(host.records()[0].reason));
    }

    void aSecondCopyOfALoadedPluginIsRefused()
    {
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("libloupe_kitti_copy.so"));
        QVERIFY(QFile::copy(QStringLiteral(LOUPE_PLUGIN_BUILD_DIR "/libloupe_kitti.so"), copy));
        plugins::PluginHost host;
        host.loadFolders({{QStringLiteral(LOUPE_PLUGIN_BUILD_DIR), QStringLiteral("LOUPE_PLUGIN_PATH")},
                          {dir.path(), QStringLiteral("user")}});
        const auto it = std::find_if(host.records().begin(), host.records().end(),
                                     [&](const plugins::PluginRecord& r) { return r.file == copy; });
        QVERIFY(it != host.records().end());
        QVERIFY(!it->loaded);
        QVERIFY2(it->reason.contains(QStringLiteral("a plugin named \"kitti\" is already loaded from")),
                 qPrintable(it->reason));
    }

    void defaultFoldersAreEnvUserSystem()
    {
        qputenv("LOUPE_PLUGIN_PATH", "/tmp/a:/tmp/b");
        const std::vector<plugins::PluginFolder> f = plugins::defaultPluginFolders();
        qunsetenv("LOUPE_PLUGIN_PATH");
        QVERIFY(f.size() >= 4);
        QCOMPARE(f[0].path, QStringLiteral("/tmp/a"));
        QCOMPARE(f[1].path, QStringLiteral("/tmp/b"));
        QCOMPARE(f[2].origin, QStringLiteral("user"));
        QVERIFY(f[2].path.endsWith(QStringLiteral("/plugins")));
        QCOMPARE(f[3].origin, QStringLiteral("system"));
        QVERIFY(f[3].path.endsWith(QStringLiteral("lib/loupe/plugins")));
    }
};

QTEST_MAIN(TestPluginHost)
#include "tst_plugin_host.moc"
