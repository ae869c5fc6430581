// SPDX-License-Identifier: MIT
#include "views/profiler/imgui_panels.h"

#include "views/profiler/profilertext.h"

#include <algorithm>
#include <imgui.h>
#include <map>

namespace loupe::views {

namespace {

ImU32 opColour(int index)
{
    static const ImU32 palette[] = {IM_COL32(86, 156, 214, 255),  IM_COL32(220, 140, 60, 255),
                                    IM_COL32(106, 190, 110, 255), IM_COL32(200, 90, 90, 255),
                                    IM_COL32(160, 120, 210, 255), IM_COL32(200, 190, 80, 255),
                                    IM_COL32(80, 190, 190, 255),  IM_COL32(190, 110, 170, 255)};
    return palette[size_t(index) % (sizeof palette / sizeof palette[0])];
}

size_t distinctOps(const compute::ProfileRun& run)
{
    std::map<std::string, int> ops;
    for (const compute::ProfileEvent& e : run.events)
        ops.emplace(e.op, 0);
    return ops.size() + (run.callerThread > 0 ? 1 : 0); // the queue wait's lane
}

// One lane per op kind, nodes placed by their start within the run; a run a device worker ran has a
// first lane with its wait in the queue, and the time axis starts when it was queued.
void drawTimeline(const compute::ProfileRun& run, ImGuiPanelState& state)
{
    if (run.events.empty() || run.durationNs <= 0) {
        ImGui::TextDisabled("No run recorded yet");
        return;
    }
    const bool queued = run.callerThread > 0;
    const char* waitLane = "queue wait";
    std::map<std::string, int> lanes;
    if (queued) lanes.emplace(waitLane, 0);
    for (const compute::ProfileEvent& e : run.events)
        lanes.emplace(e.op, int(lanes.size()));
    const int64_t t0 = queued ? std::min(run.queuedNs, run.startNs) : run.startNs;
    const float span = float(std::max<int64_t>(1, run.startNs + run.durationNs - t0));
    const float laneHeight = ImGui::GetTextLineHeight() + 4;
    const float labelWidth = ImGui::CalcTextSize("patch_embed  ").x;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(50.0f, ImGui::GetContentRegionAvail().x - labelWidth);
    const float height = laneHeight * float(lanes.size());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, {origin.x + labelWidth + width, origin.y + height},
                        IM_COL32(30, 30, 34, 255));
    for (const auto& [op, lane] : lanes)
        draw->AddText({origin.x + 2, origin.y + float(lane) * laneHeight + 2}, IM_COL32(200, 200, 200, 255),
                      op.c_str());
    const auto xOf = [&](int64_t ns) { return origin.x + labelWidth + width * float(ns - t0) / span; };
    if (queued) {
        const float x0 = xOf(run.queuedNs), x1 = std::max(x0 + 1.0f, xOf(run.queuedNs + run.queueWaitNs));
        draw->AddRectFilled({x0, origin.y + 1}, {x1, origin.y + laneHeight - 1},
                            IM_COL32(120, 120, 120, 255));
        state.shownTimeline << QString::fromLatin1(waitLane);
    }
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const compute::ProfileEvent* hovered = nullptr;
    for (const compute::ProfileEvent& e : run.events) {
        const int lane = lanes[e.op];
        const float x0 = xOf(e.startNs);
        const float x1 = std::max(x0 + 1.0f, x0 + width * float(e.durationNs) / span);
        const float y0 = origin.y + float(lane) * laneHeight + 1;
        draw->AddRectFilled({x0, y0}, {x1, y0 + laneHeight - 2}, opColour(lane));
        if (mouse.x >= x0 && mouse.x < x1 && mouse.y >= y0 && mouse.y < y0 + laneHeight - 2) hovered = &e;
        state.shownTimeline << QString::fromStdString(e.node);
    }
    ImGui::Dummy({labelWidth + width, height});
    if (hovered && ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::Text("%s (%s)", hovered->node.c_str(), hovered->op.c_str());
        ImGui::Text("%.3f ms at %.3f ms, output %s", double(hovered->durationNs) / 1e6,
                    double(hovered->startNs - run.startNs) / 1e6, hovered->shape.c_str());
        ImGui::EndTooltip();
    }
    ImGui::Text("Run %llu: %.3f ms, %d nodes", static_cast<unsigned long long>(run.id),
                double(run.durationNs) / 1e6, int(run.events.size()));
    if (queued) {
        ImGui::SameLine();
        ImGui::TextUnformatted(("(" + queueWaitText(run) + ")").toUtf8().constData());
    }
}

// A sortable table of per-op or per-layer sums; rows are re-sorted every frame by the header clicked.
void drawStats(const char* id, const char* firstColumn, bool slowestFirst,
               std::vector<compute::ProfileStat> rows, ImVec2 size, QStringList* shown, QRectF* headers)
{
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, 5, flags, size)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const ImGuiTableColumnFlags byDefault = ImGuiTableColumnFlags_DefaultSort;
    ImGui::TableSetupColumn(firstColumn, slowestFirst ? 0 : byDefault, 2.0f);
    ImGui::TableSetupColumn(
        "ms/run", ImGuiTableColumnFlags_PreferSortDescending | (slowestFirst ? byDefault : 0), 1.0f);
    ImGui::TableSetupColumn("%", ImGuiTableColumnFlags_PreferSortDescending, 0.7f);
    ImGui::TableSetupColumn("nodes", ImGuiTableColumnFlags_PreferSortDescending, 0.8f);
    ImGui::TableSetupColumn("max ms", ImGuiTableColumnFlags_PreferSortDescending, 1.0f);
    // TableHeadersRow() by hand, to note where each header is.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < 5; ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        ImGui::PushID(c);
        ImGui::TableHeader(ImGui::TableGetColumnName(c));
        ImGui::PopID();
        if (headers) {
            const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
            headers[c] = QRectF(QPointF(a.x, a.y), QPointF(b.x, b.y));
        }
    }
    if (const ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
        const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
        auto key = [&](const compute::ProfileStat& r) -> double {
            switch (s.ColumnIndex) {
            case 1:
                return r.msPerRun;
            case 2:
                return r.share;
            case 3:
                return double(r.calls);
            case 4:
                return double(r.maxNs);
            default:
                return 0;
            }
        };
        std::stable_sort(
            rows.begin(), rows.end(), [&](const compute::ProfileStat& a, const compute::ProfileStat& b) {
                const bool less = s.ColumnIndex == 0
                                      ? (a.layer != b.layer ? a.layer < b.layer : a.name < b.name)
                                      : key(a) < key(b);
                const bool greater = s.ColumnIndex == 0
                                         ? (a.layer != b.layer ? a.layer > b.layer : a.name > b.name)
                                         : key(a) > key(b);
                return s.SortDirection == ImGuiSortDirection_Ascending ? less : greater;
            });
    }
    for (const compute::ProfileStat& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.name.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.3f", r.msPerRun);
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", r.share * 100);
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(r.calls));
        ImGui::TableNextColumn();
        ImGui::Text("%.3f", double(r.maxNs) / 1e6);
        if (shown) *shown << QString::fromStdString(r.name);
    }
    ImGui::EndTable();
}

