// SPDX-License-Identifier: MIT
// The folder checks the captioner, the asker and the matcher share: each names the file and the problem in
// the same words whichever model opens the folder, before any image is read.
#include "common/testsupport.h"
#include "core/inference/asker.h"
#include "core/inference/captioner.h"
#include "core/inference/matcher.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace loupe;

namespace {

QString errorOf(const std::function<void()>& open)
{
    try {
        open();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

// The golden case `name` copied into tmp without `skip` and with each of `extra` (from other cases).
QString copyOfCase(QTemporaryDir& tmp, const QString& name, const QStringList& skip = {},
                   const QStringList& extra = {})
{
    const QString dir = test::goldenDir(name);
    for (const QString& f : QDir(dir).entryList(QDir::Files))
        if (!skip.contains(f)) QFile::copy(dir + "/" + f, tmp.filePath(f));
    for (const QString& f : extra)
        QFile::copy(f, tmp.filePath(QFileInfo(f).fileName()));
    return tmp.path();
}

// Rewrites the copy's preprocessor_config.json so images keep their own size.
bool keepImageSize(const QString& dir)
{
    QFile f(dir + "/preprocessor_config.json");
    if (!f.open(QIODevice::ReadOnly)) return false;
    QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    o.insert(QStringLiteral("do_resize"), false);
    o.insert(QStringLiteral("do_center_crop"), false);
    o.insert(QStringLiteral("do_pad"), false);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(QJsonDocument(o).toJson()) > 0;
}

struct Opener
{
    QString caseName;
    QString folderKind; // as the missing-processor error names the folder
    std::function<void(const QString&)> open;
};

std::vector<Opener> openers()
{
    return {
        {QStringLiteral("blip_caption"), QStringLiteral("captioning"),
         [](const QString& d) { core::openCaptioner(d, {}); }},
        {QStringLiteral("blip_vqa"), QStringLiteral("BLIP"),
         [](const QString& d) { core::Asker::open(d, {}); }},
        {QStringLiteral("clip_match"), QStringLiteral("CLIP"),
         [](const QString& d) { core::Matcher::open(d); }},
    };
}

} // namespace

class TestModelFolderChecks : public QObject
{
    Q_OBJECT

private slots:
    void missingProcessorIsNamed()
    {
        for (const Opener& o : openers()) {
            QTemporaryDir tmp;
            const QString dir = copyOfCase(tmp, o.caseName, {QStringLiteral("preprocessor_config.json")});
            const QString error = errorOf([&] { o.open(dir); });
            QVERIFY2(error.contains(tmp.path()), qPrintable(error));
            QVERIFY2(error.endsWith(QStringLiteral("preprocessor_config.json: missing: a %1 folder needs its "
                                                   "image processor settings")
                                        .arg(o.folderKind)),
                     qPrintable(error));
        }
    }

    void processorOfAnotherSizeIsRefused()
    {
        for (const Opener& o : openers()) {
            QTemporaryDir tmp;
            const QString dir = copyOfCase(tmp, o.caseName);
            QVERIFY(keepImageSize(dir));
            const QString error = errorOf([&] { o.open(dir); });
            QVERIFY2(error.contains(tmp.path()), qPrintable(error));
            QVERIFY2(error.endsWith(QLatin1String(
                         "preprocessor_config.json: images leave the processor at the image's own size but "
                         "the model takes 64x64 (config.json vision_config.image_size)")),
                     qPrintable(error));
        }
    }

    void tokenizerOfAnotherKindIsRefused()
    {
        const QString bertVocab = test::goldenDir(QStringLiteral("blip_caption")) + "/vocab.txt";
        struct Case
        {
            QString caseName;
            QStringList skip, extra;
            std::function<void(const QString&)> open;
            QString message;
        } cases[] = {
            {QStringLiteral("clip_match"),
             {QStringLiteral("vocab.json"), QStringLiteral("merges.txt"),
              QStringLiteral("tokenizer_config.json"), QStringLiteral("special_tokens_map.json")},
             {bertVocab},
             [](const QString& d) { core::Matcher::open(d); },
             QStringLiteral(": the tokenizer is bert, not the CLIP tokenizer CLIPModel needs")},
            {QStringLiteral("vit_gpt2_caption"),
             {QStringLiteral("vocab.json"), QStringLiteral("merges.txt"),
              QStringLiteral("tokenizer_config.json"), QStringLiteral("special_tokens_map.json"),
              QStringLiteral("tokenizer.json")},
             {bertVocab},
             [](const QString& d) { core::openCaptioner(d, {}); },
             QStringLiteral(": the tokenizer is bert, not the GPT-2 tokenizer (vocab.json + merges.txt) the "
                            "decoder needs")},
        };
        for (const Case& c : cases) {
            QTemporaryDir tmp;
            const QString dir = copyOfCase(tmp, c.caseName, c.skip, c.extra);
            const QString error = errorOf([&] { c.open(dir); });
            QVERIFY2(error.contains(tmp.path()) && error.endsWith(c.message), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestModelFolderChecks)
#include "tst_model_folder_checks.moc"
