// SPDX-License-Identifier: MIT
// BLIP visual question answering parity with Hugging Face transformers on the golden blip_vqa case: the
// question's ids from the checkpoint's tokenizer, the image embeddings, the question encoder's states
// (bidirectional, cross-attending the image) and the greedy answer decoded from [DEC] over those states.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/blip.h"
#include "compute/text/tokenizer.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace loupe::compute;
using loupe::test::compareClose;
using loupe::test::goldenIds;
using loupe::test::goldenTolerance;

class TestBlipVqaGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject inputs_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<BlipForQuestionAnswering> model_;
    Tensor pixels_, imageEmbeds_;

    void check(const Tensor& actual, const std::string& name)
    {
        const TensorView& e = expected_->tensor(name);
        QVERIFY2(actual.shape() == e.shape,
                 qPrintable(QString::fromStdString(name + ": shape " + shapeString(actual.shape()) +
                                                   ", expected " + shapeString(e.shape))));
        const QString n = QString::fromStdString(name);
        const QString msg = compareClose(n, actual.toF32Vector(), e, goldenTolerance(dir_, n));
        QVERIFY2(msg.isEmpty(), qPrintable(msg));
    }

    generate::GenerationConfig settings() const
    {
        generate::GenerationConfig c = generate::GenerationConfig::fromModelFolder(dir_.toStdString());
        const QByteArray j = QJsonDocument(inputs_.value(QLatin1String("answer")).toObject()).toJson();
        c.merge(nlohmann::json::parse(j.toStdString()), "case.json");
        return c;
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("blip_vqa"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        inputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
        QVERIFY(!inputs_.isEmpty());
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        model_ = std::make_unique<BlipForQuestionAnswering>(
            BlipForQuestionAnswering::fromCheckpoint(Checkpoint::open(dir_.toStdString())));
        const TensorView& px = expected_->tensor("pixel_values");
        pixels_ = Tensor::fromF32(px.shape, toF32(px));
        imageEmbeds_ = model_->vision().forward(pixels_).imageEmbeds;
    }

    void questionTokens()
    {
        const auto tok = text::loadTokenizer(dir_.toStdString());
        const text::Encoding e =
            tok->encode(inputs_.value(QLatin1String("question")).toString().toStdString());
        QCOMPARE(e.ids, goldenIds(*expected_, "input_ids"));
        QCOMPARE(e.attentionMask, goldenIds(*expected_, "attention_mask"));
    }

    void imageEmbeds() { check(imageEmbeds_, "image_embeds"); }

    void questionEmbeds()
    {
        check(model_->encodeQuestion(goldenIds(*expected_, "input_ids"), imageEmbeds_).lastHiddenState,
              "question_embeds");
    }

    void answer()
    {
        const std::vector<int64_t> want = goldenIds(*expected_, "answer_ids");
        std::vector<int64_t> streamed;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t t) { streamed.push_back(t); };
        const auto r = model_->answer(pixels_, goldenIds(*expected_, "input_ids"), settings(), cb);
        QCOMPARE(r.sequences.front().tokens, want);
        QCOMPARE(streamed, std::vector<int64_t>(want.begin() + 1, want.end()));
        const auto tok = text::loadTokenizer(dir_.toStdString());
        QCOMPARE(QString::fromStdString(tok->decode(r.sequences.front().tokens)),
                 QStringLiteral("werehegg wereggas"));
    }

    // The question encoder sees the whole question: a later token changes an earlier position's state,
    // which a causal pass would not.
    void questionEncoderIsBidirectional()
    {
        std::vector<int64_t> q = goldenIds(*expected_, "input_ids");
        const std::vector<float> a = model_->encodeQuestion(q, imageEmbeds_).lastHiddenState.toF32Vector();
        q[q.size() - 2] = q[1];
        const std::vector<float> b = model_->encodeQuestion(q, imageEmbeds_).lastHiddenState.toF32Vector();
        QVERIFY(a.size() == b.size() && a.size() > 48);
        double diff = 0;
        for (size_t i = 0; i < 48; ++i) // position 0 ([CLS])
            diff += std::abs(a[i] - b[i]);
        QVERIFY2(diff > 1e-3, qPrintable(QString("position 0 moved by %1 only").arg(diff)));
    }

    void refusals()
    {
        try {
            BlipForQuestionAnswering::fromCheckpoint(
                Checkpoint::open(loupe::test::goldenDir(QStringLiteral("blip_caption")).toStdString()));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("this checkpoint is a BlipForConditionalGeneration"),
                     e.what());
        }
        try {
            model_->encodeQuestion(std::vector<int64_t>(65, 7), imageEmbeds_);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("max_position_embeddings"), e.what());
        }
        try {
            model_->encodeQuestion({}, imageEmbeds_);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("no tokens"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestBlipVqaGolden)
#include "tst_blip_vqa_golden.moc"
