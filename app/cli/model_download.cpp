// SPDX-License-Identifier: MIT
// loupe model download: fetches a checkpoint's files from the Hugging Face Hub into the hub cache (or a
// plain folder) and prints the folder to open.
#include "app/cli/model_download.h"

#include "app/cli/command.h"
#include "core/models/hub_download.h"

#include <QElapsedTimer>
#include <QTextStream>

namespace loupe::cli {

namespace {

int usage(bool asked)
{
    QTextStream(asked ? stdout : stderr)
        << "usage: loupe model download REPO_ID [--revision R] [--endpoint URL] [--to DIR]\n\n"
           "Downloads the files Loupe reads (config and processor JSON, *.safetensors with their index,\n"
           "tokenizer files) of a Hugging Face Hub model repository and prints the folder holding them.\n"
           "Files go to the hub cache huggingface_hub uses ($HF_HUB_CACHE, $HF_HOME/hub, ...) unless --to\n"
           "names a plain folder. An interrupted download resumes where it stopped when run again. Every\n"
           "file is checked against the Hub's checksum before it is kept.\n\n"
           "  --revision R    branch, tag or commit (default main)\n"
           "  --endpoint URL  the Hub to ask (default $HF_ENDPOINT or https://huggingface.co)\n"
           "  --to DIR        write the files into DIR instead of the cache\n\n"
           "A gated or private repository needs a token in $HF_TOKEN. Exit status: 0 downloaded, 1 failed\n"
           "(the reason is printed), 2 usage error.\n";
    return asked ? ExitOk : ExitUsage;
}

} // namespace

int modelDownload(const QStringList& args)
{
    if (args.contains(QStringLiteral("--help"))) return usage(true);
    core::HubDownloadOptions o;
    QTextStream err(stderr);
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        QString* value = a == QLatin1String("--revision")   ? &o.revision
                         : a == QLatin1String("--endpoint") ? &o.endpoint
                         : a == QLatin1String("--to")       ? &o.toDir
                                                            : nullptr;
        if (value) {
            if (i + 1 >= args.size()) {
                err << "loupe model download: " << a << " needs a value\n";
                return ExitUsage;
            }
            *value = args[++i];
        } else if (a.startsWith(QLatin1String("--")) || !o.repoId.isEmpty()) {
            err << "loupe model download: unexpected argument '" << a << "'\n";
            return usage(false);
        } else {
            o.repoId = a;
        }
    }
    if (o.repoId.isEmpty()) return usage(false);

    // Progress on stderr about twice a second, so piping the folder from stdout stays clean.
    QElapsedTimer since;
    since.start();
    QString lastFile;
    const auto progress = [&](qint64 done, qint64 total, const QString& file) {
        if (file == lastFile && since.elapsed() < 500 && done < total) return;
        lastFile = file;
        since.restart();
        err << "  " << file << "  " << done / 1024 << " / " << total / 1024 << " KiB\n";
        err.flush();
    };
    const core::HubDownloadResult r = core::downloadFromHub(o, progress);
    if (!r.ok) {
        err << "loupe model download: " << r.error << "\n";
        return ExitFailure;
    }
    err << "loupe model download: " << o.repoId << " at " << r.commit << ": " << r.downloaded.size()
        << " file(s) downloaded\n";
    QTextStream(stdout) << r.folder << "\n";
    return ExitOk;
}

} // namespace loupe::cli
