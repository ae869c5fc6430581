// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

namespace loupe::core {

struct HubDownloadOptions
{
    QString repoId;                // "owner/name"
    QString revision = "main";     // branch, tag or commit
    QString endpoint;              // empty: $HF_ENDPOINT or https://huggingface.co
    QString token;                 // empty: $HF_TOKEN or the saved login token
    QString cacheDir;              // empty: the hub cache huggingface_hub uses
    QString toDir;                 // set: a plain folder instead of the cache layout
    int retries = 3;               // resumptions of a dropped transfer, each with a Range request
    int transferTimeoutMs = 60000; // a connection silent this long counts as dropped
};

struct HubDownloadResult
{
    bool ok = false;
    bool stopped = false;   // the caller asked to stop; partial files are kept and resumed next time
    QString error;          // what went wrong, naming the repository or file
    QString folder;         // the checkpoint folder (cache snapshot or toDir)
    QString commit;         // the commit the revision resolved to
    QStringList downloaded; // files transferred this time (others were already present)
};

// Bytes done and expected over all files of the download, and the file being transferred.
using HubProgress = std::function<void(qint64 done, qint64 total, const QString& file)>;

// Downloads the checkpoint files of a repository revision (see checkpointFiles) and blocks until done,
// running its own event loop, so call it from a worker thread or a command-line tool. Files are
// written as huggingface_hub does: CACHE/models--owner--name/blobs/ETAG, snapshots/COMMIT/FILE linking
// to the blob, refs/REVISION holding the commit. Each transfer goes to a .incomplete file that a later
// call resumes with an HTTP Range request; sizes and checksums (sha256 for LFS files, the git blob sha1
// otherwise) are checked before a file is moved into place. Setting `stop` ends the download soon after.
HubDownloadResult downloadFromHub(const HubDownloadOptions& options, const HubProgress& progress = {},
                                  const std::atomic<bool>* stop = nullptr);

} // namespace loupe::core
