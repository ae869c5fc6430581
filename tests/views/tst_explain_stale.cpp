// SPDX-License-Identifier: MIT
// The Explain view never shows a stale answer, on the sample project and its shapes ViT: switching images
// while a long run goes on replaces the targets at once with the new image's classes (top class selected
// unless a class is pinned); an overlay says on the canvas what made it (method, settings, target); an
// overlay of another image, method or a cancelled run leaves the canvas; a probed patch is outlined;
// the methods carry their human names; both Grad-CAM conventions run from the panel with a chosen block.
#include "common/testsupport.h"
#include "core/explain/forward_cache.h"
#include "core/explain/vit_session.h"
#include "core/store/project.h"
#include "sample_project_fixture.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/explain/targetpicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestExplainStale : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_projectPath;
    QString m_model;
    // Two images whose top classes differ, and their top classes.
    qint64 m_a = -1, m_b = -1;
    int m_topA = -1, m_topB = -1;
    QString m_pathA;

    std::unique_ptr<core::Project> open() { return sample_project_test::reopen(m_projectPath); }

    static bool waitReady(ExplainPanel& panel)
    {
        if (panel.isReady()) return true;
        QSignalSpy ready(&panel, &ExplainPanel::ready);
        return ready.wait(60000) && ready.first().first().toBool();
    }

    // Starts a run long enough to switch images under it.
    static void startLongRun(ExplainPanel& panel)
    {
        core::ExplainParams p;
        p.method = QStringLiteral("integrated-gradients");
        p.igSteps = 4096;
        panel.methodForm()->setParams(p);
        panel.setCurvesEnabled(false);
        QVERIFY(panel.explain());
        QVERIFY(panel.isExplaining());
    }

    static void cancelAndWait(ExplainPanel& panel)
    {
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        panel.cancel();
        QVERIFY(finished.count() == 1 || finished.wait(60000));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        m_projectPath = sample_project_test::createSample(m_dir, &error);
        QVERIFY2(!m_projectPath.isEmpty(), qPrintable(error));
        auto p = open();
        QVERIFY(p);
        m_model = p->models().first().path;
        const core::VitSession s = core::VitSession::open(m_model);
        for (const core::AssetRow& row : p->assetPage({}, 0, 40)) {
            const QString path = p->absolutePath(row.storedPath);
            const int top =
                core::forwardWithAttentions(s, core::toPlanar(s.pixelValues(path))).ranking().front();
            if (m_a < 0) {
                m_a = row.id;
                m_topA = top;
                m_pathA = path;
            } else if (top != m_topA) {
                m_b = row.id;
                m_topB = top;
                break;
            }
        }
        QVERIFY2(m_b >= 0, "the sample needs two images with different top classes");
    }

    void methodsHaveHumanNames()
    {
        MethodForm form;
        QStringList names;
        for (int i = 0; i < form.methodBox()->count(); ++i)
            names << form.methodBox()->itemText(i);
        for (const char* n : {"Input × gradient", "Chefer relevancy", "Attention rollout", "Raw attention",
                              "Grad-CAM (LayerNorm output)", "Grad-CAM (attention, Chefer)",
                              "Integrated gradients", "Occlusion", "RISE", "Head importance"})
            QVERIFY2(names.contains(QString::fromUtf8(n)), n);
        QCOMPARE(names.size(), MethodForm::methods().size());
        form.setMethod(QStringLiteral("gradcam-attn"));
        QCOMPARE(form.method(), QStringLiteral("gradcam-attn"));
        QCOMPARE(form.methodBox()->currentText(), QStringLiteral("Grad-CAM (attention, Chefer)"));
    }

    void targetFollowsImageSwitchDuringJob()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        QCOMPARE(panel.targetPicker()->target(), m_topA);
        startLongRun(panel);

        // At once: nothing of image A's classes is left selected.
        panel.setAsset(m_b);
        QCOMPARE(panel.targetPicker()->target(), -1);
        QCOMPARE(panel.targetPicker()->list()->count(), 0);
        // Image B's own forward runs beside the long run: its top class arrives before the run ends.
        QVERIFY(waitReady(panel));
        QVERIFY(panel.isExplaining());
        QCOMPARE(panel.targetPicker()->target(), m_topB);
        QVERIFY(panel.targetPicker()->list()->currentItem()->text().endsWith(QStringLiteral("%")));
        cancelAndWait(panel);
        QCOMPARE(panel.targetPicker()->target(), m_topB); // and it stays so after the run
        QVERIFY(!panel.layer()->hasMap());                // the run of A shows nothing on B

        // Back on A after the run: A's top class again, not B's.
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        QCOMPARE(panel.targetPicker()->target(), m_topA);
    }

    void pinnedTargetStays()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        QVERIFY(panel.targetPicker()->setTarget(m_topA));
        panel.targetPicker()->pinBox()->setChecked(true);
        panel.setAsset(m_b);
        QVERIFY(waitReady(panel));
        QCOMPARE(panel.targetPicker()->target(), m_topA);
        panel.targetPicker()->setPinned(false);
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        panel.setAsset(m_b);
        QVERIFY(waitReady(panel));
        QCOMPARE(panel.targetPicker()->target(), m_topB);
    }

    void overlayCarriesItsCaptionAndLeavesOnImageSwitch()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        // The live rollout says what it is.
        QVERIFY(panel.layer()->hasMap());
        QVERIFY2(panel.layer()->caption().startsWith(QStringLiteral("Attention rollout")),
                 qPrintable(panel.layer()->caption()));

        core::ExplainParams p;
        p.method = QStringLiteral("gradcam");
        p.layer = 2;
        panel.methodForm()->setParams(p);
        // Another method than the map shown: the map leaves rather than pass for a Grad-CAM.
        QVERIFY(!panel.layer()->hasMap());
        panel.setCurvesEnabled(false);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        const QString label = panel.shown().targetLabel;
        QVERIFY(!label.isEmpty());
        QCOMPARE(panel.layer()->caption(),
                 QStringLiteral("Grad-CAM (LayerNorm output) · block 2 · target %1").arg(label));
        QCOMPARE(panel.shown().params.layer, 2);

        // Image B has no stored explanation: nothing may remain on its canvas.
        panel.setAsset(m_b);
        QVERIFY(!panel.layer()->hasMap());
        QVERIFY(panel.layer()->caption().isEmpty());
        QVERIFY(waitReady(panel));
        QVERIFY(!panel.layer()->hasMap()); // Grad-CAM is not recomputed live
    }

    void overlayOfCancelledRunLeaves()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_b);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("rise");
        p.riseMasks = 100000;
        panel.methodForm()->setParams(p);
        QVERIFY(!panel.hasShown());
        panel.setCurvesEnabled(false);
        QVERIFY(panel.explain());
        QTRY_VERIFY_WITH_TIMEOUT(panel.layer()->hasMap(), 30000); // the growing estimate
        QVERIFY2(panel.layer()->caption().contains(QStringLiteral("estimate")),
                 qPrintable(panel.layer()->caption()));
        cancelAndWait(panel);
        QVERIFY(!panel.layer()->hasMap());
        QVERIFY(panel.layer()->caption().isEmpty());
    }

    void estimateOfAnotherImageLeaves()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_b);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("rise");
        p.riseMasks = 100000;
        panel.methodForm()->setParams(p);
        panel.setCurvesEnabled(false);
        QVERIFY(panel.explain());
        QTRY_VERIFY_WITH_TIMEOUT(panel.layer()->hasMap(), 30000);
        panel.setAsset(m_a); // the estimate belongs to B
        QVERIFY(!panel.layer()->hasMap() || !panel.layer()->caption().contains(QStringLiteral("RISE")));
        QTest::qWait(300); // further estimates of B arrive and must not be drawn on A
        QVERIFY(!panel.layer()->caption().contains(QStringLiteral("RISE")));
        cancelAndWait(panel);
        QVERIFY(!panel.layer()->caption().contains(QStringLiteral("RISE")));
    }

    void probedPatchIsOutlined()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        canvas.setImage(QImage(m_pathA), m_pathA);
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        QVERIFY(panel.layer()->probe().isEmpty());
        const QSize size = canvas.imageSize();
        panel.probeAt(QPointF((4 + 0.5) * size.width() / 12.0, (3 + 0.5) * size.height() / 12.0));
        const QRectF expected(4 * size.width() / 12.0, 3 * size.height() / 12.0, size.width() / 12.0,
                              size.height() / 12.0);
        QCOMPARE(panel.layer()->probe(), expected);
        QVERIFY(panel.layer()->caption().contains(QStringLiteral("token")));
        // Back to a method that reads no token: the marker goes.
        panel.methodForm()->setMethod(QStringLiteral("chefer"));
        QVERIFY(panel.layer()->probe().isEmpty());
    }

    void attentionGradCamFromThePanel()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_a);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("gradcam-attn");
        p.layer = 3;
        panel.methodForm()->setParams(p);
        QCOMPARE(panel.methodForm()->params().layer, 3);
        panel.setCurvesEnabled(false);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        const core::VitSession s = core::VitSession::open(m_model);
        const std::vector<float> cam =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_pathA)), panel.shown().target, p);
        QCOMPARE(panel.shown().grid, cam);
        QCOMPARE(panel.shown().params.layer, 3);
        QVERIFY(
            panel.layer()->caption().startsWith(QStringLiteral("Grad-CAM (attention, Chefer) · block 3")));
        // The stored run keeps the block.
        QVERIFY(panel.shownIsStored());
        const qint64 id = panel.shown().runId;
        panel.setAsset(m_b);
        panel.setAsset(m_a);
        QVERIFY(panel.showStored(id));
        QCOMPARE(panel.shown().params.layer, 3);
        QCOMPARE(panel.methodForm()->params().layer, 3);
    }
};

QTEST_MAIN(TestExplainStale)
#include "tst_explain_stale.moc"
