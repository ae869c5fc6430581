// SPDX-License-Identifier: MIT
// `loupe plugins [--json]` run as a user would: plugins from LOUPE_PLUGIN_PATH and the user's folder,
// listed with where they came from and what they provide; the refused ones with the file and why.
// Plugins load at startup, so other commands see what they add.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run loupe(const QStringList& args, const QString& dataHome)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LOUPE_PLUGIN_PATH"),
               QStringLiteral(LOUPE_PLUGIN_BUILD_DIR ":" LOUPE_BAD_PLUGIN_DIR));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LOUPE_EXE), args);
    p.waitForFinished(120000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestPluginsCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

private slots:
    void jsonListsLoadedAndRefused()
    {
        // A plugin in the user's folder counts too, with its origin.
        const QString userDir = m_home.filePath(QStringLiteral("Loupe/Loupe/plugins"));
        QVERIFY(QDir().mkpath(userDir));
        QFile garbage(userDir + QStringLiteral("/libbroken.so"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a library");
        garbage.close();

        const Run r = loupe({QStringLiteral("plugins"), QStringLiteral("--json")}, m_home.path());
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(root.value(QStringLiteral("api_version")).toString(), QStringLiteral("1.0"));
        QStringList loaded;
        for (const QJsonValue& v : root.value(QStringLiteral("loaded")).toArray()) {
            loaded << v[QStringLiteral("name")].toString();
            QCOMPARE(v[QStringLiteral("origin")].toString(), QStringLiteral("LOUPE_PLUGIN_PATH"));
        }
        loaded.sort();
        QCOMPARE(loaded, (QStringList{QStringLiteral("example-center-box"), QStringLiteral("kitti"),
                                      QStringLiteral("smoothgrad")}));
        QHash<QString, QString> refused; // file name -> reason
        for (const QJsonValue& v : root.value(QStringLiteral("refused")).toArray()) {
            const QString file = v[QStringLiteral("file")].toString();
            const QString reason = v[QStringLiteral("reason")].toString();
            QVERIFY2(reason.startsWith(file + QStringLiteral(": ")), qPrintable(reason));
            refused.insert(QFileInfo(file).fileName(), reason);
        }
        QVERIFY2(refused.value(QStringLiteral("libloupe_test_wrong_major.so"))
                     .contains(QStringLiteral("plugin API 2")),
                 r.out.constData());
        QVERIFY(refused.value(QStringLiteral("libloupe_test_not_plugin.so"))
                    .contains(QStringLiteral("not a Qt plugin")));
        QVERIFY(
            refused.value(QStringLiteral("libloupe_test_no_symbol.so")).contains(QStringLiteral("symbol")));
        QVERIFY(refused.contains(QStringLiteral("libbroken.so")));
        QVERIFY(refused.value(QStringLiteral("libloupe_test_unresolved.so"))
                    .contains(QStringLiteral("cannot be loaded")));
        QCOMPARE(refused.size(), 8);
    }

    void textNamesFoldersAndReasons()
    {
        const Run r = loupe({QStringLiteral("plugins")}, m_home.path());
        QCOMPARE(r.code, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QStringLiteral("Loaded (3)")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("provides: format:kitti, importer:kitti")));
        QVERIFY(out.contains(
            QStringLiteral(LOUPE_BAD_PLUGIN_DIR "/libloupe_test_newer_minor.so: built for plugin API 1.9")));
    }

    void otherCommandsSeeWhatPluginsAdd()
    {
        const Run r = loupe({QStringLiteral("explain"), QStringLiteral("--help")}, m_home.path());
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("smoothgrad"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestPluginsCommand)
#include "tst_command.moc"
