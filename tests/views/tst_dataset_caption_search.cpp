// SPDX-License-Identifier: MIT
// The browser over a real project finds images by their captions (the caption field filters through the
// store's AssetFilter, with the other filters), shows each image's first caption in its tooltip, and
// follows caption edits made after the list was loaded.
#include "common/testsupport.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/dataset/projectassetsource.h"

#include <QLineEdit>
#include <QListView>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestDatasetCaptionSearch : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<core::Project> m_project;
    QList<qint64> m_ids;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        m_project = core::Project::create(m_dir.filePath(QStringLiteral("search.loupe")), &error);
        QVERIFY2(m_project, qPrintable(error));
        QVector<core::AssetRecord> batch;
        for (int i = 0; i < 5; ++i) {
            core::AssetRecord r;
            r.absolutePath = QStringLiteral("/nowhere/img_%1.png").arg(i);
            r.sha256Hex = QString::number(i);
            r.width = 64;
            r.height = 48;
            r.split = i < 3 ? QStringLiteral("train") : QStringLiteral("val");
            batch << r;
        }
        QVERIFY(m_project->addAssets(batch, &error));
        for (const core::AssetRow& r : m_project->assetPage({}, 0, 5))
            m_ids << r.id;
        const QStringList captions{QStringLiteral("a red circle above a blue square"),
                                   QStringLiteral("two green triangles"), QString(),
                                   QStringLiteral("a RED CIRCLE alone"), QStringLiteral("50% grey")};
        for (int i = 0; i < 5; ++i)
            if (!captions[i].isEmpty())
                QVERIFY(core::addCaption(*m_project, m_ids[i], captions[i], QStringLiteral("manual"), {},
                                         &error));
        // A second caption does not replace the first in the browser.
        QVERIFY(core::addCaption(*m_project, m_ids[1], QStringLiteral("later caption"),
                                 QStringLiteral("manual"), {}, &error));
    }

    void theCaptionFieldFilters()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        DatasetPanel panel;
        panel.setModel(&model);
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 5 && model.rowAt(0), 5000);

        QTest::keyClicks(panel.captionSearchField(), QStringLiteral("red circle"));
        // Case-insensitive for ASCII letters, as the store's LIKE is.
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.rowCount() == 2 && model.rowAt(1), 5000);
        QCOMPARE(model.rowAt(0)->id, m_ids[0]);
        QCOMPARE(model.rowAt(1)->id, m_ids[3]);
        QCOMPARE(model.filter().captionText, QStringLiteral("red circle"));

        // With the other filters: only the training images among them.
        DatasetFilter f = model.filter();
        f.split = QStringLiteral("train");
        model.setFilter(f);
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.rowCount() == 1, 5000);

        // "%" is a character here, not a wildcard.
        panel.captionSearchField()->setText(QStringLiteral("50%"));
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.rowCount() == 1 && model.rowAt(0) &&
                                     model.rowAt(0)->id == m_ids[4],
                                 5000);
        panel.captionSearchField()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.rowCount() == 5, 5000);
    }

    void theFirstCaptionIsShown()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 5 && model.rowAt(4), 5000);
        QCOMPARE(model.data(model.index(1), DatasetModel::CaptionRole).toString(),
                 QStringLiteral("two green triangles"));
        QVERIFY(model.data(model.index(0), Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("“a red circle above a blue square”\n")));
        QCOMPARE(model.data(model.index(2), DatasetModel::CaptionRole).toString(), QString());
        QVERIFY(
            model.data(model.index(2), Qt::ToolTipRole).toString().startsWith(QStringLiteral("/nowhere")));

        // A caption added later shows after the rows are read again.
        QString error;
        QVERIFY(core::addCaption(*m_project, m_ids[2], QStringLiteral("an empty field"),
                                 QStringLiteral("manual"), {}, &error));
        model.reloadAssets({m_ids[2]});
        QTRY_COMPARE_WITH_TIMEOUT(model.data(model.index(2), DatasetModel::CaptionRole).toString(),
                                  QStringLiteral("an empty field"), 5000);
    }

    void screenshot()
    {
        DatasetModel model(projectAssetSourceFactory(m_project->path()));
        DatasetPanel panel;
        panel.setModel(&model);
        panel.resize(320, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.captionSearchField()->setText(QStringLiteral("circle"));
        QTRY_VERIFY_WITH_TIMEOUT(model.isCounted() && model.rowCount() == 2 && model.rowAt(1), 5000);
        QVERIFY(panel.grab().save(test::artifactDir() + QStringLiteral("/dataset_caption_search.png")));
    }
};

QTEST_MAIN(TestDatasetCaptionSearch)
#include "tst_dataset_caption_search.moc"
