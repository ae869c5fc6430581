// SPDX-License-Identifier: MIT
#include "views/match/matchpanel.h"

#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/heatmaplayer.h"
#include "views/match/probabilitydelegate.h"
#include "views/text/projectmodelpicker.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace loupe::views {

namespace {

// The map over the whole image: CLIP saw only `region` (its center crop), so the patch grid is placed
// there and the unseen margins get the map's lowest value (drawn as "nothing here").
std::vector<float> placeOnImage(const std::vector<float>& map, int grid, QRect region, QSize image, int* rows,
                                int* cols)
{
    *rows = *cols = grid;
    if (image.isEmpty() || region.isEmpty() || region == QRect(QPoint(0, 0), image)) return map;
    const double cw = double(region.width()) / grid, ch = double(region.height()) / grid;
    *cols = std::max(grid, int(std::lround(image.width() / cw)));
    *rows = std::max(grid, int(std::lround(image.height() / ch)));
    const int left = std::clamp(int(std::lround(region.x() / cw)), 0, *cols - grid);
    const int top = std::clamp(int(std::lround(region.y() / ch)), 0, *rows - grid);
    const float low = map.empty() ? 0.f : *std::min_element(map.begin(), map.end());
    std::vector<float> out(size_t(*rows) * size_t(*cols), low);
    for (int y = 0; y < grid; ++y)
        std::copy_n(map.begin() + ptrdiff_t(y) * grid, grid, out.begin() + ptrdiff_t(top + y) * *cols + left);
    return out;
}

} // namespace

MatchPanel::MatchPanel(ImageCanvas* canvas, QWidget* parent)
    : QWidget(parent), m_canvas(canvas), m_layer(new HeatMapLayer(this)), m_function(clipMatchFunction()),
      m_list(new QListWidget(this)), m_fromLabels(new QPushButton(tr("From Labels"), this)),
      m_add(new QPushButton(tr("Add"), this)), m_remove(new QPushButton(tr("Remove"), this)),
      m_run(new QPushButton(tr("Match"), this)), m_modelLabel(new QLabel(this)), m_status(new QLabel(this)),
      m_delay(new QTimer(this))
{
    setObjectName(QStringLiteral("MatchPanel"));
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    if (m_canvas) m_canvas->addLayer(m_layer);
    m_list->setObjectName(QStringLiteral("matchTexts"));
    m_list->setItemDelegate(new ProbabilityDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_list->setToolTip(tr("Double-click a text to edit it; click it to see its heat map on the image."));
    m_fromLabels->setObjectName(QStringLiteral("matchFromLabels"));
    m_fromLabels->setToolTip(tr("One text per label of the project: \"a photo of a {label}\""));
    m_add->setObjectName(QStringLiteral("matchAdd"));
    m_remove->setObjectName(QStringLiteral("matchRemove"));
    m_run->setObjectName(QStringLiteral("matchRun"));
    m_modelLabel->setObjectName(QStringLiteral("matchModel"));
    m_modelLabel->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("matchStatus"));
    m_status->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_fromLabels);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(m_run);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    m_delay->setSingleShot(true);
    m_delay->setInterval(150); // typing several texts or stepping through images runs once
    connect(m_delay, &QTimer::timeout, this, [this] {
        if (m_active) match();
    });
    connect(&m_watcher, &QFutureWatcher<MatchResult>::finished, this, &MatchPanel::onFinished);
    connect(m_fromLabels, &QPushButton::clicked, this, &MatchPanel::fillFromLabels);
    connect(m_add, &QPushButton::clicked, this, &MatchPanel::addText);
    connect(m_remove, &QPushButton::clicked, this, &MatchPanel::removeText);
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (!match()) setStatus(m_error);
    });
    connect(m_list, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { showHeatmap(m_list->row(item)); });
    connect(m_list->model(), &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
                if (m_filling ||
                    (!roles.isEmpty() && !roles.contains(Qt::DisplayRole) && !roles.contains(Qt::EditRole)))
                    return;
                invalidate();
            });
    setModelFolder({});
}

MatchPanel::~MatchPanel()
{
    cancel();
    m_watcher.waitForFinished(); // the worker holds the request, not the panel, but its result lands here
    if (m_canvas) m_canvas->removeLayer(m_layer);
}

void MatchPanel::setMatchFunction(MatchFunction function)
{
    m_function = std::move(function);
}

