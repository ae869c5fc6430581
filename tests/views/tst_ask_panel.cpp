// SPDX-License-Identifier: MIT
// The Ask panel with the golden BLIP VQA checkpoint: an answer streams in and ends on the text `loupe ask`
// prints for the same image and question; clicking a word of it puts that token's map (its attention
// carried through the question to the image) on the canvas; the chat is kept in the project and comes
// back for the image; Cancel stops; a captioning folder is refused naming it. A screenshot of the panel
// goes to the test artifacts.
#include "common/testsupport.h"
#include "core/store/project.h"
#include "core/store/qaturns.h"
#include "core/store/records.h"
#include "tst_text_panel_fixture.h"
#include "views/ask/askpanel.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/heatmaplayer.h"
#include "views/text/decodingform.h"
#include "views/text/mapcontrols.h"
#include "views/text/tokeninspector.h"
#include "views/text/tokentextview.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

const QString kQuestion = QStringLiteral("what is on the table?");

} // namespace

class TestAskPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void answersLikeTheCliAndKeepsTheChat();
    void cancelStops();
    void notAVqaModel();
};

void TestAskPanel::answersLikeTheCliAndKeepsTheChat()
{
    const text_panel_test::GoldenAssetProject fx(QStringLiteral("blip_vqa"));
    QVERIFY2(fx.ok(), qPrintable(fx.error));

    ImageCanvas canvas;
    canvas.resize(400, 300);
    canvas.setImage(QImage(fx.image), fx.image);
    AskPanel panel(&canvas);
    panel.resize(440, 700);
    panel.show();
    text_panel_test::showAsset(panel, fx);
    QCOMPARE(panel.imagePath(), fx.image);
    QSignalSpy finished(&panel, &AskPanel::finished);
    QSignalSpy streamed(&panel, &AskPanel::textStreamed);
    panel.questionEdit()->setText(kQuestion);
    QTest::keyClick(panel.questionEdit(), Qt::Key_Return);
    QVERIFY(panel.isRunning());
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
    QCOMPARE(panel.turns().size(), 1);
    const GeneratedText answer = panel.turns().first().answer;
    QVERIFY(streamed.count() >= 1);
    QCOMPARE(streamed.last().first().toString(), answer.text);
    QVERIFY(panel.questionEdit()->text().isEmpty());
    QVERIFY(panel.history()->item(0)->text().contains(kQuestion));

    const QString cli = text_panel_test::cliText({QStringLiteral("ask"), QStringLiteral("--model"), fx.model,
                                                  QStringLiteral("--json"), fx.image, kQuestion});
    if (!cli.isEmpty()) QCOMPARE(answer.text, cli);

    // The chat is in the project, with the run that produced the answer.
    const QVector<core::QaTurn> stored = core::qaTurnsOf(*fx.project, fx.asset);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().question, kQuestion);
    QCOMPARE(stored.first().answer, answer.text.trimmed());
    QVERIFY(stored.first().runId.has_value());

    // Clicking a word shows its map on the canvas.
    TokenTextView* view = panel.inspector()->textView();
    QVERIFY(!view->words().isEmpty());
    const int k = int(view->words().size()) - 1;
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->wordRect(k).center());
    QCOMPARE(panel.inspector()->selectedWord(), k);
    HeatMapLayer* layer = panel.inspector()->layer();
    QVERIFY(canvas.layers().contains(layer));
    QVERIFY(layer->isVisible() && layer->hasMap());
    QCOMPARE(layer->rows(), answer.grid);
    const TokenWord w = view->words()[k];
    // Its map is the answer token's attention carried through the question to the image patches, by layer.
    const compute::TokenTrace& trace = answer.traces[size_t(w.first)];
    QVERIFY(panel.inspector()->mapControls()->layersBox()->isEnabled()); // last layer or all layers
    QCOMPARE(int(trace.patchMap(-1).size()), answer.grid * answer.grid);
    if (w.count == 1) QCOMPARE(layer->grid(), trace.patchMap(int(trace.crossAttention.size()) - 1));

    // Relevancy is computed when chosen, off the GUI thread, and drawn in place of the attention.
    QSignalSpy ready(&panel, &AskPanel::relevancyReady);
    panel.inspector()->mapControls()->sourceBox()->setCurrentIndex(1);
    QVERIFY(panel.isRunning());
    QVERIFY(ready.wait(120000));
    QVERIFY2(ready.first().first().toBool(), qPrintable(panel.lastError()));
    const GeneratedText& withRelevancy = panel.turns().first().answer;
    QCOMPARE(int(withRelevancy.relevancy.at(size_t(w.first)).size()), answer.grid * answer.grid);
    if (w.count == 1) QCOMPARE(layer->grid(), withRelevancy.relevancy[size_t(w.first)]);
    QVERIFY(layer->caption().contains(QStringLiteral("relevancy")));

    const QString shot = QDir(test::artifactDir()).filePath(QStringLiteral("ask_panel.png"));
    QApplication::processEvents();
    QVERIFY2(panel.grab().toImage().save(shot), qPrintable(shot));

    // Another panel on the same image finds the chat again.
    AskPanel again(nullptr);
    again.setProject(fx.project.get());
    again.setAsset(fx.asset);
    QCOMPARE(again.turns().size(), 1);
    QCOMPARE(again.turns().first().question, kQuestion);
    QCOMPARE(again.turns().first().answer.text, answer.text.trimmed());
}

void TestAskPanel::cancelStops()
{
    const QString model = test::goldenDir(QStringLiteral("blip_vqa"));
    AskPanel panel(nullptr);
    panel.setModelFolder(model);
    panel.setImagePath(QDir(model).filePath(QStringLiteral("input.png")));
    panel.decodingForm()->maxNewTokens()->setValue(200);
    QSignalSpy finished(&panel, &AskPanel::finished);
    QVERIFY(panel.ask(kQuestion));
    QVERIFY(!panel.ask(kQuestion)); // one at a time
    panel.cancel();
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(panel.turns().size(), 1);
    QVERIFY(panel.turns().first().answer.cancelled);
    QVERIFY(panel.turns().first().answer.tokens.size() < 19);
}

void TestAskPanel::notAVqaModel()
{
    const QString model = test::goldenDir(QStringLiteral("blip_caption"));
    AskPanel panel(nullptr);
    QVERIFY2(panel.minimumSizeHint().height() <= 300 && panel.minimumSizeHint().width() <= 400,
             qPrintable(QStringLiteral("%1x%2")
                            .arg(panel.minimumSizeHint().width())
                            .arg(panel.minimumSizeHint().height())));
    QVERIFY(!panel.ask(kQuestion));
    panel.setModelFolder(model);
    panel.setImagePath(QDir(model).filePath(QStringLiteral("input.png")));
    QVERIFY(!panel.ask(QStringLiteral("   ")));
    QVERIFY(panel.lastError().contains(QStringLiteral("question")));
    QSignalSpy finished(&panel, &AskPanel::finished);
    QVERIFY(panel.ask(kQuestion));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(panel.lastError().contains(QFileInfo(model).fileName()), qPrintable(panel.lastError()));
    QCOMPARE(panel.turns().size(), 0);
}

QTEST_MAIN(TestAskPanel)
#include "tst_ask_panel.moc"
