// SPDX-License-Identifier: MIT
// Running one graph on a device and comparing its kept tensors with the CPU's: what the cross-backend
// op tests share, with their -o OP / -b BACKEND filters.
#pragma once

#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/graph/planner.h"

#include <QString>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace loupe::test {

// |actual - expected| <= atol + rtol * |expected|.
struct Bound
{
    double atol, rtol;
};

struct BackendFilters
{
    std::string op, backend;
    bool opSelected(const std::string& name) const { return op.empty() || op == name; }
};

// Takes -o OP and -b BACKEND out of argv (QtTest would read -o as its output file); LOUPE_TEST_OP and
// LOUPE_TEST_BACKEND set them too. Returns the remaining arguments.
inline std::vector<char*> takeBackendFilters(int argc, char** argv, BackendFilters& f)
{
    if (const char* o = std::getenv("LOUPE_TEST_OP")) f.op = o;
    if (const char* b = std::getenv("LOUPE_TEST_BACKEND")) f.backend = b;
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "-o" || a == "-b") && i + 1 < argc)
            (a == "-o" ? f.op : f.backend) = argv[++i];
        else
            rest.push_back(argv[i]);
    }
    return rest;
}

struct BackendUnderTest
{
    std::string name;
    compute::Device* device;
};

// The devices besides the CPU that this machine has, filtered by name.
inline std::vector<BackendUnderTest> backendsUnderTest(const std::string& filter)
{
    std::vector<BackendUnderTest> out;
    if (compute::Device* v = compute::vulkanDevice(); v && (filter.empty() || filter == "vulkan"))
        out.push_back({"vulkan", v});
    if (compute::Device* c = compute::cudaDevice(); c && (filter.empty() || filter == "cuda"))
        out.push_back({"cuda", c});
    return out;
}

inline QString noBackendMessage()
{
    return QString("no backend besides the CPU reference (Vulkan: %1; CUDA: %2)")
        .arg(QString::fromStdString(compute::vulkanStatus()), QString::fromStdString(compute::cudaStatus()));
}

struct DeviceRun
{
    std::map<std::string, compute::Tensor> kept;
    double ms = 0;
};

// Runs the whole graph on `d` (no scheduler: every node there) `repeats` times; the fastest time.
inline DeviceRun runOn(compute::Device& d, const compute::Graph& g,
                       const std::map<std::string, compute::Tensor>& inputs, int repeats = 1)
{
    const compute::MemoryPlan plan = compute::planMemory(g);
    auto arena = d.bufferType().allocate(std::max<size_t>(plan.arenaBytes, 64));
    auto backend = d.createBackend();
    DeviceRun r;
    for (int i = 0; i < repeats; ++i) {
        compute::GraphRun run;
        run.inputs = inputs;
        const auto t0 = std::chrono::steady_clock::now();
        backend->compute(g, plan, *arena, run);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        r.ms = i == 0 ? ms : std::min(r.ms, ms);
        r.kept = std::move(run.kept);
    }
    return r;
}

// Worst |a - e| / (atol + rtol |e|); NaN against a finite reference is infinitely wrong. `where` gets
// the worst element.
inline double worstRatio(const compute::Tensor& actual, const compute::Tensor& expected, Bound b,
                         QString* where = nullptr)
{
    const std::vector<float> a = actual.toF32Vector(), e = expected.toF32Vector();
    if (a.size() != e.size()) return std::numeric_limits<double>::infinity();
    double worst = -1;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(e[i]) && std::isnan(a[i])) continue;
        double r = std::fabs(double(a[i]) - double(e[i])) / (b.atol + b.rtol * std::fabs(double(e[i])));
        if (std::isnan(r)) r = std::numeric_limits<double>::infinity();
        if (r > worst) {
            worst = r;
            if (where) *where = QString("element %1: %2, reference %3").arg(i).arg(a[i]).arg(e[i]);
        }
    }
    return std::max(worst, 0.0);
}

} // namespace loupe::test
