// SPDX-License-Identifier: MIT
#include "views/models/hubdownloaddialog.h"

#include "core/models/hub_files.h"
#include "core/models/hub_job.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>

namespace loupe::views {

HubDownloadDialog::HubDownloadDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Download from Hub"));
    m_repo = new QLineEdit(this);
    m_repo->setObjectName(QStringLiteral("hubRepoId"));
    m_repo->setPlaceholderText(QStringLiteral("google/vit-base-patch16-224"));
    m_revision = new QLineEdit(this);
    m_revision->setObjectName(QStringLiteral("hubRevision"));
    m_revision->setPlaceholderText(QStringLiteral("main"));
    auto* note = new QLabel(tr("Config, safetensors weights and tokenizer files are downloaded into the "
                               "Hugging Face cache; progress shows in the Jobs dock, where cancelling "
                               "pauses: downloading again resumes. Gated models need HF_TOKEN."),
                            this);
    note->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Download"));
    auto* form = new QFormLayout(this);
    form->addRow(tr("Repository"), m_repo);
    form->addRow(tr("Revision"), m_revision);
    form->addRow(note);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_repo, &QLineEdit::textChanged, this, &HubDownloadDialog::validate);
    validate();
}

QString HubDownloadDialog::repoId() const
{
    return m_repo->text().trimmed();
}

QString HubDownloadDialog::revision() const
{
    const QString r = m_revision->text().trimmed();
    return r.isEmpty() ? QStringLiteral("main") : r;
}

void HubDownloadDialog::follow(core::HubDownloadTask* task)
{
    using State = core::HubDownloadTask::State;
    m_repo->setText(task->options().repoId);
    m_revision->setText(task->options().revision);
    m_repo->setReadOnly(true);
    m_revision->setReadOnly(true);
    if (!m_progress) {
        m_progress = new QProgressBar(this);
        m_progress->setObjectName(QStringLiteral("hubProgress"));
        m_state = new QLabel(this);
        m_state->setObjectName(QStringLiteral("hubState"));
        m_pauseResume = m_buttons->addButton(tr("Pause"), QDialogButtonBox::ActionRole);
        m_pauseResume->setObjectName(QStringLiteral("hubPauseResume"));
        auto* form = static_cast<QFormLayout*>(layout());
        form->insertRow(form->rowCount() - 1, m_progress);
        form->insertRow(form->rowCount() - 1, m_state);
    }
    m_buttons->button(QDialogButtonBox::Ok)->hide();
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    disconnect(m_pauseResume, nullptr, nullptr, nullptr);
    const QPointer<core::HubDownloadTask> t(task);
    connect(m_pauseResume, &QPushButton::clicked, task, [t] {
        if (!t) return;
        if (t->state() == State::Running)
            t->pause();
        else
            t->resume();
    });
    const auto showState = [this, t] {
        if (!t) return;
        const State s = t->state();
        m_pauseResume->setText(s == State::Running || s == State::Pausing ? tr("Pause") : tr("Resume"));
        m_pauseResume->setEnabled(s == State::Running || s == State::Paused || s == State::Failed);
        m_pauseResume->setVisible(s != State::Succeeded);
        switch (s) {
        case State::Idle:
            m_state->setText(tr("Not started"));
            break;
        case State::Running:
            m_state->setText(tr("Downloading…"));
            break;
        case State::Pausing:
            m_state->setText(tr("Pausing…"));
            break;
        case State::Paused:
            m_state->setText(tr("Paused: %1 of %2 KiB kept; Resume continues from there")
                                 .arg(t->bytesDone() / 1024)
                                 .arg(t->bytesTotal() / 1024));
            break;
        case State::Succeeded:
            m_state->setText(tr("Downloaded to %1").arg(t->result().folder));
            break;
        case State::Failed:
            m_state->setText(tr("Failed: %1").arg(t->result().error));
            break;
        }
    };
    connect(task, &core::HubDownloadTask::stateChanged, this, showState);
    connect(task, &core::HubDownloadTask::progress, this, [this](qint64 done, qint64 total) {
        // In KiB: an int progress bar overflows past 2 GiB of bytes.
        m_progress->setRange(0, int(total / 1024));
        m_progress->setValue(int(done / 1024));
    });
    showState();
}

void HubDownloadDialog::validate()
{
    const QString problem = core::hubRepoIdProblem(repoId());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    m_repo->setToolTip(problem);
}

} // namespace loupe::views
