// SPDX-License-Identifier: MIT
#pragma once

#include "core/store/database.h"
#include "core/store/records.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QVector>

#include <functional>
#include <memory>
#include <optional>

namespace loupe::core {

// One open .loupe project: a single SQLite file. Every user edit is one transaction recorded in an
// undo log kept inside the file, so there is no Save and undo survives closing the project.
// A Project belongs to the thread that opened it; workers open their own (WAL allows it).
class Project : public QObject
{
    Q_OBJECT
public:
    // v1 by migration 0->1; 1->2 adds annotation z-order and done; 2->3 adds the annotation editor's
    // undo history tables; 3->4 label definitions and image tags with foreign keys; 4->5 undoable chat
    // turns and tags, per-image caption and chat indexes; 5->6 assets' sequence and frame (videos
    // imported as frames).
    static constexpr int kSchemaVersion = 7;

    // nullptr + *error naming the file and the problem for: missing file (open), not SQLite, truncated,
    // quick_check failure, newer schema, or busy (another process held its lock longer than
    // busyTimeoutMs(); never reported as damage). A refused file is never modified. See filecheck.h for
    // how a WAL left by a crash is recovered before the checks.
    static std::unique_ptr<Project> create(const QString& path, QString* error);
    static std::unique_ptr<Project> open(const QString& path, QString* error);
    ~Project() override;

    QString path() const;
    ProjectInfo info() const;
    bool saveAs(const QString& target, QString* error);
    QString storedPath(const QString& absolutePath) const;
    QString absolutePath(const QString& storedPath) const;

    struct AddResult
    {
        int added = 0;
        int duplicates = 0;
    };
    std::optional<AddResult> addAssets(const QVector<AssetRecord>& batch, QString* error);
    bool containsSha256(const QString& sha256Hex) const;
    std::optional<AssetRow> asset(qint64 id) const;
    qint64 countAssets(const AssetFilter& filter) const;
    QVector<AssetRow> assetPage(const AssetFilter& filter, qint64 offset, int limit) const;
    QStringList splits() const;

    // Sequences: the frames of a video, or the images of a folder, in playing order (see SequenceFrame
    // in records.h). Propagation and frame stepping walk these. Implemented in projectsequences.cpp.
    //
    // The sequence an asset belongs to: its `sequence` name when it has one, else its folder.
    // nullopt for an unknown asset.
    std::optional<SequenceKey> sequenceOf(qint64 assetId) const;
    // Every frame of a sequence in order: a named one by (frame, path), a folder's images by file name
    // with numbers compared by value (frame_2 before frame_10), leaving out images that have a sequence
    // name of their own.
    QVector<SequenceFrame> sequenceFrames(const SequenceKey& key) const;
    // The frames of the sequence assetId belongs to, in order (empty for an unknown asset).
    QVector<SequenceFrame> sequenceFramesOf(qint64 assetId) const;
    // The asset `step` places after (step > 0) or before (step < 0) assetId in its sequence; nullopt
    // past either end or for an unknown asset.
    std::optional<qint64> neighbourFrame(qint64 assetId, int step = 1) const;
    struct SequencePosition
    {
        int index = 0; // 0-based place of the asset in its sequence
        int count = 0; // frames in the sequence
        std::optional<qint64> frame; // the source frame index (videos)
    };
    std::optional<SequencePosition> sequencePosition(qint64 assetId) const;
    // Names of the named sequences (imported videos), sorted.
    QStringList sequenceNames() const;

    bool setSplit(const QList<qint64>& assetIds, const QString& split, QString* error = nullptr);
    bool setReviewState(const QList<qint64>& assetIds, int state, QString* error = nullptr);
    // Marks images done (or not done) as one undoable edit.
    bool setDone(const QList<qint64>& assetIds, bool done, QString* error = nullptr);
    QVector<Label> labels() const;
    std::optional<qint64> addLabel(const Label& label, QString* error = nullptr);
    bool updateLabel(const Label& label, QString* error = nullptr);
    bool removeLabel(qint64 id, QString* error = nullptr);

    std::optional<qint64> addRun(const RunRecord& run, QString* error = nullptr);
    QVector<RunRecord> runs(qint64 assetId, const QString& kind = {}) const;
    std::optional<qint64> registerModel(const ModelRecord& model, QString* error = nullptr);
    QVector<ModelRecord> models() const;

    bool storeThumbnail(qint64 assetId, const QByteArray& encoded);
    QByteArray thumbnail(qint64 assetId) const;
    QList<qint64> assetsWithoutThumbnail(int limit) const;

    bool canUndo() const;
    bool canRedo() const;
    QString undoText() const;
    QString redoText() const;
    bool undo(QString* error = nullptr);
    bool redo(QString* error = nullptr);
    // The action undo() would undo / redo() would redo next, and every recorded action oldest first,
    // so an editor can fold these steps into its own undo stack (annotation::ProjectAnnotations).
    std::optional<qint64> undoActionId() const { return lastAction(false); }
    std::optional<qint64> redoActionId() const { return lastAction(true); }
    struct UndoAction
    {
        qint64 id = 0;
        QString name;
        bool undone = false;
    };
    QVector<UndoAction> undoActions() const;
    // Forgets every undone action (the redo branch), as a new edit does.
    bool discardRedo(QString* error = nullptr);
    bool edit(const QString& actionName, const std::function<bool(Database&)>& work, QString* error = nullptr);
    Database& db();

signals:
    void changed();
    void historyChanged();

private:
    explicit Project(const QString& path);
    bool replay(bool undoing, QString* error);
    std::optional<qint64> lastAction(bool undone) const;

    QString m_path;
    QString m_dir;
    Database m_db;
};

} // namespace loupe::core
