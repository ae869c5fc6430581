// SPDX-License-Identifier: MIT
// Registering a checkpoint folder checks what loading it would: a preprocessor_config.json with absurd
// sizes or factors, or one the model cannot take, and a config.json with a num_labels of 2^40, are
// refused with the file and field named instead of being listed as usable.
#include "common/testsupport.h"
#include "core/models/model_registry.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

QString copyGolden(const QTemporaryDir& tmp, const QString& name)
{
    const QString src = loupe::test::goldenDir(QStringLiteral("vit_classify"));
    const QString dst = tmp.filePath(name);
    QDir().mkpath(dst);
    for (const char* f : {"config.json", "preprocessor_config.json", "model.safetensors"})
        if (!QFile::copy(QDir(src).filePath(QLatin1String(f)), QDir(dst).filePath(QLatin1String(f))))
            return {};
    return dst;
}

bool replaceIn(const QString& path, const QByteArray& from, const QByteArray& to)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    QByteArray text = f.readAll();
    f.close();
    if (!text.contains(from)) return false;
    text.replace(from, to);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

} // namespace

class TestModelRegistryHostile : public QObject
{
    Q_OBJECT
private slots:
    void brokenSettingsAreRefusedAtRegistration()
    {
        QTemporaryDir tmp;
        ModelRegistry reg;
        const QString huge = copyGolden(tmp, QStringLiteral("huge"));
        QVERIFY(replaceIn(huge + "/preprocessor_config.json", "\"height\": 64", "\"height\": 65536"));
        QString err = reg.registerFolder(huge);
        QVERIFY2(
            err.contains(QStringLiteral("huge/preprocessor_config.json: field \"size.height\" (65536) is "
                                        "above the limit of 4096")),
            qPrintable(err));

        const QString rescale = copyGolden(tmp, QStringLiteral("rescale"));
        QVERIFY(replaceIn(rescale + "/preprocessor_config.json", "0.00392156862745098", "1e308"));
        err = reg.registerFolder(rescale);
        QVERIFY2(err.contains(QStringLiteral("field \"rescale_factor\"")), qPrintable(err));

        const QString mismatch = copyGolden(tmp, QStringLiteral("mismatch"));
        QVERIFY(replaceIn(mismatch + "/preprocessor_config.json", "\"height\": 64", "\"height\": 96"));
        err = reg.registerFolder(mismatch);
        QVERIFY2(err.contains(
                     QStringLiteral("gives 96x64 images but the model's config.json image_size is 64x64")),
                 qPrintable(err));

        const QString labels = copyGolden(tmp, QStringLiteral("labels"));
        QVERIFY(replaceIn(labels + "/config.json", "\"image_size\": 64,",
                          "\"image_size\": 64, \"num_labels\": 1099511627776,"));
        err = reg.registerFolder(labels);
        QVERIFY2(err.contains(QStringLiteral("labels/config.json: field \"num_labels\" (1099511627776)")),
                 qPrintable(err));

        QVERIFY(reg.registered().isEmpty());
        QCOMPARE(reg.registerFolder(copyGolden(tmp, QStringLiteral("fine"))), QString());
    }
};

QTEST_GUILESS_MAIN(TestModelRegistryHostile)
#include "tst_model_registry_hostile.moc"
