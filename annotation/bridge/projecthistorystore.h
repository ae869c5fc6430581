// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/historystore.h"

#include <QString>
#include <memory>

namespace loupe::core {
class Project;
class Transaction;
} // namespace loupe::core

namespace loupe::annotation {

// The editor's undo history in the project file (tables annotation_history and
// annotation_history_state, schema 3), so Edit > Undo works after reopening the project.
class ProjectHistoryStore : public HistoryStore
{
public:
    explicit ProjectHistoryStore(core::Project& project);
    ~ProjectHistoryStore() override;

    bool put(int position, const QByteArray& record) override;
    bool truncate(int count) override;
    bool setIndex(int index) override;
    std::vector<QByteArray> records() const override;
    int index() const override;
    bool beginBatch() override;
    bool endBatch(bool ok) override;

    // Replaces the whole history in one transaction (used when it has to be rebuilt at open).
    bool replace(const std::vector<QByteArray>& records, int index, QString* error);
    QString lastError() const { return m_error; }

private:
    bool run(const QString& sql, qint64 a, const QByteArray* blob = nullptr);

    core::Project& m_project;
    std::unique_ptr<core::Transaction> m_batch;
    QString m_error;
};

} // namespace loupe::annotation
