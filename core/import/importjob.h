// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <atomic>
#include <functional>

namespace loupe::core {

class Project;

struct ImportFailure
{
    QString path;
    QString reason; // "FILE: reason", ready to show
};

struct ImportReport
{
    int total = 0; // image files found
    int added = 0;
    int duplicates = 0; // already in the project, or the same bytes twice in this import
    QVector<ImportFailure> failed;
    bool canceled = false;
    QString error; // set when the project itself could not be opened or written
};

using ProgressCallback = std::function<void(int done, int total)>;

// Files are committed in batches of this many records, each batch in one transaction: a crash or
// SIGKILL mid-import leaves every batch either fully present or absent.
inline constexpr int kImportBatchSize = 256;

// Synchronous import (the CLI, tests, ImportJob's worker). Probes files on the global thread pool,
// skips content already in the project, writes one transaction per batch. `progress` is called on
// the calling thread after each committed batch; `cancel` is checked between files.
// Videos named among `paths` (by extension, or a file that is no image by extension but opens as a
// video) are imported as frames, every `videoStride`-th (importVideo in videoimport.h), after the
// images; the report sums both. Videos inside folders are not looked for. DICOM files (named, or
// found in folders by their preamble) are images; a multi-frame one becomes a frame sequence
// (importDicomFrames in dicomimport.h).
ImportReport importFiles(Project& project, const QStringList& paths, const ProgressCallback& progress = {},
                         std::atomic<bool>* cancel = nullptr, int batchSize = kImportBatchSize,
                         int videoStride = 1);

// Background import for the GUI. Project is a QObject owned by the GUI thread and is not shared:
// the job opens its OWN Project connection to `projectPath` on its worker thread (SQLite in WAL mode
// lets it write while the GUI's connection keeps reading). The GUI's Project sees the new rows on
// its next query; listen to finished() to refresh.
class ImportJob : public QObject
{
    Q_OBJECT
public:
    explicit ImportJob(QString projectPath, QObject* parent = nullptr);
    ~ImportJob() override; // cancels and waits for the worker

    void start(const QStringList& paths, int videoStride = 1);
    void cancel();
    bool isRunning() const { return running_.load(); }

signals:
    void progress(int done, int total);
    void finished(const loupe::core::ImportReport& report);

private:
    QString projectPath_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    QFuture<void> future_;
};

} // namespace loupe::core

Q_DECLARE_METATYPE(loupe::core::ImportReport)
