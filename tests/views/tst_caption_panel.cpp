// SPDX-License-Identifier: MIT
// The Caption panel with the golden captioning checkpoints: Generate streams and ends on the text
// `loupe caption` prints for the same image; clicking a word puts that token's cross-attention on the
// canvas; double-clicking an alternative adds a branch whose token there is the alternative and whose
// words before it are the caption's; Cancel stops decoding; a folder that is no captioner is reported
// with its path. A screenshot of the panel goes to the test artifacts.
#include "common/testsupport.h"
#include "views/canvas/imagecanvas.h"
#include "views/caption/captionpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/text/alternativestree.h"
#include "views/text/decodingform.h"
#include "views/text/mapcontrols.h"
#include "views/text/tokeninspector.h"
#include "views/text/tokenmap.h"
#include "views/text/tokentextview.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

// What `loupe caption --json` prints for the image, or an empty string when the executable is not built.
QString cliCaption(const QString& model, const QString& image)
{
    const QString exe = QStringLiteral(LOUPE_BINARY_DIR "/bin/loupe");
    if (!QFileInfo(exe).isExecutable()) return {};
    QProcess p;
    p.start(exe,
            {QStringLiteral("caption"), QStringLiteral("--model"), model, QStringLiteral("--json"), image});
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        return QStringLiteral("<failed: %1>").arg(QString::fromUtf8(p.readAllStandardError()));
    return QJsonDocument::fromJson(p.readAllStandardOutput())
        .object()
        .value(QStringLiteral("text"))
        .toString();
}

bool waitFinished(CaptionPanel& panel, QSignalSpy& spy)
{
    return spy.count() > 0 || spy.wait(120000);
}

} // namespace

class TestCaptionPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void vitGpt2();
    void blipMatchesCli();
    void cancelStops();
    void notACaptioner();
};

void TestCaptionPanel::vitGpt2()
{
    const QString model = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
    const QString image = QDir(model).filePath(QStringLiteral("input.png"));
    ImageCanvas canvas;
    canvas.resize(400, 300);
    canvas.setImage(QImage(image), image);
    CaptionPanel panel(&canvas);
    panel.resize(440, 760);
    panel.show();
    panel.setModelFolder(model);
    panel.setImagePath(image);
    QSignalSpy finished(&panel, &CaptionPanel::finished);
    QSignalSpy streamed(&panel, &CaptionPanel::textStreamed);
    QTest::mouseClick(panel.generateButton(), Qt::LeftButton);
    QVERIFY(waitFinished(panel, finished));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
    QCOMPARE(panel.variantCount(), 1);
    const GeneratedText caption = panel.variant(0); // a copy: branching adds variants
    QVERIFY(streamed.count() >= 1); // the text came in as it was produced, not only at the end
    QCOMPARE(streamed.last().first().toString(), caption.text);

    const QString cli = cliCaption(model, image);
    if (cli.isEmpty()) QSKIP("build the loupe executable to compare with `loupe caption`");
    QCOMPARE(caption.text, cli);
    TokenTextView* view = panel.inspector()->textView();
    QCOMPARE(view->toPlainText(), cli.simplified());

    // Clicking word 1 shows its token's last-layer cross-attention on the canvas.
    QVERIFY(view->words().size() >= 3);
    const int k = 1;
    const TokenWord word = view->words()[k];
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->wordRect(k).center());
    QCOMPARE(panel.inspector()->selectedWord(), k);
    HeatMapLayer* layer = panel.inspector()->layer();
    QVERIFY(canvas.layers().contains(layer));
    QVERIFY(layer->isVisible());
    QVERIFY(layer->hasMap());
    QCOMPARE(layer->rows(), caption.grid);
    const compute::TokenTrace& trace = caption.traces[size_t(word.first)];
    const std::vector<float> last = trace.patchMap(int(trace.crossAttention.size()) - 1);
    if (word.count == 1) QCOMPARE(layer->grid(), last);
    QVERIFY(layer->caption().contains(word.text));
    QVERIFY(!view->wordToolTip(k).isEmpty());
    // "All layers mean" redraws it from every layer.
    panel.inspector()->mapControls()->layersBox()->setCurrentIndex(1);
    if (word.count == 1) QCOMPARE(layer->grid(), trace.patchMap(-1));
    QCOMPARE(layer->grid(),
             tokenRangeMap(caption, word.first, word.count, MapLayers::Mean, MapSource::CrossAttention));

    // Double-clicking an alternative at token 3 branches: token 3 is the alternative, tokens 1-2 the
    // caption's.
    const int step = 2;
    const TokenPiece& piece = caption.pieces[size_t(step)];
    int64_t alt = -1;
    for (const TokenAlternative& a : piece.alternatives)
        if (a.id != piece.id) {
            alt = a.id;
            break;
        }
    QVERIFY(alt >= 0);
    AlternativesTree* tree = panel.inspector()->alternatives();
    QTreeWidgetItem* item = tree->alternativeItem(step, alt);
    QVERIFY(item);
    item->parent()->setExpanded(true);
    tree->scrollToItem(item);
    const QPoint at = tree->visualItemRect(item).center();
    QCOMPARE(tree->itemAt(at), item);
    QSignalSpy requested(tree, &AlternativesTree::branchRequested);
    // QTest's double click alone leaves the view without the press it pairs with: click, then double-click.
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(requested.count(), 1);
    QVERIFY2(panel.isRunning() || finished.count() == 2, qPrintable(panel.lastError()));
    QVERIFY(finished.count() == 2 || finished.wait(120000));
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QCOMPARE(panel.variantCount(), 2);
    QCOMPARE(panel.variantList()->count(), 2);
    QCOMPARE(panel.currentVariant(), 1);
    const GeneratedText& branch = panel.variant(1);
    QVERIFY(branch.tokens.size() > size_t(step));
    QCOMPARE(branch.tokens[size_t(step)], alt);
    QCOMPARE(std::vector<int64_t>(branch.tokens.begin(), branch.tokens.begin() + step),
             std::vector<int64_t>(caption.tokens.begin(), caption.tokens.begin() + step));
    QCOMPARE(branch.traces.size(), branch.pieces.size() - (branch.tokens.size() - branch.traces.size()));
    QCOMPARE(branch.traces[size_t(step)].token, alt);
    // The first variant is still there, side by side.
    panel.variantList()->setCurrentRow(0);
    QCOMPARE(panel.inspector()->generated().tokens, caption.tokens);
    panel.variantList()->setCurrentRow(1);
    panel.inspector()->selectWord(0);

    QApplication::processEvents();
    const QString shot = QDir(test::artifactDir()).filePath(QStringLiteral("caption_panel.png"));
    QVERIFY2(panel.grab().toImage().save(shot), qPrintable(shot));
    const QString onCanvas = QDir(test::artifactDir()).filePath(QStringLiteral("caption_panel_canvas.png"));
    QVERIFY2(canvas.grab().toImage().save(onCanvas), qPrintable(onCanvas));
}

