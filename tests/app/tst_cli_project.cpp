// SPDX-License-Identifier: MIT
#include "core/store/project.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliProject : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    int loupe(const QStringList& args, QByteArray* out = nullptr, QByteArray* err = nullptr)
    {
        QProcess p;
        p.start(QStringLiteral(LOUPE_EXE), args);
        if (!p.waitForFinished(30000))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

private slots:
    void newAndInfo()
    {
        const QString path = m_tmp.filePath(QStringLiteral("cli project.loupe"));
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("new"), path}), 0);
        QByteArray out, err;
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("info"), path, QStringLiteral("--json")}, &out), 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        // A new project is created at the newest schema this build knows.
        QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(), loupe::core::Project::kSchemaVersion);
        QCOMPARE(o.value(QStringLiteral("integrity")).toString(), QStringLiteral("ok"));
        QCOMPARE(o.value(QStringLiteral("assets")).toInt(), 0);
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("info"), path}, &out), 0);
        QVERIFY(out.contains("integrity:    ok"));
        // A second `new` refuses to overwrite.
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("new"), path}, nullptr, &err), 1);
        QVERIFY(err.contains("already exists"));
    }
    void errors()
    {
        QByteArray out, err;
        QCOMPARE(loupe({QStringLiteral("project")}, nullptr, &err), 2);
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("--help")}, &out), 0);
        QVERIFY(out.contains("Usage"));
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("frobnicate"), QStringLiteral("x")}, nullptr, &err), 2);
        const QString missing = m_tmp.filePath(QStringLiteral("missing.loupe"));
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("info"), missing}, nullptr, &err), 1);
        QVERIFY(err.contains("no such file"));
        const QString text = m_tmp.filePath(QStringLiteral("text.loupe"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello");
        f.close();
        QCOMPARE(loupe({QStringLiteral("project"), QStringLiteral("info"), text}, nullptr, &err), 1);
        QVERIFY(err.contains("not an SQLite database"));
    }
};

QTEST_GUILESS_MAIN(TestCliProject)
#include "tst_cli_project.moc"