void MatchPanel::setProject(core::Project* project)
{
    m_project = project;
    m_fromLabels->setEnabled(project != nullptr);
    setImagePath({});
    // A project of its own labels starts from them, unless the user has texts already.
    if (project && m_list->count() == 0) fillFromLabels();
}

void MatchPanel::setModelFolder(const QString& folder)
{
    m_model = folder;
    m_modelLabel->setText(folder.isEmpty()
                              ? tr("Choose a CLIP model in the Models dock.")
                              : tr("Model: %1").arg(QFileInfo(QDir::cleanPath(folder)).fileName()));
    m_modelLabel->setToolTip(folder);
    invalidate();
}

void MatchPanel::setAsset(qint64 assetId)
{
    setImagePath(assetImagePath(m_project, assetId));
}

void MatchPanel::setImagePath(const QString& path)
{
    if (path == m_image && !path.isEmpty()) return;
    m_image = path;
    invalidate();
}

void MatchPanel::setActive(bool active)
{
    m_active = active;
    if (active && m_result.probs.empty()) scheduleRun();
}

QStringList MatchPanel::texts() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i) {
        const QString t = m_list->item(i)->text().trimmed();
        if (!t.isEmpty()) out << t;
    }
    return out;
}

void MatchPanel::setTexts(const QStringList& texts)
{
    m_filling = true;
    m_list->clear();
    for (const QString& t : texts) {
        auto* item = new QListWidgetItem(t, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    m_filling = false;
    invalidate();
}

QStringList MatchPanel::defaultPrompts(const QStringList& labels)
{
    QStringList out;
    for (const QString& l : labels)
        out << QStringLiteral("a photo of a %1").arg(l);
    return out;
}

void MatchPanel::fillFromLabels()
{
    if (!m_project) return;
    QStringList names;
    for (const core::Label& l : m_project->labels())
        names << l.name;
    if (names.isEmpty()) {
        setStatus(tr("The project has no labels yet."));
        return;
    }
    setTexts(defaultPrompts(names));
}

void MatchPanel::addText()
{
    auto* item = new QListWidgetItem(tr("a photo of a "), m_list);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_list->setCurrentItem(item);
    m_list->editItem(item);
}

void MatchPanel::removeText()
{
    delete m_list->currentItem();
    invalidate();
}

void MatchPanel::setStatus(const QString& text)
{
    m_status->setText(text);
    emit statusMessage(text);
}

// The image, model or texts changed: what is shown no longer describes them.
void MatchPanel::invalidate()
{
    m_result = {};
    m_filling = true;
    for (int i = 0; i < m_list->count(); ++i)
        m_list->item(i)->setData(ProbabilityDelegate::ProbabilityRole, QVariant());
    m_filling = false;
    showHeatmap(-1);
    if (m_watcher.isRunning()) m_rerun = true;
    m_wanted = -1;
    scheduleRun();
}

void MatchPanel::scheduleRun()
{
    if (m_active && !m_model.isEmpty() && !m_image.isEmpty() && !texts().isEmpty()) m_delay->start();
}

bool MatchPanel::match()
{
    m_delay->stop();
    if (m_model.isEmpty())
        m_error = tr("No model: choose a CLIP model in the Models dock.");
    else if (m_image.isEmpty())
        m_error = tr("No image: select one in the Dataset dock.");
    else if (texts().isEmpty())
        m_error = tr("No texts: add some, or fill them from the labels.");
    else if (!m_function)
        m_error = tr("No matcher.");
    else
        m_error.clear();
    if (!m_error.isEmpty()) return false;
    if (m_watcher.isRunning()) {
        m_rerun = true; // after the one under way, with what is shown then
        return true;
    }
    m_rerun = false;
    MatchRequest req;
    req.modelFolder = m_model;
    req.imagePath = m_image;
    req.texts = texts();
    setStatus(tr("Matching %n text(s) with %1…", nullptr, int(req.texts.size()))
                  .arg(QFileInfo(m_image).fileName()));
    start(req);
    return true;
}

void MatchPanel::start(const MatchRequest& request)
{
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_running = request;
    m_running.cancelled = [flag = m_cancel] { return flag->load(); };
    m_run->setEnabled(false);
    m_watcher.setFuture(
        QtConcurrent::run(&m_pool, [function = m_function, req = m_running] { return function(req); }));
}

void MatchPanel::cancel()
{
    if (m_cancel) m_cancel->store(true);
    m_rerun = false;
}

void MatchPanel::onFinished()
{
    m_run->setEnabled(true);
    MatchResult r = m_watcher.result();
    const MatchRequest req = m_running;
    const bool current = req.imagePath == m_image && req.modelFolder == m_model && req.texts == texts();
    const bool heatmaps = !req.heatmapIndices.empty();
    if (m_rerun || !current) {
        m_rerun = false;
        if (!r.cancelled) match();
        return;
    }
    if (r.cancelled) {
        setStatus(tr("Cancelled."));
        return;
    }
    if (!r.error.isEmpty()) {
        m_error = r.error;
        setStatus(tr("Cannot match: %1").arg(r.error));
        if (!heatmaps) emit finished();
        return;
    }
    if (heatmaps) {
        m_result.heatmaps.resize(size_t(m_result.texts.size()));
        for (int k : req.heatmapIndices)
            if (size_t(k) < r.heatmaps.size()) m_result.heatmaps[size_t(k)] = r.heatmaps[size_t(k)];
        m_result.region = r.region;
        m_result.grid = r.grid;
        const int wanted = m_wanted;
        m_wanted = -1;
        if (wanted >= 0) showHeatmap(wanted);
        return;
    }
    m_result = std::move(r);
    m_filling = true;
    // Rows are the texts in order, blanks skipped (they were not sent).
    int best = -1;
    for (int i = 0; i < m_list->count(); ++i) {
        const int k = textIndexOfRow(i);
        if (k < 0 || k >= int(m_result.probs.size())) continue;
        m_list->item(i)->setData(ProbabilityDelegate::ProbabilityRole, double(m_result.probs[size_t(k)]));
        m_list->item(i)->setToolTip(tr("%1\nprobability %2, logit %3")
                                        .arg(m_result.texts.value(k))
                                        .arg(double(m_result.probs[size_t(k)]), 0, 'f', 4)
                                        .arg(double(m_result.logits[size_t(k)]), 0, 'g', 5));
        if (best < 0 || m_result.probs[size_t(k)] > m_result.probs[size_t(best)]) best = k;
    }
    m_filling = false;
    setStatus(best >= 0 ? tr("Best: \"%1\" (%2 %)")
                              .arg(m_result.texts.value(best))
                              .arg(m_result.probs[size_t(best)] * 100.0, 0, 'f', 1)
                        : QString());
    emit finished();
    if (m_wanted >= 0) {
        const int wanted = m_wanted;
        m_wanted = -1;
        showHeatmap(wanted);
    }
}

// The row's index among the texts that were sent (blank rows were not); -1 for a blank row.
int MatchPanel::textIndexOfRow(int row) const
{
    if (row < 0 || row >= m_list->count() || m_list->item(row)->text().trimmed().isEmpty()) return -1;
    int k = 0;
    for (int i = 0; i < row; ++i)
        if (!m_list->item(i)->text().trimmed().isEmpty()) ++k;
    return k;
}

void MatchPanel::showHeatmap(int row)
{
    const int k = textIndexOfRow(row);
    if (k < 0 || (m_result.probs.empty() && !m_watcher.isRunning())) {
        m_shown = m_wanted = -1;
        m_layer->clearMap();
        return;
    }
    if (m_list->currentRow() != row) m_list->setCurrentRow(row);
    if (m_watcher.isRunning() || size_t(k) >= m_result.heatmaps.size() ||
        m_result.heatmaps[size_t(k)].empty()) {
        // Computed in the background (after the run under way, if any), then shown.
        m_wanted = row;
        if (!m_watcher.isRunning()) {
            MatchRequest req;
            req.modelFolder = m_model;
            req.imagePath = m_image;
            req.texts = m_result.texts;
            req.heatmapIndices = {k};
            setStatus(tr("Computing the heat map of \"%1\"…").arg(m_result.texts.value(k)));
            start(req);
        }
        return;
    }
    m_shown = row;
    int rows = 0, cols = 0;
    std::vector<float> map = placeOnImage(m_result.heatmaps[size_t(k)], m_result.grid, m_result.region,
                                          m_layer->imageSize(), &rows, &cols);
    m_layer->setMap(std::move(map), rows, cols,
                    tr("Match: \"%1\" (%2 %)")
                        .arg(m_result.texts.value(k))
                        .arg(m_result.probs[size_t(k)] * 100.0, 0, 'f', 1));
    setStatus(tr("Heat map of \"%1\": where the image matches it.").arg(m_result.texts.value(k)));
    emit heatmapShown(row);
}

} // namespace loupe::views
