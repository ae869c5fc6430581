// SPDX-License-Identifier: MIT
#include "views/profiler/tableprofilerview.h"

#include "views/profiler/profilertext.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace loupe::views {

namespace {

QTableWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

// A cell that sorts by a number, not by its text ("layer 10" after "layer 9").
class NumberItem final : public QTableWidgetItem
{
public:
    NumberItem(const QString& text, double v) : QTableWidgetItem(text), m_value(v) {}
    NumberItem(double v, int decimals)
        : QTableWidgetItem(decimals < 0 ? QString::number(qlonglong(v)) : QString::number(v, 'f', decimals)),
          m_value(v)
    {
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem& other) const override
    {
        const auto* n = dynamic_cast<const NumberItem*>(&other);
        return n ? m_value < n->m_value : QTableWidgetItem::operator<(other);
    }

private:
    double m_value;
};

QTableWidgetItem* number(double v, int decimals)
{
    return new NumberItem(v, decimals);
}

void fillStats(QTableWidget* t, const std::vector<compute::ProfileStat>& stats, bool byLayer)
{
    t->setSortingEnabled(false);
    t->setRowCount(int(stats.size()));
    for (int r = 0; r < int(stats.size()); ++r) {
        const compute::ProfileStat& s = stats[size_t(r)];
        const QString name = QString::fromStdString(s.name);
        t->setItem(r, 0, byLayer ? new NumberItem(name, s.layer) : new QTableWidgetItem(name));
        t->setItem(r, 1, number(s.msPerRun, 3));
        t->setItem(r, 2, number(s.share * 100, 1));
        t->setItem(r, 3, number(double(s.calls), -1));
        t->setItem(r, 4, number(double(s.maxNs) / 1e6, 3));
    }
    t->setSortingEnabled(true);
}

} // namespace

TableProfilerView::TableProfilerView(const QString& note, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    if (!note.isEmpty()) {
        auto* n = new QLabel(note, this);
        n->setWordWrap(true);
        layout->addWidget(n);
    }
    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("profilerBackend"));
    layout->addWidget(m_backend);
    m_gauges = new QLabel(this);
    m_gauges->setObjectName(QStringLiteral("profilerGauges"));
    m_gauges->setWordWrap(true);
    m_gauges->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_gauges);
    auto* tabs = new QTabWidget(this);
    const QStringList statHeaders = {tr("Name"), tr("ms/run"), tr("%"), tr("Nodes"), tr("Max ms")};
    m_ops = makeTable(statHeaders, tabs);
    m_ops->setObjectName(QStringLiteral("profilerOps"));
    m_ops->horizontalHeader()->setSortIndicator(1, Qt::DescendingOrder); // slowest first
    m_layers = makeTable(statHeaders, tabs);
    m_layers->setObjectName(QStringLiteral("profilerLayers"));
    m_layers->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder); // in layer order
    m_timeline = makeTable({tr("Node"), tr("Op"), tr("Start ms"), tr("ms"), tr("Shape")}, tabs);
    m_timeline->setObjectName(QStringLiteral("profilerTimeline"));
    tabs->addTab(m_ops, tr("Ops"));
    tabs->addTab(m_layers, tr("Layers"));
    tabs->addTab(m_timeline, tr("Last run"));
    layout->addWidget(tabs, 1);
    connect(m_backend, &QComboBox::currentIndexChanged, this, [this] { showBackend(); });
}

void TableProfilerView::setSnapshot(const ProfilerSnapshot& snapshot)
{
    // Refreshes without a new run move only the gauges; rebuilding the tables would reset the scroll.
    const bool newRuns = snapshot.generation != m_snapshot.generation || m_backend->count() == 0;
    m_snapshot = snapshot;
    m_gauges->setText(gaugeLines(m_snapshot).join(QLatin1Char('\n')));
    if (!newRuns) return;
    const QString current = m_backend->currentText();
    {
        const QSignalBlocker block(m_backend);
        m_backend->clear();
        for (const auto& b : m_snapshot.backends)
            m_backend->addItem(QString::fromStdString(b.name));
        const int keep = m_backend->findText(current);
        m_backend->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    showBackend();
}

void TableProfilerView::showBackend()
{
    const int i = m_backend->currentIndex();
    if (i < 0 || i >= int(m_snapshot.backends.size())) {
        for (QTableWidget* t : {m_ops, m_layers, m_timeline})
            t->setRowCount(0);
        return;
    }
    const auto& b = m_snapshot.backends[size_t(i)];
    fillStats(m_ops, b.ops, false);
    fillStats(m_layers, b.layers, true);
    const compute::ProfileRun& run = b.lastRun;
    const auto& events = run.events;
    // A run a device worker ran starts with its wait in the queue, at a negative start.
    const int first = run.callerThread > 0 ? 1 : 0;
    m_timeline->setRowCount(first + int(events.size()));
    if (first) {
        auto* wait = new QTableWidgetItem(tr("queue wait"));
        wait->setToolTip(queueWaitText(run));
        m_timeline->setItem(0, 0, wait);
        m_timeline->setItem(0, 1, new QTableWidgetItem(tr("queue")));
        m_timeline->setItem(0, 2, number(double(run.queuedNs - run.startNs) / 1e6, 3));
        m_timeline->setItem(0, 3, number(double(run.queueWaitNs) / 1e6, 3));
        m_timeline->setItem(0, 4, new QTableWidgetItem(QString::fromStdString(run.device)));
    }
    for (int r = 0; r < int(events.size()); ++r) {
        const compute::ProfileEvent& e = events[size_t(r)];
        m_timeline->setItem(first + r, 0, new QTableWidgetItem(QString::fromStdString(e.node)));
        m_timeline->setItem(first + r, 1, new QTableWidgetItem(QString::fromStdString(e.op)));
        m_timeline->setItem(first + r, 2, number(double(e.startNs - run.startNs) / 1e6, 3));
        m_timeline->setItem(first + r, 3, number(double(e.durationNs) / 1e6, 3));
        m_timeline->setItem(first + r, 4, new QTableWidgetItem(QString::fromStdString(e.shape)));
    }
}

QStringList TableProfilerView::shownOps() const
{
    QStringList out;
    for (int r = 0; r < m_ops->rowCount(); ++r)
        if (const QTableWidgetItem* item = m_ops->item(r, 0)) out << item->text();
    return out;
}

QRect TableProfilerView::opsHeaderRect(int column) const
{
    const QHeaderView* h = m_ops->horizontalHeader();
    if (!m_ops->isVisible() || column < 0 || column >= h->count()) return {};
    const QRect inHeader(h->sectionViewportPosition(column), 0, h->sectionSize(column), h->height());
    return QRect(h->viewport()->mapTo(this, inHeader.topLeft()), inHeader.size());
}

QStringList TableProfilerView::shownTimeline() const
{
    QStringList out;
    for (int r = 0; r < m_timeline->rowCount(); ++r)
        if (const QTableWidgetItem* item = m_timeline->item(r, 0)) out << item->text();
    return out;
}

} // namespace loupe::views
