// SPDX-License-Identifier: MIT
// `loupe prelabel` through the real binary with the shipped shapes-clip: each image gets the project's
// labels whose probability for "a photo of a {label}" reaches the threshold as tags, with one run per
// image whose probabilities are `loupe match`'s; running again skips everything; --images narrows by
// path; bad input gets a clear error and the documented exit code.
#include "common/runloupe.h"
#include "core/import/importjob.h"
#include "core/inference/detector.h"
#include "core/store/assettags.h"
#include "core/store/project.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

const QString kModels = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/");
const QStringList kLabels{"circle", "square", "triangle", "star", "cross", "ring"};

QJsonObject json(const LoupeRun& r)
{
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

} // namespace

class TestCliPrelabel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    QString m_images;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_images = m_dir.filePath(QStringLiteral("shapes"));
        const LoupeRun sample = runLoupe({"sample", "shapes", m_images, "--count", "4", "--seed", "21"});
        QVERIFY2(sample.code == 0, qPrintable(sample.err));
        m_project = m_dir.filePath(QStringLiteral("p.loupe"));
        QString error;
        auto p = core::Project::create(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        const core::ImportReport imported = core::importFiles(*p, {m_images});
        QVERIFY2(imported.error.isEmpty(), qPrintable(imported.error));
        QCOMPARE(imported.added, 4);
        for (int i = 0; i < kLabels.size(); ++i)
            QVERIFY(p->addLabel({0, kLabels[i], Qt::red, {}, i}, &error));
    }

    void clipTagsImagesAndResumes()
    {
        const QString clip = kModels + QStringLiteral("shapes-clip");
        const LoupeRun r = runLoupe({"prelabel", m_project, "--model", clip, "--threshold", "0.3", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("pre-labelled 4/4")), qPrintable(r.err)); // progress on stderr
        const QJsonObject o = json(r);
        QCOMPARE(o.value("output").toString(), QStringLiteral("tags"));
        QCOMPARE(o.value("stored").toInt(), 4);
        QCOMPARE(o.value("skipped").toInt(), 0);

        QString error;
        auto p = core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        int tagged = 0;
        for (const core::AssetRow& a : p->assetPage({}, 0, 10)) {
            const QVector<core::RunRecord> runs = p->runs(a.id, QStringLiteral("prelabel"));
            QCOMPARE(runs.size(), 1);
            const core::RunRecord& run = runs.front();
            QCOMPARE(run.checkpointHash.size(), 64);
            QVERIFY(run.modelPath.endsWith(QStringLiteral("shapes-clip")));
            const QJsonArray probs = run.result.value("probs").toArray();
            QCOMPARE(probs.size(), kLabels.size());
            QStringList want;
            for (int i = 0; i < kLabels.size(); ++i)
                if (probs[i].toDouble() >= 0.3) want << kLabels[i];
            QCOMPARE(core::assetTags(*p, a.id), want);
            tagged += want.isEmpty() ? 0 : 1;
            if (a.id == p->assetPage({}, 0, 1).front().id) {
                // The probabilities are CLIP's own, as `loupe match` gives them for the same texts.
                QStringList args{"match", "--model", clip, "--json", p->absolutePath(a.storedPath)};
                for (const QString& l : kLabels)
                    args << QStringLiteral("a photo of a %1").arg(l);
                const LoupeRun m = runLoupe(args);
                QVERIFY2(m.code == 0, qPrintable(m.err));
                const QJsonArray matched = json(m).value("probs").toArray();
                for (int i = 0; i < kLabels.size(); ++i)
                    QVERIFY(qAbs(matched[i].toDouble() - probs[i].toDouble()) < 1e-5);
            }
        }
        QVERIFY(tagged > 0); // the threshold lets the confident answers through

        const LoupeRun again =
            runLoupe({"prelabel", m_project, "--model", clip, "--threshold", "0.3", "--json"});
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QCOMPARE(json(again).value("skipped").toInt(), 4);
        QCOMPARE(json(again).value("stored").toInt(), 0);

        // --images narrows the selection to paths containing the query; another threshold is another run.
        const QString one = p->assetPage({}, 0, 1).front().storedPath.section(QLatin1Char('/'), -1);
        const LoupeRun narrowed =
            runLoupe({"prelabel", m_project, "--model", clip, "--images", one, "--json"});
        QVERIFY2(narrowed.code == 0, qPrintable(narrowed.err));
        QCOMPARE(json(narrowed).value("total").toInt(), 1);
        QCOMPARE(json(narrowed).value("stored").toInt(), 1);
        const LoupeRun text = runLoupe({"prelabel", m_project, "--model", clip, "--images", one});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains(QStringLiteral("1 already done")), qPrintable(text.out));
    }

    // The golden SAM (random weights: its own IoU filter keeps few masks, if any) with shapes-clip naming
    // them, through the detector seam: a run per image naming the method and the labeller.
    void samDetectorRunsThroughTheSeam()
    {
        if (!core::detectorArchitectures().contains(QStringLiteral("SamModel")))
            QSKIP("this build registers no SamModel detector");
        const QString sam = QStringLiteral(LOUPE_TEST_DATA "/golden/sam_segment");
        const QString clip = kModels + QStringLiteral("shapes-clip");
        QString error;
        auto p = core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        const core::AssetRow first = p->assetPage({}, 0, 1).front();
        const QString one = first.storedPath.section(QLatin1Char('/'), -1);
        const QStringList args{"prelabel", m_project, "--model",     sam, "--labeller", clip,
                               "--images", one,       "--threshold", "0", "--json"};
        const LoupeRun r = runLoupe(args, 300000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = json(r);
        QCOMPARE(o.value("output").toString(), QStringLiteral("shapes"));
        QCOMPARE(o.value("stored").toInt(), 1);
        const QVector<core::RunRecord> runs = p->runs(first.id, QStringLiteral("prelabel"));
        const auto run = std::find_if(runs.begin(), runs.end(), [&](const core::RunRecord& x) {
            return x.modelPath.endsWith("sam_segment");
        });
        QVERIFY(run != runs.end());
        QCOMPARE(run->parameters.value("detector").toString(), o.value("method").toString());
        QVERIFY(run->parameters.value("labeller").toString().endsWith(QStringLiteral("shapes-clip")));
        QCOMPARE(run->parameters.value("labeller_hash").toString().size(), 64);
        QVERIFY(!run->parameters.value("detector_parameters").toObject().isEmpty());
        // Every shape it proposed is a model's, in state new, with this run and a score.
        core::Statement s = p->db().prepare(QStringLiteral(
            "SELECT COUNT(*) FROM annotations WHERE run_id = ?1 AND (source <> 'model' OR review_state <> 0 "
            "OR score IS NULL)"));
        s.bind(1, run->id);
        QVERIFY(s.step());
        QCOMPARE(s.columnInt64(0), 0);
        const LoupeRun again = runLoupe(args, 300000);
        QCOMPARE(again.code, 0);
        QCOMPARE(json(again).value("skipped").toInt(), 1);
    }

    // The shipped SAM proposes with the filters its folder ships; --set overrides them and is recorded.
    void shippedSamWithFolderSettingsAndOverrides()
    {
        if (!core::detectorArchitectures().contains(QStringLiteral("SamModel")))
            QSKIP("this build registers no SamModel detector");
        const QString sam = kModels + QStringLiteral("shapes-sam");
        QString error;
        auto p = core::Project::open(m_project, &error);
        QVERIFY2(p, qPrintable(error));
        const core::AssetRow last = p->assetPage({}, 3, 1).front();
        const QString one = last.storedPath.section(QLatin1Char('/'), -1);
        const LoupeRun r = runLoupe({"prelabel", m_project, "--model", sam, "--images", one, "--threshold",
                                     "0", "--set", "points_per_side=12", "--json"},
                                    300000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QVector<core::RunRecord> runs = p->runs(last.id, QStringLiteral("prelabel"));
        const auto run = std::find_if(runs.begin(), runs.end(), [&](const core::RunRecord& x) {
            return x.modelPath.endsWith("shapes-sam");
        });
        QVERIFY(run != runs.end());
        const QJsonObject d = run->parameters.value("detector_parameters").toObject();
        QCOMPARE(d.value("pred_iou_thresh").toDouble(), 0.5); // automask_config.json
        QCOMPARE(d.value("points_per_side").toInt(), 12);     // --set
        core::Statement s =
            p->db().prepare(QStringLiteral("SELECT COUNT(*) FROM annotations WHERE run_id = ?1"));
        s.bind(1, run->id);
        QVERIFY(s.step());
        QVERIFY2(s.columnInt64(0) > 0, "the shipped SAM proposed nothing with its folder settings");

        const LoupeRun form = runLoupe({"prelabel", m_project, "--model", sam, "--set", "pred_iou_thresh"});
        QCOMPARE(form.code, 2);
        QVERIFY(form.err.contains(QStringLiteral("KEY=VALUE")));
        const LoupeRun unknown =
            runLoupe({"prelabel", m_project, "--model", sam, "--images", one, "--set", "iou=0.3"});
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("iou")) &&
                     unknown.err.contains(QStringLiteral("not a setting")),
                 qPrintable(unknown.err));
    }

    void badInputIsNamed()
    {
        QCOMPARE(runLoupe({"prelabel", m_project}).code, 2); // no --model
        const LoupeRun threshold =
            runLoupe({"prelabel", m_project, "--model", kModels + "shapes-clip", "--threshold", "2"});
        QCOMPARE(threshold.code, 2);
        QVERIFY(threshold.err.contains(QStringLiteral("--threshold")));
        const LoupeRun vit = runLoupe({"prelabel", m_project, "--model", kModels + "shapes-vit"});
        QCOMPARE(vit.code, 1);
        QVERIFY2(vit.err.contains(QStringLiteral("shapes-vit")) &&
                     vit.err.contains(QStringLiteral("proposes no shapes")),
                 qPrintable(vit.err));
        const QString missing = m_dir.filePath(QStringLiteral("missing.loupe"));
        const LoupeRun noProject = runLoupe({"prelabel", missing, "--model", kModels + "shapes-clip"});
        QCOMPARE(noProject.code, 1);
        QVERIFY(noProject.err.contains(missing));
        const LoupeRun none =
            runLoupe({"prelabel", m_project, "--model", kModels + "shapes-clip", "--images", "zzz"});
        QCOMPARE(none.code, 1);
        QVERIFY(none.err.contains(QStringLiteral("no image matches")));
        const LoupeRun help = runLoupe({"prelabel", "--help"});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains(QStringLiteral("loupe prelabel")));
        QVERIFY(help.out.contains(QStringLiteral("--labeller")));
    }
};

QTEST_GUILESS_MAIN(TestCliPrelabel)
#include "tst_cli_prelabel.moc"