void drawGauges(const ProfilerSnapshot& s)
{
    for (const QString& line : gaugeLines(s))
        ImGui::TextUnformatted(line.toUtf8().constData());
    for (const compute::MemoryGauge& g : s.memory) {
        const float fraction = g.peak > 0 ? float(double(g.inUse) / double(g.peak)) : 0.0f;
        const QByteArray label =
            QStringLiteral("%1: %2 of peak %3")
                .arg(QString::fromStdString(g.device), formatBytes(g.inUse), formatBytes(g.peak))
                .toUtf8();
        ImGui::ProgressBar(fraction, {-1, 0}, label.constData());
    }
    for (const compute::GpuSample& g : s.nvml.gpus) {
        const QByteArray label =
            QStringLiteral("GPU %1: %2% busy").arg(g.index).arg(g.utilisationPercent).toUtf8();
        ImGui::ProgressBar(float(g.utilisationPercent) / 100.0f, {-1, 0}, label.constData());
    }
}

} // namespace

void drawProfilerPanels(const ProfilerSnapshot& snapshot, ImGuiPanelState& state)
{
    state.shownOps.clear();
    state.shownTimeline.clear();
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(io.DisplaySize);
    // No title, frame or moving (Qt's dock is the window), but a scroll bar when the dock is short.
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("Engine Profiler", nullptr, flags);
    drawGauges(snapshot);
    if (snapshot.backends.empty()) {
        ImGui::Separator();
        ImGui::TextWrapped("No graph run recorded yet: run a model (classify, explain, caption) while this "
                           "dock is open.");
    } else if (ImGui::BeginTabBar("backends")) {
        bool first = true;
        for (const ProfilerSnapshot::Backend& b : snapshot.backends) {
            if (!ImGui::BeginTabItem(b.name.c_str())) continue;
            ImGui::Text("%s: last run %.3f ms; tables sum the last %d runs", b.device.c_str(), b.lastRunMs,
                        b.runs);
            // The timeline takes at most 40 % of a short dock (scrolling inside), so the tables stay in view.
            const float lanes = float(std::max<size_t>(1, distinctOps(b.lastRun)));
            const float wanted =
                (lanes + 1) * (ImGui::GetTextLineHeight() + 4) + ImGui::GetFrameHeightWithSpacing();
            const float timelineHeight =
                std::min(wanted, std::max(70.0f, ImGui::GetContentRegionAvail().y * 0.4f));
            ImGui::BeginChild("timeline", {0, timelineHeight});
            drawTimeline(b.lastRun, state);
            ImGui::EndChild();
            const ImVec2 avail = ImGui::GetContentRegionAvail();
            const float half = (avail.x - ImGui::GetStyle().ItemSpacing.x) / 2;
            const ImVec2 size{half, std::max(100.0f, avail.y)};
            drawStats("ops", "op", true, b.ops, size, first ? &state.shownOps : nullptr, state.opsHeaders);
            ImGui::SameLine();
            drawStats("layers", "layer", false, b.layers, size, nullptr, nullptr);
            first = false;
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

} // namespace loupe::views
