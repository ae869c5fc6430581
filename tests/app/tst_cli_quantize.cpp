// SPDX-License-Identifier: MIT
// `loupe quantize` end to end on the shipped shapes classifier: an int8 folder that `loupe classify`
// runs at int8 and records as such, the accuracy report (JSON and markdown) with its top-1 agreement,
// and clear failures for bad arguments and hostile quantised checkpoints.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"
#include "compute/io/safetensors_writer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

QString shapesVit()
{
    return QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-vit");
}

} // namespace

class TestCliQuantize : public QObject
{
    Q_OBJECT
private slots:
    void int8WithReport()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("int8");
        const LoupeRun r =
            runLoupe({"quantize", shapesVit(), "--to", "int8", "-o", out, "--report", "--images", "60",
                      "--map-images", "4", "--goldens", QStringLiteral(LOUPE_GOLDEN_DIR)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("linear weights at int8"), qPrintable(r.out));
        const auto st = loupe::compute::SafetensorsFile::open((out + "/model.safetensors").toStdString());
        QCOMPARE(st.tensor("vit.encoder.layer.0.output.dense.weight").dtype, loupe::compute::DType::I8);
        QFile f(out + "/quantization_report.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(report["precision"].toString(), QStringLiteral("int8"));
        const QJsonArray logits = report["logits"].toArray();
        QCOMPARE(logits.size(), 2); // the shapes world and the golden classifier
        const QJsonObject shapes = logits[0].toObject();
        QCOMPARE(shapes["images"].toInt(), 60);
        QVERIFY(shapes["top1_agreement"].toDouble() >= 0.95);
        QVERIFY(shapes["max_abs_logit_error"].toDouble() > 0); // it really ran at int8
        QVERIFY(shapes["mean_abs_logit_error"].toDouble() <= shapes["max_abs_logit_error"].toDouble());
        const QJsonArray maps = report["maps"].toArray();
        QCOMPARE(maps.size(), 2);
        for (const QJsonValue& m : maps)
            QVERIFY(m.toObject()["mean_pearson"].toDouble() > 0.9);
        QVERIFY(QFile::exists(out + "/quantization_report.md"));

        // The folder classifies like any model, at the precision it was saved at.
        const QString image = QStringLiteral(LOUPE_GOLDEN_DIR "/vit_classify/input.png");
        const LoupeRun c = runLoupe({"classify", "--model", out, image, "--json"});
        QVERIFY2(c.code == 0, qPrintable(c.err));
        QVERIFY2(c.out.contains("\"precision\":\"int8\"") || c.out.contains("\"precision\": \"int8\""),
                 qPrintable(c.out));
    }

    void badArguments()
    {
        QTemporaryDir dir;
        LoupeRun r = runLoupe({"quantize", shapesVit(), "--to", "int4", "-o", dir.filePath("x")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--to takes bf16, f16 or int8"));
        r = runLoupe(
            {"quantize", shapesVit(), "--to", "bf16", "--group-size", "32", "-o", dir.filePath("x")});
        QCOMPARE(r.code, 2);
        r = runLoupe(
            {"quantize", shapesVit(), "--to", "int8", "--group-size", "7", "-o", dir.filePath("g7")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("group size 7 does not divide"), qPrintable(r.err));
        r = runLoupe({"quantize", shapesVit(), "--to", "int8", "-o", shapesVit()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("is the model folder itself"), qPrintable(r.err));
    }

    void hostileScaleNamedByClassify()
    {
        // A quantised folder whose scale has the wrong shape: classify names the file and the tensor.
        QTemporaryDir dir;
        const QString out = dir.filePath("int8");
        QCOMPARE(runLoupe({"quantize", shapesVit(), "--to", "int8", "-o", out}).code, 0);
        const std::string path = (out + "/model.safetensors").toStdString();
        loupe::compute::SafetensorsWriter w;
        {
            const auto st = loupe::compute::SafetensorsFile::open(path);
            for (const auto& t : st.tensors()) {
                if (t.name == "vit.encoder.layer.1.output.dense.weight_scale") {
                    std::vector<float> s(7, 1.f);
                    w.addF32(t.name, {7}, s.data());
                } else {
                    w.add(t.name, t.dtype, t.shape, t.data, t.nbytes);
                }
            }
        }
        w.write(path);
        const LoupeRun c = runLoupe(
            {"classify", "--model", out, QStringLiteral(LOUPE_GOLDEN_DIR "/vit_classify/input.png")});
        QCOMPARE(c.code, 1);
        QVERIFY2(c.err.contains("model.safetensors") &&
                     c.err.contains("'vit.encoder.layer.1.output.dense.weight_scale' has shape [7]"),
                 qPrintable(c.err));
    }
};

QTEST_MAIN(TestCliQuantize)
#include "tst_cli_quantize.moc"