void TestCaptionPanel::blipMatchesCli()
{
    const QString model = test::goldenDir(QStringLiteral("blip_caption"));
    const QString image = QDir(model).filePath(QStringLiteral("input.png"));
    CaptionPanel panel(nullptr);
    panel.setModelFolder(model);
    panel.setImagePath(image);
    QSignalSpy finished(&panel, &CaptionPanel::finished);
    QVERIFY(panel.generate());
    QVERIFY(!panel.generate()); // one run at a time
    QVERIFY(panel.lastError().contains(QStringLiteral("wait or cancel")));
    QVERIFY(waitFinished(panel, finished));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
    const GeneratedText caption = panel.variant(0); // a copy: branching adds variants
    QCOMPARE(caption.pieces.size(), caption.tokens.size());
    QVERIFY(!caption.traces.empty());
    const QString cli = cliCaption(model, image);
    if (cli.isEmpty()) QSKIP("build the loupe executable to compare with `loupe caption`");
    QCOMPARE(caption.text, cli);
}

void TestCaptionPanel::cancelStops()
{
    const QString model = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
    const QString image = QDir(model).filePath(QStringLiteral("input.png"));
    CaptionPanel panel(nullptr);
    panel.setModelFolder(model);
    panel.setImagePath(image);
    panel.decodingForm()->maxNewTokens()->setValue(200); // more than the golden model's 20
    QSignalSpy finished(&panel, &CaptionPanel::finished);
    QVERIFY(panel.generate());
    QVERIFY(panel.cancelButton()->isEnabled());
    QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
    QVERIFY(waitFinished(panel, finished));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(panel.variantCount(), 1);
    QVERIFY(panel.variant(0).cancelled);
    QVERIFY(panel.variant(0).tokens.size() < 20);
    QVERIFY(panel.variantList()->item(0)->text().contains(QStringLiteral("cancelled")));
    QVERIFY(!panel.cancelButton()->isEnabled());
    QVERIFY(panel.generateButton()->isEnabled());
}

void TestCaptionPanel::notACaptioner()
{
    const QString model = test::goldenDir(QStringLiteral("vit_classify"));
    const QString image =
        QDir(test::goldenDir(QStringLiteral("vit_gpt2_caption"))).filePath(QStringLiteral("input.png"));
    CaptionPanel panel(nullptr);
    QVERIFY(!panel.generate());
    QVERIFY(panel.lastError().contains(QStringLiteral("model")));
    panel.setModelFolder(model);
    panel.setImagePath(image);
    QSignalSpy finished(&panel, &CaptionPanel::finished);
    QVERIFY(panel.generate());
    QVERIFY(waitFinished(panel, finished));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(panel.lastError().contains(QFileInfo(model).fileName()), qPrintable(panel.lastError()));
    QCOMPARE(panel.variantCount(), 0);
    QVERIFY(panel.inspector()->textView()->toPlainText().contains(QFileInfo(model).fileName()));
}

QTEST_MAIN(TestCaptionPanel)
#include "tst_caption_panel.moc"
