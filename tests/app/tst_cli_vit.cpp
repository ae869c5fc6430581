// SPDX-License-Identifier: MIT
// The ViT commands of the `loupe` binary, end to end on the golden vit_classify case: `inspect` must
// reproduce transformers' tensors (decoding, preprocessing and the engine together), `classify` its
// top class, `model info` its description; bad input gives a clear error and a non-zero exit.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"

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

class TestCliVit : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonObject tolerances_, tensors_;

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(f.readAll()).object();
        tolerances_ = c.value(QLatin1String("tolerances")).toObject();
        tensors_ = c.value(QLatin1String("tensors")).toObject();
    }

    void inspectMatchesTransformers()
    {
        QTemporaryDir tmp;
        const QString outPath = tmp.filePath(QStringLiteral("out.safetensors"));
        const LoupeRun r = runLoupe({QStringLiteral("inspect"), QStringLiteral("--model"), dir_,
                                     dir_ + "/input.png", QStringLiteral("-o"), outPath});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const SafetensorsFile actual = SafetensorsFile::open(outPath.toStdString());
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        // Every tensor the engine can produce: pixel_values, logits, hidden_states.*, attentions.*.
        QCOMPARE(int(actual.tensors().size()), 1 + 1 + 4 + 3);
        for (const TensorView& a : actual.tensors()) {
            const TensorView& e = expected.tensor(a.name);
            QCOMPARE(a.dtype, DType::F32);
            QCOMPARE(a.shape, e.shape);
            const QString group = tensors_.value(QString::fromStdString(a.name))
                                      .toObject()
                                      .value(QLatin1String("group"))
                                      .toString();
            const QJsonObject tol = tolerances_.value(group).toObject();
            const double atol = tol.value(QLatin1String("atol")).toDouble(),
                         rtol = tol.value(QLatin1String("rtol")).toDouble();
            QVERIFY2(atol > 0, qPrintable(QString::fromStdString(a.name)));
            const std::vector<float> av = toF32(a), ev = toF32(e);
            for (size_t i = 0; i < av.size(); ++i)
                QVERIFY2(
                    std::fabs(double(av[i]) - double(ev[i])) <= atol + rtol * std::fabs(double(ev[i])),
                    qPrintable(QString("%1[%2]: %3 vs %4").arg(a.name.c_str()).arg(i).arg(av[i]).arg(ev[i])));
        }
        // A subset by pattern.
        const LoupeRun sub = runLoupe({QStringLiteral("inspect"), QStringLiteral("--model"), dir_,
                                       dir_ + "/input.png", QStringLiteral("-o"), outPath,
                                       QStringLiteral("--tensors"), QStringLiteral("attentions.*,logits")});
        QCOMPARE(sub.code, 0);
        QCOMPARE(SafetensorsFile::open(outPath.toStdString()).names(),
                 (std::vector<std::string>{"attentions.0", "attentions.1", "attentions.2", "logits"}));
    }

    void classifyJson()
    {
        const LoupeRun r =
            runLoupe({QStringLiteral("classify"), QStringLiteral("--model"), dir_, dir_ + "/input.png",
                      dir_ + "/input.png", QStringLiteral("--json"), QStringLiteral("--topk"),
                      QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        for (const QString& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            QCOMPARE(o.value(QLatin1String("image")).toString(), dir_ + "/input.png");
            const QJsonArray top = o.value(QLatin1String("top")).toArray();
            QCOMPARE(top.size(), 3);
            QCOMPARE(top[0].toObject().value(QLatin1String("index")).toInt(), 4);
            QCOMPARE(top[0].toObject().value(QLatin1String("label")).toString(),
                     QStringLiteral("brown bear"));
            const double p0 = top[0].toObject().value(QLatin1String("prob")).toDouble();
            const double p1 = top[1].toObject().value(QLatin1String("prob")).toDouble();
            QVERIFY(p0 >= p1 && p0 < 1 && p1 > 0);
            QVERIFY(std::fabs(top[0].toObject().value(QLatin1String("logit")).toDouble() - 1.55936) < 1e-3);
        }
    }

    void modelInfo()
    {
        const LoupeRun r = runLoupe({QStringLiteral("model"), QStringLiteral("info"), dir_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("ViTForImageClassification")));
        QVERIFY(r.out.contains(QLatin1String("95,242")));
        QVERIFY(r.out.contains(QLatin1String("f32")));
    }

    void badInputIsAClearError()
    {
        QTemporaryDir tmp;
        LoupeRun r = runLoupe(
            {QStringLiteral("classify"), QStringLiteral("--model"), tmp.path(), dir_ + "/input.png"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QLatin1String("config.json")));
        r = runLoupe({QStringLiteral("classify"), QStringLiteral("--model"), dir_,
                      tmp.filePath(QStringLiteral("none.png"))});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QLatin1String("none.png")));
        r = runLoupe({QStringLiteral("classify"), QStringLiteral("--model"), dir_});
        QCOMPARE(r.code, 2);
        r = runLoupe({QStringLiteral("inspect"), QStringLiteral("--model"), dir_, dir_ + "/input.png",
                      QStringLiteral("-o"), tmp.filePath(QStringLiteral("x.safetensors")),
                      QStringLiteral("--tensors"), QStringLiteral("nothing*")});
        QCOMPARE(r.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliVit)
#include "tst_cli_vit.moc"
