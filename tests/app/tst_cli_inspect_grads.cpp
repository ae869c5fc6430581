// SPDX-License-Identifier: MIT
// `loupe inspect --grads` on the golden vit_classify case: attn_grads.{i} and input_grad (gradients of the
// top class's logit) must match transformers' autograd within the golden tolerances; --target picks
// another class (by index or label), which must change the gradients; bad targets are usage errors.
#include "common/golden.h"
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/io/safetensors.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliInspectGrads : public QObject
{
    Q_OBJECT
    QString dir_;

    LoupeRun inspect(const QString& out, const QStringList& extra)
    {
        return runLoupe(QStringList{QStringLiteral("inspect"), QStringLiteral("--model"), dir_, dir_ + "/input.png",
                                    QStringLiteral("-o"), out, QStringLiteral("--threads"), QStringLiteral("1")} +
                        extra);
    }

private slots:
    void initTestCase() { dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify")); }

    void gradientsMatchTransformers()
    {
        QTemporaryDir tmp;
        const QString outPath = tmp.filePath(QStringLiteral("grads.safetensors"));
        const LoupeRun r = inspect(outPath, {QStringLiteral("--grads")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const SafetensorsFile actual = SafetensorsFile::open(outPath.toStdString());
        const SafetensorsFile expected = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        // Without --target the top class is differentiated: the golden gradients are of top_class.
        QCOMPARE(actual.metadata().at("target_class"),
                 std::to_string(int64_t(toF32(expected.tensor("top_class")).at(0))));
        int compared = 0;
        for (const std::string name : {"attn_grads.0", "attn_grads.1", "attn_grads.2", "input_grad", "logits",
                                       "attentions.2"}) {
            const TensorView* a = actual.find(name);
            QVERIFY2(a, name.c_str());
            QCOMPARE(a->shape, expected.tensor(name).shape);
            const QString qn = QString::fromStdString(name);
            const QString err = loupe::test::compareClose(qn, toF32(*a), expected.tensor(name),
                                                          loupe::test::goldenTolerance(dir_, qn));
            QVERIFY2(err.isEmpty(), qPrintable(err));
            ++compared;
        }
        QCOMPARE(compared, 6);
        QVERIFY(!actual.find("attn_grads.3"));

        // Only the gradients, selected by pattern.
        const LoupeRun sub = inspect(outPath, {QStringLiteral("--grads"), QStringLiteral("--tensors"),
                                               QStringLiteral("attn_grads.*,input_grad")});
        QVERIFY2(sub.code == 0, qPrintable(sub.err));
        QCOMPARE(SafetensorsFile::open(outPath.toStdString()).names(),
                 (std::vector<std::string>{"attn_grads.0", "attn_grads.1", "attn_grads.2", "input_grad"}));
    }

    void targetByIndexOrLabel()
    {
        QTemporaryDir tmp;
        const QString byIndex = tmp.filePath(QStringLiteral("i.safetensors")),
                      byLabel = tmp.filePath(QStringLiteral("l.safetensors"));
        LoupeRun r = inspect(byIndex, {QStringLiteral("--grads"), QStringLiteral("--target"), QStringLiteral("1")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = inspect(byLabel, {QStringLiteral("--grads"), QStringLiteral("--target"),
                              QStringLiteral("golden retriever")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const SafetensorsFile a = SafetensorsFile::open(byIndex.toStdString());
        const SafetensorsFile b = SafetensorsFile::open(byLabel.toStdString());
        QCOMPARE(a.metadata().at("target_class"), std::string("1"));
        QCOMPARE(toF32(a.tensor("input_grad")), toF32(b.tensor("input_grad")));
        // Class 1 is not the golden top class: its gradients must not pass as the top class's.
        const SafetensorsFile expected = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        QVERIFY(!loupe::test::compareClose(QStringLiteral("input_grad"), toF32(a.tensor("input_grad")),
                                           expected.tensor("input_grad"),
                                           loupe::test::goldenTolerance(dir_, QStringLiteral("input_grad")))
                     .isEmpty());
    }

    void badTargetsAreUsageErrors()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("x.safetensors"));
        LoupeRun r = inspect(out, {QStringLiteral("--grads"), QStringLiteral("--target"), QStringLiteral("10")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QLatin1String("--target 10")));
        r = inspect(out, {QStringLiteral("--grads"), QStringLiteral("--target"), QStringLiteral("no such label")});
        QCOMPARE(r.code, 2);
        r = inspect(out, {QStringLiteral("--target"), QStringLiteral("3")}); // --target without --grads
        QCOMPARE(r.code, 2);
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCliInspectGrads)
#include "tst_cli_inspect_grads.moc"
