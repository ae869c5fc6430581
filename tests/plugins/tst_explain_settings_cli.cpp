// SPDX-License-Identifier: MIT
// `loupe explain --method smoothgrad --set KEY=VALUE` through the real binary with the SmoothGrad plugin
// from the build tree: the values reach the method (the number of gradient passes, the noise), are
// recorded in the output line, and a key the method does not have is refused naming the ones it has.
#include "common/runloupe.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <vector>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

const QString kModel = QStringLiteral(LOUPE_SOURCE_DIR "/resources/models/shapes-vit");

// The float32 values of a version-1 .npy file; empty when it is not one.
std::vector<float> readNpy(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY")) return {};
    const int header = uchar(bytes[8]) | (uchar(bytes[9]) << 8);
    const QByteArray data = bytes.mid(10 + header);
    std::vector<float> values(size_t(data.size()) / sizeof(float));
    std::memcpy(values.data(), data.constData(), values.size() * sizeof(float));
    return values;
}

// The largest difference between two maps relative to the largest value; 1 for different sizes.
double relativeDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.empty() || a.size() != b.size()) return 1;
    double diff = 0, scale = 1e-12;
    for (size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, double(std::abs(a[i] - b[i])));
        scale = std::max(scale, double(std::abs(a[i])));
    }
    return diff / scale;
}

} // namespace

class TestExplainSettingsCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir, m_home;
    QString m_image;

    // The map's .npy and the JSON line of one run, in its own output folder.
    LoupeRun explain(const QString& out, const QStringList& sets)
    {
        QStringList args{QStringLiteral("explain"),  QStringLiteral("--model"),    kModel,
                         QStringLiteral("--method"), QStringLiteral("smoothgrad"), QStringLiteral("--batch"),
                         QStringLiteral("1"),        QStringLiteral("--progress"), m_image,
                         QStringLiteral("-o"),       m_dir.filePath(out)};
        for (const QString& s : sets)
            args << QStringLiteral("--set") << s;
        return runLoupe(args);
    }

    std::vector<float> npy(const QString& out) const
    {
        return readNpy(m_dir.filePath(out + QStringLiteral("/square.smoothgrad.npy")));
    }

private slots:
    void initTestCase()
    {
        qputenv("LOUPE_PLUGIN_PATH", LOUPE_PLUGIN_BUILD_DIR);
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());
        QImage image(64, 64, QImage::Format_RGB888);
        image.fill(Qt::white);
        QPainter(&image).fillRect(16, 20, 28, 24, Qt::red);
        m_image = m_dir.filePath(QStringLiteral("square.png"));
        QVERIFY(image.save(m_image));
    }

    void helpListsTheMethodsSettings()
    {
        const LoupeRun r = runLoupe({QStringLiteral("explain"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("smoothgrad: samples (default 16)")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("smoothgrad: noise (default 0.15)")), qPrintable(r.out));
    }

    void settingsReachTheMethod()
    {
        // samples is the number of gradient passes (one copy per pass with --batch 1).
        LoupeRun r =
            explain(QStringLiteral("three"), {QStringLiteral("samples=3"), QStringLiteral("noise=0")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("3/3 passes")), qPrintable(r.err));
        const QJsonObject row =
            QJsonDocument::fromJson(r.out.trimmed().split(QLatin1Char('\n')).last().toUtf8()).object();
        QCOMPARE(row.value(QStringLiteral("settings")).toObject(),
                 (QJsonObject{{QStringLiteral("samples"), 3}, {QStringLiteral("noise"), 0.0}}));

        // Without noise every copy is the image itself: one sample gives the same map as three.
        r = explain(QStringLiteral("one"), {QStringLiteral("samples=1"), QStringLiteral("noise=0")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("1/1 passes")), qPrintable(r.err));
        QVERIFY(!npy(QStringLiteral("one")).empty());
        QVERIFY(relativeDifference(npy(QStringLiteral("one")), npy(QStringLiteral("three"))) < 1e-5);

        // With noise it is another map.
        r = explain(QStringLiteral("noisy"), {QStringLiteral("samples=1"), QStringLiteral("noise=0.3")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(relativeDifference(npy(QStringLiteral("noisy")), npy(QStringLiteral("one"))) > 1e-3);
    }

    void badSettingsAreRefusedNamingTheChoices()
    {
        LoupeRun r = explain(QStringLiteral("bad"), {QStringLiteral("sampels=3")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no setting 'sampels'; it has samples, noise")),
                 qPrintable(r.err));
        r = explain(QStringLiteral("bad"), {QStringLiteral("noise=lots")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("'lots'")), qPrintable(r.err));
        // The method's own range check names the setting.
        r = explain(QStringLiteral("bad"), {QStringLiteral("samples=0")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("samples")), qPrintable(r.err));
        // A built-in method has nothing to set.
        r = runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), kModel,
                      QStringLiteral("--method"), QStringLiteral("rollout"), QStringLiteral("--set"),
                      QStringLiteral("samples=3"), m_image, QStringLiteral("-o"),
                      m_dir.filePath(QStringLiteral("bad"))});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("has no settings")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestExplainSettingsCli)
#include "tst_explain_settings_cli.moc"
