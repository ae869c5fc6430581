// SPDX-License-Identifier: MIT
// Export by a registered format's name gets what exportProject gives a built-in: the same writer
// options, and failure on any error the writer reports.
#include "annotation/bridge/namedexchange.h"
#include "annotation/formats/format_registry.h"
#include "memoryproject.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;
using loupe::annotation::test::sampleProject;

namespace {

struct Seen
{
    int calls = 0;
    ExportOptions options;
    qsizetype images = 0;
};

// A writer that records what it was given and, when told to, reports an error yet returns true.
void registerProbe(Seen& seen, bool reportError)
{
    RegisteredFormat f;
    f.name = QStringLiteral("probe");
    f.origin = QStringLiteral("tst_named_export");
    f.write = [&seen, reportError](const Dataset& d, const QString& outDir, const ExportOptions& o,
                                   FormatReport& r) {
        ++seen.calls;
        seen.options = o;
        seen.images = qsizetype(d.images.size());
        if (reportError) r.error(outDir, {}, QStringLiteral("cannot express this"));
        return true;
    };
    QString why;
    QVERIFY2(registerFormat(std::move(f), &why), qPrintable(why));
}

// The sample project, exported by the probe's name into a folder of its own.
struct ProbeExport
{
    explicit ProbeExport(bool reportError)
    {
        registerProbe(seen, reportError);
        options.outDir = dir.filePath(QStringLiteral("out"));
    }
    bool run(FormatReport& report)
    {
        return exportProjectAs(QStringLiteral("probe"), project, options, report);
    }

    QTemporaryDir dir;
    loupe::annotation::test::MemoryProject project = sampleProject(dir.path());
    Seen seen;
    ProjectExportOptions options;
};

} // namespace

class TestNamedExport : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { clearRegisteredFormats(); }

    void writerGetsTheProjectsExportOptions()
    {
        ProbeExport x(false);
        x.options.yoloTask = YoloTask::Segment;
        FormatReport r;
        QVERIFY2(x.run(r), qPrintable(r.toText()));
        QCOMPARE(x.seen.calls, 1);
        QCOMPARE(x.seen.images, qsizetype(x.project.imgs.size()));
        QCOMPARE(x.seen.options.split, QStringLiteral("default")); // all images
        QCOMPARE(x.seen.options.yoloTask, YoloTask::Segment);
        QCOMPARE(x.seen.options.imageRoot, x.dir.path());
        const ExportOptions expected = projectExportOptions(x.project, x.options);
        QCOMPARE(x.seen.options.split, expected.split);
        QCOMPARE(x.seen.options.imageRoot, expected.imageRoot);

        x.options.split = QStringLiteral("train");
        x.options.copyImages = false;
        FormatReport r2;
        QVERIFY2(x.run(r2), qPrintable(r2.toText()));
        QCOMPARE(x.seen.options.split, QStringLiteral("train"));
        QVERIFY(x.seen.options.imageRoot.isEmpty());
    }

    void writerErrorFailsTheExport()
    {
        ProbeExport x(true);
        FormatReport r;
        QVERIFY(!x.run(r));
        QCOMPARE(x.seen.calls, 1);
        QVERIFY(r.hasErrors());
        QVERIFY2(r.toText().contains(QStringLiteral("cannot express this")), qPrintable(r.toText()));
    }
};

QTEST_GUILESS_MAIN(TestNamedExport)
#include "tst_named_export.moc"
