// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace loupe::core {

// What the Hub says about one revision of a model repository (GET
// {endpoint}/api/models/{repo}/revision/{rev}).
struct HubRepoInfo
{
    QString commit;    // the "sha" the revision resolves to
    QStringList files; // every sibling's rfilename
};

// Empty when `repoId` is a valid "owner/name" or "name"; otherwise why it is not.
QString hubRepoIdProblem(const QString& repoId);

// The files of a repository Loupe reads when it opens a checkpoint folder: config and processor JSON,
// safetensors weights (shards and their index), tokenizer files. PyTorch, ONNX, TF and Flax weights and
// anything in subfolders are left on the Hub.
bool isCheckpointFile(const QString& name);
QStringList checkpointFiles(const QStringList& siblings);

// Parses the API answer; empty commit (and `problem` set) when it is not what the Hub sends.
HubRepoInfo parseHubRepoInfo(const QByteArray& json, QString* problem);

QUrl hubRepoInfoUrl(const QString& endpoint, const QString& repoId, const QString& revision);
QUrl hubResolveUrl(const QString& endpoint, const QString& repoId, const QString& revision,
                   const QString& file);

// "models--owner--name", the repository's folder in the hub cache.
QString hubCacheFolderName(const QString& repoId);

// $HF_ENDPOINT or https://huggingface.co, without a trailing slash.
QString hubEndpoint(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
// $HF_TOKEN, else the token file huggingface-cli login writes ($HF_TOKEN_PATH or $HF_HOME/token).
QString hubToken(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

// An ETag header without W/ and quotes: a sha256 (64 hex) for LFS files, a git blob sha1 (40 hex) otherwise.
QString normalizeEtag(const QByteArray& header);

} // namespace loupe::core
