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

} // namespace

class TestNamedExport : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { clearRegisteredFormats(); }

    void writerGetsTheProjectsExportOptions()
    {
        QTemporaryDir dir;
        const auto p = sampleProject(dir.path());
        Seen seen;
        registerProbe(seen, false);
        ProjectExportOptions o;
        o.outDir = dir.filePath(QStringLiteral("out"));
        o.yoloTask = YoloTask::Segment;
        FormatReport r;
        QVERIFY2(exportProjectAs(QStringLiteral("probe"), p, o, r), qPrintable(r.toText()));
        QCOMPARE(seen.calls, 1);
        QCOMPARE(seen.images, qsizetype(p.imgs.size()));
        QCOMPARE(seen.options.split, QStringLiteral("default")); // all images
        QCOMPARE(seen.options.yoloTask, YoloTask::Segment);
        QCOMPARE(seen.options.imageRoot, dir.path());
        const ExportOptions expected = projectExportOptions(p, o);
        QCOMPARE(seen.options.split, expected.split);
        QCOMPARE(seen.options.imageRoot, expected.imageRoot);

        o.split = QStringLiteral("train");
        o.copyImages = false;
        FormatReport r2;
        QVERIFY2(exportProjectAs(QStringLiteral("probe"), p, o, r2), qPrintable(r2.toText()));
        QCOMPARE(seen.options.split, QStringLiteral("train"));
        QVERIFY(seen.options.imageRoot.isEmpty());
    }

    void writerErrorFailsTheExport()
    {
        QTemporaryDir dir;
        const auto p = sampleProject(dir.path());
        Seen seen;
        registerProbe(seen, true);
        ProjectExportOptions o;
        o.outDir = dir.filePath(QStringLiteral("out"));
        FormatReport r;
        QVERIFY(!exportProjectAs(QStringLiteral("probe"), p, o, r));
        QCOMPARE(seen.calls, 1);
        QVERIFY(r.hasErrors());
        QVERIFY2(r.toText().contains(QStringLiteral("cannot express this")), qPrintable(r.toText()));
    }
};

QTEST_GUILESS_MAIN(TestNamedExport)
#include "tst_named_export.moc"
