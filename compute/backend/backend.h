// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/graph/graph.h"
#include "compute/graph/planner.h"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

// The backend interface, after ggml-backend: device -> buffer type -> buffer -> backend, each a small
// table of virtual operations. The CPU, Vulkan (vulkan/) and CUDA (cuda/) backends implement the same
// tables; models pick a device with resolveDevice (device_choice.h) and run their graphs through a
// Scheduler (scheduler.h), which places each op on that device when it supportsOp, on the CPU
// otherwise, and moves the whole model to the CPU when the device fails (DeviceError).
enum class DeviceKind { Cpu, DiscreteGpu, IntegratedGpu, Other };

class BufferType;

class Buffer
{
public:
    virtual ~Buffer() = default;
    virtual const BufferType& type() const = 0;
    virtual size_t size() const = 0;
    virtual void* base() = 0; // host pointer for host buffers, nullptr for device memory
    // Host <-> buffer copies; async-capable backends queue them (see Backend::synchronize).
    virtual void write(size_t offset, const void* src, size_t bytes) = 0;
    virtual void read(size_t offset, void* dst, size_t bytes) const = 0;
};

class BufferType
{
public:
    virtual ~BufferType() = default;
    virtual std::string name() const = 0;
    virtual size_t alignment() const = 0;
    virtual bool isHost() const = 0;
    virtual std::unique_ptr<Buffer> allocate(size_t bytes) const = 0;
};

// Per-run bindings and results of a graph computation.
struct GraphRun
{
    std::map<std::string, Tensor> inputs; // by Input node name
    // Called as each kept node is computed, with a view valid only during the call.
    std::function<void(const std::string& name, const Tensor& value)> observe;
    std::map<std::string, Tensor> kept; // filled: every kept node's value (owned copies), by name
    // The model's precision (Scheduler sets it). A GPU backend that computes at reduced precision says
    // what it used in `precisionUsed` ("f16"), and why it differs from what was asked in `precisionNote`.
    Precision precision = Precision::Default;
    std::string precisionUsed;
    std::string precisionNote;
};

class Device;

class Backend
{
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    virtual Device& device() const = 0;
    virtual void writeAsync(Buffer& dst, size_t offset, const void* src, size_t bytes)
    {
        dst.write(offset, src, bytes);
    }
    virtual void readAsync(const Buffer& src, size_t offset, void* dst, size_t bytes)
    {
        src.read(offset, dst, bytes);
    }
    virtual void synchronize() {}
    // Runs every node of `g` in order; computed tensors live in `arena` at plan.offset.
    virtual void compute(const Graph& g, const MemoryPlan& plan, Buffer& arena, GraphRun& run) = 0;
};

class Device
{
public:
    virtual ~Device() = default;
    virtual std::string name() const = 0;        // "cpu"
    virtual std::string description() const = 0; // CPU model, threads
    // The device's own name, as execution records store it: "cpu", "NVIDIA H100 80GB HBM3".
    virtual std::string label() const { return name() == "cpu" ? "cpu" : description(); }
    virtual DeviceKind kind() const = 0;
    virtual const BufferType& bufferType() const = 0;
    virtual bool supportsOp(const Node& n) const = 0;
    virtual std::unique_ptr<Backend> createBackend() = 0;
};

// Every device compiled in and usable on this machine: the CPU, the selected Vulkan device, the
// selected CUDA GPU (devices.cpp).
std::vector<Device*> devices();
Device& cpuDevice();

} // namespace loupe::compute
