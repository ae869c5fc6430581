// SPDX-License-Identifier: MIT
#include "views/captions/batchdialog.h"

#include "core/store/project.h"
#include "views/match/matchpanel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace loupe::views {

namespace {
bool fits(core::BatchRequest::Kind kind, const QString& architecture)
{
    if (kind == core::BatchRequest::Kind::Match) return architecture == QLatin1String("CLIPModel");
    return architecture == QLatin1String("VisionEncoderDecoderModel") ||
           architecture == QLatin1String("BlipForConditionalGeneration");
}
} // namespace

BatchDialog::BatchDialog(core::BatchRequest::Kind kind, core::Project* project, int imageCount,
                         QWidget* parent)
    : QDialog(parent), m_kind(kind), m_model(new QComboBox(this)), m_problem(new QLabel(this))
{
    const bool caption = kind == core::BatchRequest::Kind::Caption;
    setObjectName(QStringLiteral("BatchDialog"));
    setWindowTitle(caption ? tr("Caption %n Image(s)", nullptr, imageCount)
                           : tr("Match %n Image(s)", nullptr, imageCount));
    m_model->setObjectName(QStringLiteral("batchModel"));
    m_model->setEditable(true); // any folder may be typed or browsed to
    m_model->setMinimumContentsLength(30);
    if (project)
        for (const core::ModelRecord& m : project->models())
            if (fits(kind, m.architecture))
                m_model->addItem(m.name.isEmpty() ? QFileInfo(QDir::cleanPath(m.path)).fileName() : m.name,
                                 m.path);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model Folder"));
        if (!dir.isEmpty()) m_model->setCurrentText(dir);
    });
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Model:"), modelRow);
    if (caption) {
        m_prompt = new QLineEdit(this);
        m_prompt->setObjectName(QStringLiteral("batchPrompt"));
        m_prompt->setPlaceholderText(tr("none: captions start from scratch"));
        m_maxNewTokens = new QSpinBox(this);
        m_maxNewTokens->setObjectName(QStringLiteral("batchMaxNewTokens"));
        m_maxNewTokens->setRange(0, 512);
        m_maxNewTokens->setSpecialValueText(tr("checkpoint's"));
        m_beams = new QSpinBox(this);
        m_beams->setObjectName(QStringLiteral("batchBeams"));
        m_beams->setRange(0, 16);
        m_beams->setSpecialValueText(tr("checkpoint's"));
        form->addRow(tr("Prompt:"), m_prompt);
        form->addRow(tr("Max new tokens:"), m_maxNewTokens);
        form->addRow(tr("Beams:"), m_beams);
    } else {
        m_texts = new QPlainTextEdit(this);
        m_texts->setObjectName(QStringLiteral("batchTexts"));
        QStringList labels;
        if (project)
            for (const core::Label& l : project->labels())
                labels << l.name;
        m_texts->setPlainText(MatchPanel::defaultPrompts(labels).join(QLatin1Char('\n')));
        m_texts->setPlaceholderText(tr("One text per line"));
        form->addRow(tr("Texts:"), m_texts);
    }
    m_problem->setObjectName(QStringLiteral("batchProblem"));
    m_problem->setWordWrap(true);
    auto* note = new QLabel(tr("Images that already have this run (same model and settings) are skipped, so "
                               "running again finishes a cancelled batch."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(caption ? tr("Caption") : tr("Match"));
    connect(buttons, &QDialogButtonBox::accepted, this, &BatchDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &BatchDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

core::BatchRequest BatchDialog::request() const
{
    core::BatchRequest r;
    r.kind = m_kind;
    const int index = m_model->findText(m_model->currentText());
    r.modelFolder = index >= 0 && m_model->itemData(index).isValid() ? m_model->itemData(index).toString()
                                                                     : m_model->currentText().trimmed();
    if (m_kind == core::BatchRequest::Kind::Caption) {
        r.prompt = m_prompt->text().trimmed();
        if (m_maxNewTokens->value() > 0)
            r.decoding.insert(QStringLiteral("max_new_tokens"), m_maxNewTokens->value());
        if (m_beams->value() > 0) r.decoding.insert(QStringLiteral("num_beams"), m_beams->value());
    } else {
        for (const QString& line : m_texts->toPlainText().split(QLatin1Char('\n')))
            if (!line.trimmed().isEmpty()) r.texts << line.trimmed();
    }
    return r;
}

QString BatchDialog::problem() const
{
    const core::BatchRequest r = request();
    if (r.modelFolder.isEmpty()) return tr("Choose a model folder.");
    if (!QFileInfo(r.modelFolder).isDir()) return tr("%1: no such folder.").arg(r.modelFolder);
    if (m_kind == core::BatchRequest::Kind::Match && r.texts.isEmpty()) return tr("Give at least one text.");
    return {};
}

void BatchDialog::accept()
{
    const QString why = problem();
    m_problem->setText(why);
    if (why.isEmpty()) QDialog::accept();
}

} // namespace loupe::views
