// SPDX-License-Identifier: MIT
// loupe devices [--json]
// Lists the compute devices this build can use: the CPU, every CUDA GPU and every Vulkan device the
// loader reports (name, type, driver, memory), marking the one each backend would pick, and says which
// device `--backend auto` takes and why. Without CUDA or Vulkan it says why.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/device_choice.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <unistd.h>

namespace loupe::cli {

namespace {

qint64 hostMemoryBytes()
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? qint64(pages) * page : 0;
}

QString gib(qint64 bytes)
{
    return QString::number(double(bytes) / double(1ll << 30), 'f', 1) + QStringLiteral(" GiB");
}

int devices(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List the CPU, CUDA and Vulkan devices the engine can run on, and which one auto picks."));
    p.addHelpOption();
    p.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON object instead of text.")});
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe devices")} + args)) {
        err << "loupe devices: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("devices"));
        return ExitOk;
    }
    if (!p.positionalArguments().isEmpty()) {
        err << "loupe devices: unexpected argument '" << p.positionalArguments().first() << "'\n";
        return ExitUsage;
    }
    compute::Device& cpu = compute::cpuDevice();
    const std::vector<compute::VulkanDeviceInfo> vk = compute::vulkanDeviceInfos();
    const QString vkStatus = QString::fromStdString(compute::vulkanStatus());
    // Whether the selected Vulkan device multiplies f16 Linear layers with cooperative matrices.
    const QString coopmat =
        vk.empty() ? QString() : QString::fromStdString(compute::vulkanCooperativeMatrixStatus());
    const std::vector<compute::CudaDeviceInfo> cuda = compute::cudaDeviceInfos();
    const QString cudaStatus = QString::fromStdString(compute::cudaStatus());
    const compute::DeviceResolution autoPick = compute::resolveDevice(compute::BackendChoice::Auto);
    const QString autoBackend = QString::fromStdString(compute::backendOf(*autoPick.device));
    const QString autoDevice = QString::fromStdString(compute::deviceLabel(*autoPick.device));
    const QString autoWhy = QString::fromStdString(autoPick.why);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        list.append(QJsonObject{{QStringLiteral("backend"), QStringLiteral("cpu")},
                                {QStringLiteral("name"), QString::fromStdString(cpu.description())},
                                {QStringLiteral("type"), QStringLiteral("cpu")},
                                {QStringLiteral("driver"), QStringLiteral("built in")},
                                {QStringLiteral("memory_bytes"), hostMemoryBytes()},
                                {QStringLiteral("selected"), true}});
        for (const auto& d : cuda)
            list.append(QJsonObject{
                {QStringLiteral("backend"), QStringLiteral("cuda")},
                {QStringLiteral("index"), d.index},
                {QStringLiteral("name"), QString::fromStdString(d.name)},
                {QStringLiteral("type"), QStringLiteral("discrete")},
                {QStringLiteral("driver"), QString::fromStdString(d.driver)},
                {QStringLiteral("compute_capability"), QString::fromStdString(d.computeCapability)},
                {QStringLiteral("memory_bytes"), qint64(d.memoryBytes)},
                {QStringLiteral("selected"), d.selected}});
        for (const auto& d : vk)
            list.append(QJsonObject{{QStringLiteral("backend"), QStringLiteral("vulkan")},
                                    {QStringLiteral("index"), d.index},
                                    {QStringLiteral("name"), QString::fromStdString(d.name)},
                                    {QStringLiteral("type"), QString::fromStdString(d.type)},
                                    {QStringLiteral("driver"), QString::fromStdString(d.driver)},
                                    {QStringLiteral("api_version"), QString::fromStdString(d.apiVersion)},
                                    {QStringLiteral("memory_bytes"), qint64(d.memoryBytes)},
                                    {QStringLiteral("selected"), d.selected}});
        QJsonObject root{{QStringLiteral("devices"), list},
                         {QStringLiteral("vulkan_status"), vkStatus},
                         {QStringLiteral("cuda_status"), cudaStatus},
                         {QStringLiteral("auto"), QJsonObject{{QStringLiteral("backend"), autoBackend},
                                                              {QStringLiteral("device"), autoDevice},
                                                              {QStringLiteral("why"), autoWhy}}}};
        if (!vk.empty()) root.insert(QStringLiteral("vulkan_cooperative_matrix"), coopmat);
        out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << "cpu      " << QString::fromStdString(cpu.description()) << ", " << gib(hostMemoryBytes()) << "\n";
    for (const auto& d : cuda)
        out << "cuda:" << d.index << (d.selected ? "   * " : "     ") << QString::fromStdString(d.name)
            << " (compute " << QString::fromStdString(d.computeCapability) << ", driver "
            << QString::fromStdString(d.driver) << ", " << gib(qint64(d.memoryBytes)) << ")\n";
    if (cuda.empty()) out << "cuda     none: " << cudaStatus << "\n";
    for (const auto& d : vk)
        out << "vulkan:" << d.index << (d.selected ? " * " : "   ") << QString::fromStdString(d.name) << " ("
            << QString::fromStdString(d.type) << ", " << QString::fromStdString(d.driver) << ", Vulkan "
            << QString::fromStdString(d.apiVersion) << ", " << gib(qint64(d.memoryBytes)) << ")\n";
    if (vk.empty())
        out << "vulkan   none: " << vkStatus << "\n";
    else
        out << "(* the Vulkan device the engine uses; LOUPE_VULKAN_DEVICE=INDEX|NAME picks another: "
            << vkStatus << ")\n"
            << "         cooperative-matrix GEMM: " << coopmat << "\n";
    out << "auto     " << autoBackend << (autoBackend == QLatin1String("cpu") ? QString() : " " + autoDevice)
        << ": " << autoWhy << "\n";
    return ExitOk;
}

const CommandRegistrar registrar{
    {QStringLiteral("devices"), QStringLiteral("List the CPU, CUDA and Vulkan devices the engine can run on"),
     devices}};

} // namespace

} // namespace loupe::cli
