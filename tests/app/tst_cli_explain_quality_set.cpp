// SPDX-License-Identifier: MIT
// `loupe explain-quality --set` with the SmoothGrad plugin from the build tree: the setting reaches the
// method (its map, hence its scores, changes with the noise) and is reported with its scores; a key no
// measured method has is refused naming the ones they have.
#include "common/runloupe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

const QString kModel = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/shapes-vit");

QJsonObject smoothgrad(const LoupeRun& r)
{
    return QJsonDocument::fromJson(r.out.toUtf8())
        .object()
        .value(QLatin1String("methods"))
        .toObject()
        .value(QLatin1String("smoothgrad"))
        .toObject();
}

} // namespace

class TestCliExplainQualitySet : public QObject
{
    Q_OBJECT
    QTemporaryDir m_home;

    LoupeRun quality(const QStringList& sets)
    {
        QStringList args{QStringLiteral("explain-quality"),
                         QStringLiteral("--model"),
                         kModel,
                         QStringLiteral("--methods"),
                         QStringLiteral("smoothgrad,rollout"),
                         QStringLiteral("--count"),
                         QStringLiteral("1"),
                         QStringLiteral("--steps"),
                         QStringLiteral("2")};
        for (const QString& s : sets)
            args << QStringLiteral("--set") << s;
        return runLoupe(args);
    }

private slots:
    void initTestCase()
    {
        qputenv("LOUPE_PLUGIN_PATH", LOUPE_BINARY_DIR "/plugins");
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());
    }

    void settingReachesTheMethodAndTheReport()
    {
        const LoupeRun plain = quality({QStringLiteral("samples=1"), QStringLiteral("noise=0")});
        QVERIFY2(plain.code == 0, qPrintable(plain.err));
        const QJsonObject a = smoothgrad(plain);
        QCOMPARE(a.value(QLatin1String("settings")).toObject(),
                 (QJsonObject{{QStringLiteral("samples"), 1}, {QStringLiteral("noise"), 0.0}}));
        const LoupeRun noisy =
            quality({QStringLiteral("smoothgrad:samples=1"), QStringLiteral("smoothgrad:noise=2")});
        QVERIFY2(noisy.code == 0, qPrintable(noisy.err));
        const QJsonObject b = smoothgrad(noisy);
        QCOMPARE(b.value(QLatin1String("settings")).toObject().value(QLatin1String("noise")).toDouble(), 2.0);
        // Another map scores otherwise: the curves differ somewhere.
        QVERIFY2(a.value(QLatin1String("mean_deletion_curve")) !=
                         b.value(QLatin1String("mean_deletion_curve")) ||
                     a.value(QLatin1String("mean_insertion_curve")) !=
                         b.value(QLatin1String("mean_insertion_curve")) ||
                     a.value(QLatin1String("positive_relevance_inside")) !=
                         b.value(QLatin1String("positive_relevance_inside")),
                 qPrintable(plain.out + noisy.out));
    }

    void badKeyIsRefusedNamingTheChoices()
    {
        const LoupeRun r = quality({QStringLiteral("sampels=3")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("'sampels'")) &&
                     r.err.contains(QStringLiteral("smoothgrad:samples")),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliExplainQualitySet)
#include "tst_cli_explain_quality_set.moc"
