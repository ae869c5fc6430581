// SPDX-License-Identifier: MIT
#include "views/models/hubdownloaddialog.h"

#include "core/models/hub_files.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
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

void HubDownloadDialog::validate()
{
    const QString problem = core::hubRepoIdProblem(repoId());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    m_repo->setToolTip(problem);
}

} // namespace loupe::views
