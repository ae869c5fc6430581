// SPDX-License-Identifier: MIT
// `loupe explain` end to end: image -> preprocessing -> engine -> rollout -> .npy must reproduce the golden
// rollout_patches; overlays and head tables are written; gradient methods are refused clearly.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/attribution/npy.h"
#include "compute/io/safetensors.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

} // namespace

class TestCliExplain : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonObject tolerances_;

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        tolerances_ =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("tolerances")).toObject();
    }

    void rolloutMatchesTheGolden()
    {
        QTemporaryDir tmp;
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("rollout"), dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const NpyArray got = readNpyF32(tmp.filePath(QStringLiteral("input.rollout.npy")).toStdString());
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const TensorView& e = expected.tensor("rollout_patches");
        QCOMPARE(got.shape, (std::vector<int64_t>{e.shape.begin(), e.shape.end()}));
        const std::vector<float> ev = toF32(e);
        const QJsonObject tol = tolerances_.value(QLatin1String("explainability")).toObject();
        const double atol = tol.value(QLatin1String("atol")).toDouble(),
                     rtol = tol.value(QLatin1String("rtol")).toDouble();
        QVERIFY(atol > 0 && atol <= 1e-4);
        for (size_t i = 0; i < ev.size(); ++i)
            QVERIFY2(std::fabs(double(got.data[i]) - ev[i]) <= atol + rtol * std::fabs(double(ev[i])),
                     qPrintable(QStringLiteral("[%1] %2 vs %3").arg(i).arg(got.data[i]).arg(ev[i])));
        const QImage png(tmp.filePath(QStringLiteral("input.rollout.png")));
        QCOMPARE(png.size(), QImage(dir_ + "/input.png").size());
        // The JSON line names the top class (the golden's) and the files.
        const QJsonObject row = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(row.value(QLatin1String("target")).toInt(), 4);
    }

    void otherForwardMethodsWriteMapsAndMetrics()
    {
        QTemporaryDir tmp;
        for (const QString& m :
             {QStringLiteral("attention"), QStringLiteral("occlusion"), QStringLiteral("rise")}) {
            const LoupeRun r = runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_,
                                         QStringLiteral("--method"), m, QStringLiteral("--masks"),
                                         QStringLiteral("64"), QStringLiteral("--target"),
                                         QStringLiteral("brown bear"), QStringLiteral("--metrics"),
                                         dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
            QVERIFY2(r.code == 0, qPrintable(m + ": " + r.err));
            const NpyArray a = readNpyF32(tmp.filePath("input." + m + ".npy").toStdString());
            QCOMPARE(a.shape, (std::vector<int64_t>{4, 4}));
            QVERIFY(std::any_of(a.data.begin(), a.data.end(), [](float v) { return v != 0.0f; }));
            QVERIFY(QFile::exists(tmp.filePath("input." + m + ".png")));
            QFile mf(tmp.filePath("input." + m + ".metrics.json"));
            QVERIFY(mf.open(QIODevice::ReadOnly));
            const QJsonObject metrics = QJsonDocument::fromJson(mf.readAll()).object();
            const double del = metrics.value(QLatin1String("deletion_auc")).toDouble(-1);
            QVERIFY(del >= 0 && del <= 1);
            // Every curve starts from (or, for insertion, ends at) the untouched image, so they must all
            // agree on its probability; a curve scored on the wrong image or target breaks this.
            const QJsonObject curves = metrics.value(QLatin1String("curves")).toObject();
            QCOMPARE(curves.size(), 6);
            auto scores = [&](const char* name) {
                return curves.value(QLatin1String(name)).toObject().value(QLatin1String("scores")).toArray();
            };
            const double original = scores("deletion_zero").first().toDouble();
            QVERIFY(original > 0 && original <= 1);
            QCOMPARE(scores("deletion_zero").size(), 21);
            for (const char* name : {"deletion_blur", "positive_perturbation", "negative_perturbation"})
                QVERIFY2(std::abs(scores(name).first().toDouble() - original) < 1e-5, name);
            for (const char* name : {"insertion_blur", "insertion_zero"})
                QVERIFY2(std::abs(scores(name).last().toDouble() - original) < 1e-5, name);
            for (const char* name : {"deletion_blur_auc", "insertion_blur_auc", "insertion_zero_auc",
                                     "positive_perturbation_auc", "negative_perturbation_auc"}) {
                const double auc = metrics.value(QLatin1String(name)).toDouble(-1);
                QVERIFY2(auc >= 0 && auc <= 1, name);
            }
            QCOMPARE(metrics.value(QLatin1String("deletion_zero_auc")).toDouble(), del);
        }
    }

    void headImportanceTable()
    {
        QTemporaryDir tmp;
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("head-importance"), QStringLiteral("--target"), QStringLiteral("4"),
                      dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const NpyArray a =
            readNpyF32(tmp.filePath(QStringLiteral("input.head-importance.npy")).toStdString());
        QCOMPARE(a.shape, (std::vector<int64_t>{3, 4}));
        QFile jf(tmp.filePath(QStringLiteral("input.head-importance.json")));
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(jf.readAll()).object();
        QCOMPARE(j.value(QLatin1String("ranking")).toArray().size(), 12);
        // Removing a head changes the logit for at least one head (the mask reaches the graph).
        QVERIFY(std::any_of(a.data.begin(), a.data.end(), [](float v) { return std::fabs(v) > 1e-6f; }));
        // The baseline is the unablated logit (the golden's top logit).
        const double top =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("logit")).toDouble();
        QVERIFY(std::fabs(j.value(QLatin1String("baseline_logit")).toDouble() - top) < 1e-4);
    }

    void cheferMatchesGoldenEndToEnd()
    {
        // image -> preprocess -> forward -> backward -> Chefer relevancy -> .npy, against transformers.
        QTemporaryDir tmp;
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("chefer"), dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const NpyArray got = readNpyF32(tmp.filePath(QStringLiteral("input.chefer.npy")).toStdString());
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const std::vector<float> ev = toF32(expected.tensor("chefer"));
        QCOMPARE(got.data.size(), ev.size());
        const QJsonObject tol = tolerances_.value(QLatin1String("explainability")).toObject();
        const double atol = tol.value(QLatin1String("atol")).toDouble(),
                     rtol = tol.value(QLatin1String("rtol")).toDouble();
        for (size_t i = 0; i < ev.size(); ++i)
            QVERIFY2(std::fabs(double(got.data[i]) - ev[i]) <= atol + rtol * std::fabs(double(ev[i])),
                     qPrintable(QStringLiteral("[%1] %2 vs %3").arg(i).arg(got.data[i]).arg(ev[i])));
        // Input × gradient and integrated gradients produce non-trivial maps on the grid.
        for (const QString& m : {QStringLiteral("input-x-grad"), QStringLiteral("integrated-gradients")}) {
            const LoupeRun g = runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_,
                                         QStringLiteral("--method"), m, dir_ + "/input.png",
                                         QStringLiteral("-o"), tmp.path()});
            QVERIFY2(g.code == 0, qPrintable(m + ": " + g.err));
            const NpyArray a = readNpyF32(tmp.filePath("input." + m + ".npy").toStdString());
            QCOMPARE(a.shape, (std::vector<int64_t>{4, 4}));
            QVERIFY(std::any_of(a.data.begin(), a.data.end(), [](float v) { return v != 0.0f; }));
        }
    }

    void gradcamMap()
    {
        QTemporaryDir tmp;
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("gradcam"), dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const NpyArray a = readNpyF32(tmp.filePath(QStringLiteral("input.gradcam.npy")).toStdString());
        QCOMPARE(a.shape, (std::vector<int64_t>{4, 4}));
        // Grad-CAM ends in a ReLU: nothing negative, and this model's top class has some positive evidence.
        QVERIFY(std::all_of(a.data.begin(), a.data.end(), [](float v) { return v >= 0.0f; }));
        QVERIFY(std::any_of(a.data.begin(), a.data.end(), [](float v) { return v > 0.0f; }));
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("input.gradcam.png"))));
    }

    void badRequestsAreRefused()
    {
        QTemporaryDir tmp;
        const LoupeRun r = runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_,
                                     QStringLiteral("--method"), QStringLiteral("no-such-method"),
                                     dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("unknown method")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("gradcam")), qPrintable(r.err)); // the list names every method
        const LoupeRun bad =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("rollout"), QStringLiteral("--target"), QStringLiteral("no-such-class"),
                      dir_ + "/input.png", QStringLiteral("-o"), tmp.path()});
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains(QLatin1String("no-such-class")));
        const LoupeRun missing =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), dir_, QStringLiteral("--method"),
                      QStringLiteral("rollout"), tmp.filePath(QStringLiteral("nope.png")),
                      QStringLiteral("-o"), tmp.path()});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains(QLatin1String("nope.png")));
    }
    void qualityHarnessOnAFewShapes()
    {
        const QString models = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/");
        const LoupeRun r = runLoupe(
            {QStringLiteral("explain-quality"), QStringLiteral("--model"), models + "shapes-vit",
             QStringLiteral("--random-model"), models + "shapes-vit-random", QStringLiteral("--count"),
             QStringLiteral("3"), QStringLiteral("--methods"), QStringLiteral("attention,rollout,occlusion"),
             QStringLiteral("--steps"), QStringLiteral("4")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j.value(QLatin1String("images")).toInt(), 3);
        const QJsonObject methods = j.value(QLatin1String("methods")).toObject();
        QCOMPARE(methods.keys(), (QStringList{"attention", "occlusion", "rollout"}));
        for (const QString& m : methods.keys()) {
            const QJsonObject o = methods.value(m).toObject();
            for (const char* k :
                 {"pointing_accuracy", "positive_relevance_inside", "deletion_auc", "insertion_auc"}) {
                const double v = o.value(QLatin1String(k)).toDouble(-1);
                QVERIFY2(v >= 0 && v <= 1, qPrintable(m + " " + k));
            }
            const double rho = o.value(QLatin1String("randomisation_spearman")).toDouble(2);
            QVERIFY(rho >= -1 && rho <= 1);
        }
        // A method it does not know is refused rather than silently skipped.
        QCOMPARE(
            runLoupe({QStringLiteral("explain-quality"), QStringLiteral("--model"), models + "shapes-vit",
                      QStringLiteral("--methods"), QStringLiteral("no-such-method")})
                .code,
            2);
    }
};

QTEST_GUILESS_MAIN(TestCliExplain)
#include "tst_cli_explain.moc"
