// SPDX-License-Identifier: MIT
// The per-image text tables (captions, chat turns, tags) refuse bad input in the same words, naming the
// project; a refused edit writes nothing, and the run that made a row is kept or left NULL.
#include "core/store/assettags.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "core/store/qaturns.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

std::unique_ptr<Project> projectWithImage(const QString& file)
{
    QString error;
    auto p = Project::create(file, &error);
    if (!p) return nullptr;
    AssetRecord r;
    r.absolutePath = QStringLiteral("/images/0.png");
    r.sha256Hex = QStringLiteral("0");
    r.width = r.height = 8;
    return p->addAssets({r}, &error) ? std::move(p) : nullptr;
}

} // namespace

class TestStoreTextRows : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void refusalsNameTheProjectAndTheProblem()
    {
        const QString file = m_dir.filePath(QStringLiteral("refuse.loupe"));
        auto p = projectWithImage(file);
        QVERIFY(p);
        const QString m = QStringLiteral("model");
        QString error;
        QVERIFY(!addCaption(*p, 1, QStringLiteral(" "), m, std::nullopt, &error));
        QCOMPARE(error, file + QStringLiteral(": the caption is empty"));
        QVERIFY(!appendQaTurn(*p, 1, QStringLiteral("\t"), QStringLiteral("a"), m, std::nullopt, &error));
        QCOMPARE(error, file + QStringLiteral(": the question is empty"));
        QVERIFY(!addCaption(*p, 7, QStringLiteral("c"), m, std::nullopt, &error));
        QCOMPARE(error, file + QStringLiteral(": image 7 is not in the project"));
        QVERIFY(!appendQaTurn(*p, 7, QStringLiteral("q"), QStringLiteral("a"), m, std::nullopt, &error));
        QCOMPARE(error, file + QStringLiteral(": image 7 is not in the project"));
        QVERIFY(!setAssetTags(*p, 7, {QStringLiteral("x")}, &error));
        QCOMPARE(error, file + QStringLiteral(": image 7 is not in the project"));
        QVERIFY(!addCaption(*p, 1, QStringLiteral("c"), m, 4, &error));
        QCOMPARE(error, file + QStringLiteral(": run 4 is not in the project"));
        QVERIFY(!appendQaTurn(*p, 1, QStringLiteral("q"), QStringLiteral("a"), m, 4, &error));
        QCOMPARE(error, file + QStringLiteral(": run 4 is not in the project"));
        QVERIFY(!updateCaptionText(*p, 3, QStringLiteral("c"), &error));
        QCOMPARE(error, file + QStringLiteral(": caption 3 does not exist"));
        QVERIFY(!removeCaption(*p, 3, &error));
        QCOMPARE(error, file + QStringLiteral(": caption 3 does not exist"));
        // Without an error string the refusal is the same, silently.
        QVERIFY(!addCaption(*p, 7, QStringLiteral("c"), m, std::nullopt, nullptr));
        QVERIFY(!setAssetTags(*p, 7, {QStringLiteral("x")}, nullptr));
        QVERIFY(captionsOf(*p, 1).isEmpty());
        QVERIFY(qaTurnsOf(*p, 1).isEmpty());
        QVERIFY(!p->canUndo());
    }

    void runIsKeptOrNull()
    {
        auto p = projectWithImage(m_dir.filePath(QStringLiteral("runs.loupe")));
        QVERIFY(p);
        QString error;
        RunRecord run;
        run.assetId = 1;
        run.kind = QStringLiteral("ask");
        run.modelPath = QStringLiteral("/models/blip-vqa");
        const auto runId = p->addRun(run, &error);
        QVERIFY2(runId, qPrintable(error));
        QVERIFY2(addCaption(*p, 1, QStringLiteral("typed"), QStringLiteral("manual"), std::nullopt, &error),
                 qPrintable(error));
        QVERIFY2(addCaption(*p, 1, QStringLiteral("made"), QStringLiteral("model"), runId, &error),
                 qPrintable(error));
        QVERIFY2(appendQaTurn(*p, 1, QStringLiteral("q1"), QStringLiteral("a1"), QStringLiteral("manual"),
                              std::nullopt, &error),
                 qPrintable(error));
        QVERIFY2(appendQaTurn(*p, 1, QStringLiteral("q2"), QStringLiteral("a2"), QStringLiteral("model"),
                              runId, &error),
                 qPrintable(error));
        const QVector<CaptionRow> c = captionsOf(*p, 1);
        QCOMPARE(c.size(), 2);
        QVERIFY(!c[0].runId.has_value());
        QCOMPARE(c[1].runId, runId);
        const QVector<QaTurn> t = qaTurnsOf(*p, 1);
        QCOMPARE(t.size(), 2);
        QVERIFY(!t[0].runId.has_value());
        QCOMPARE(t[1].runId, runId);
    }
};

QTEST_GUILESS_MAIN(TestStoreTextRows)
#include "tst_store_text_rows.moc"
