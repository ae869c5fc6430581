// SPDX-License-Identifier: MIT
// The Ask panel's chat and the image tags through the store: kept per image in order, each change one
// undoable edit, bad input refused naming the project and the problem.
#include "core/store/assettags.h"
#include "core/store/project.h"
#include "core/store/qaturns.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

std::unique_ptr<Project> projectWithImages(const QString& file, int n)
{
    QString error;
    auto p = Project::create(file, &error);
    if (!p) return nullptr;
    QVector<AssetRecord> batch;
    for (int i = 0; i < n; ++i) {
        AssetRecord r;
        r.absolutePath = QStringLiteral("/images/%1.png").arg(i);
        r.sha256Hex = QString::number(i);
        r.width = r.height = 8;
        batch << r;
    }
    return p->addAssets(batch, &error) ? std::move(p) : nullptr;
}

QStringList questions(const QVector<QaTurn>& turns)
{
    QStringList out;
    for (const QaTurn& t : turns)
        out << t.question;
    return out;
}

} // namespace

class TestStoreChatTags : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void chatKeepsOrderAndClearIsUndoable()
    {
        auto p = projectWithImages(m_dir.filePath(QStringLiteral("chat.loupe")), 2);
        QVERIFY(p);
        QString error;
        RunRecord run;
        run.assetId = 1;
        run.kind = QStringLiteral("ask");
        const auto runId = p->addRun(run);
        QVERIFY(runId);
        QVERIFY2(appendQaTurn(*p, 1, QStringLiteral("how many circles?"), QStringLiteral("2"),
                              QStringLiteral("model"), runId, &error),
                 qPrintable(error));
        QCOMPARE(p->undoText(), QStringLiteral("Ask"));
        QVERIFY(appendQaTurn(*p, 1, QStringLiteral("what colour?"), QStringLiteral("red")));
        QVERIFY(appendQaTurn(*p, 2, QStringLiteral("other image"), QStringLiteral("yes")));
        const QStringList expected{QStringLiteral("how many circles?"), QStringLiteral("what colour?")};
        QCOMPARE(questions(qaTurnsOf(*p, 1)), expected);
        QCOMPARE(qaTurnsOf(*p, 1).front().runId, runId);
        QCOMPARE(qaTurnsOf(*p, 1).front().answer, QStringLiteral("2"));

        QVERIFY2(p->undo(&error), qPrintable(error)); // the last append, on image 2
        QVERIFY(qaTurnsOf(*p, 2).isEmpty());
        QVERIFY2(clearQaTurns(*p, 1, &error), qPrintable(error));
        QCOMPARE(p->undoText(), QStringLiteral("Clear Chat"));
        QVERIFY(qaTurnsOf(*p, 1).isEmpty());
        QVERIFY2(p->undo(&error), qPrintable(error));
        const QVector<QaTurn> back = qaTurnsOf(*p, 1);
        QCOMPARE(questions(back), expected);
        QCOMPARE(back.front().runId, runId);
        QVERIFY2(p->redo(&error), qPrintable(error));
        QVERIFY(qaTurnsOf(*p, 1).isEmpty());

        // Clearing an empty chat is no edit.
        const int steps = p->undoActions().size();
        QVERIFY(clearQaTurns(*p, 1, &error));
        QCOMPARE(p->undoActions().size(), steps);
    }

    void chatRefusesBadInput()
    {
        const QString file = m_dir.filePath(QStringLiteral("badchat.loupe"));
        auto p = projectWithImages(file, 1);
        QVERIFY(p);
        QString error;
        QVERIFY(!appendQaTurn(*p, 1, QStringLiteral(" "), QStringLiteral("x"), QStringLiteral("model"),
                              std::nullopt, &error));
        QVERIFY2(error.contains(file) && error.contains(QLatin1String("question is empty")),
                 qPrintable(error));
        QVERIFY(!appendQaTurn(*p, 5, QStringLiteral("q"), QStringLiteral("a"), QStringLiteral("model"),
                              std::nullopt, &error));
        QVERIFY2(error.contains(QLatin1String("image 5")), qPrintable(error));
        QVERIFY(!appendQaTurn(*p, 1, QStringLiteral("q"), QStringLiteral("a"), QStringLiteral("model"), 3,
                              &error));
        QVERIFY2(error.contains(QLatin1String("run 3")), qPrintable(error));
        QCOMPARE(p->info().qaTurns, 0);
        QVERIFY(!p->canUndo());
    }

    void tagsAreCleanedAndUndoable()
    {
        auto p = projectWithImages(m_dir.filePath(QStringLiteral("tags.loupe")), 2);
        QVERIFY(p);
        QString error;
        QVERIFY(assetTags(*p, 1).isEmpty());
        QVERIFY2(setAssetTags(*p, 1,
                              {QStringLiteral(" night "), QStringLiteral(""), QStringLiteral("blurry"),
                               QStringLiteral("night")},
                              &error),
                 qPrintable(error));
        const QStringList first{QStringLiteral("night"), QStringLiteral("blurry")};
        QCOMPARE(assetTags(*p, 1), first);
        QVERIFY2(setAssetTags(*p, 1, {QStringLiteral("day")}, &error), qPrintable(error));
        QCOMPARE(assetTags(*p, 1), QStringList{QStringLiteral("day")});
        QVERIFY2(p->undo(&error), qPrintable(error));
        QCOMPARE(assetTags(*p, 1), first);
        QVERIFY2(setAssetTags(*p, 1, {}, &error), qPrintable(error));
        QVERIFY(assetTags(*p, 1).isEmpty());
        QVERIFY2(p->undo(&error), qPrintable(error));
        QCOMPARE(assetTags(*p, 1), first);
        QVERIFY2(p->undo(&error), qPrintable(error)); // the first set: untagged again
        QVERIFY(assetTags(*p, 1).isEmpty());
        QVERIFY(assetTags(*p, 2).isEmpty());

        QVERIFY(!setAssetTags(*p, 9, {QStringLiteral("x")}, &error));
        QVERIFY2(error.contains(QLatin1String("image 9")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestStoreChatTags)
#include "tst_store_chat_tags.moc"
