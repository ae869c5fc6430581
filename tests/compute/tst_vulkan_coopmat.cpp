// SPDX-License-Identifier: MIT
// The cooperative-matrix GEMM's capability check and its shader. The shader cannot run here (lavapipe
// has no VK_NV_cooperative_matrix and no spirv-val is installed), so this checks what can be checked
// without a GPU: the probe refuses lavapipe with a reason, the kill-switch wins, and the embedded
// SPIR-V is a well-formed module that declares what the capability check promises the driver.
#include "compute/backend/vulkan/shader_table.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <QTest>
#include <cstdlib>
#include <set>
#include <string>

using namespace loupe::compute;

namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;
constexpr uint16_t kOpExtension = 10, kOpEntryPoint = 15, kOpCapability = 17;
constexpr uint32_t kCapabilityFloat16 = 9, kCapabilityGroupNonUniform = 61,
                   kCapabilityCooperativeMatrixNV = 5357;
constexpr uint32_t kExecutionModelGLCompute = 5;

// A SPIR-V module walked instruction by instruction: every word count must land exactly on the end.
struct Module
{
    std::set<uint32_t> capabilities;
    std::set<std::string> extensions;
    bool computeEntry = false;
    std::string error;
};

Module parse(const uint32_t* w, size_t count)
{
    Module m;
    if (count < 5 || w[0] != kSpirvMagic) {
        m.error = "no SPIR-V header";
        return m;
    }
    if (w[1] < 0x00010300) m.error = "SPIR-V older than 1.3 (Vulkan 1.1)";
    size_t i = 5;
    while (i < count) {
        const uint16_t words = uint16_t(w[i] >> 16), op = uint16_t(w[i] & 0xffff);
        if (words == 0 || i + words > count) {
            m.error = "instruction at word " + std::to_string(i) + " runs past the end";
            return m;
        }
        if (op == kOpCapability) m.capabilities.insert(w[i + 1]);
        if (op == kOpExtension)
            m.extensions.insert(std::string(reinterpret_cast<const char*>(w + i + 1)).c_str());
        if (op == kOpEntryPoint && w[i + 1] == kExecutionModelGLCompute) m.computeEntry = true;
        i += words;
    }
    return m;
}

struct EnvVar
{
    explicit EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
    ~EnvVar() { unsetenv(name_); }
    const char* name_;
};

} // namespace

class TestVulkanCoopmat : public QObject
{
    Q_OBJECT

private slots:
    void probeRefusesDevicesWithoutIt()
    {
        unsetenv("LOUPE_VULKAN_NO_COOPMAT");
        const std::string status = vulkanCooperativeMatrixStatus();
        qInfo("cooperative matrix: %s", status.c_str());
        const Device* d = vulkanDevice();
        if (d && d->kind() != DeviceKind::Cpu) QSKIP("a real GPU: it may have cooperative matrices");
        // lavapipe (or no device at all): refused, with the reason after the colon.
        QVERIFY2(status.rfind("not supported: ", 0) == 0, status.c_str());
        QVERIFY(status.size() > std::string("not supported: ").size());
        if (d) QVERIFY2(status.find("VK_NV_cooperative_matrix") != std::string::npos, status.c_str());
    }

    void killSwitchWins()
    {
        if (!vulkanDevice()) QSKIP("no Vulkan device: the status is 'not supported' whatever the switch");
        {
            EnvVar off("LOUPE_VULKAN_NO_COOPMAT", "1");
            QCOMPARE(vulkanCooperativeMatrixStatus(), std::string("off: LOUPE_VULKAN_NO_COOPMAT is set"));
        }
        EnvVar zero("LOUPE_VULKAN_NO_COOPMAT", "0");
        QVERIFY(vulkanCooperativeMatrixStatus().rfind("off:", 0) != 0);
    }

    void shaderIsAWellFormedModule()
    {
        const vk::ShaderCode* code = vk::findShader("gemm_coopmat");
        if (!code) {
            QVERIFY(vk::findShader("gemm") == nullptr); // absent only where no shader was built
            QSKIP("the Vulkan backend is not built");
        }
        const Module m = parse(code->words, code->count);
        QVERIFY2(m.error.empty(), m.error.c_str());
        QVERIFY(m.computeEntry);
        QVERIFY(m.capabilities.count(kCapabilityCooperativeMatrixNV));
        QVERIFY(m.capabilities.count(kCapabilityFloat16));
        QVERIFY(m.capabilities.count(kCapabilityGroupNonUniform)); // gl_SubgroupID
        QVERIFY(m.extensions.count("SPV_NV_cooperative_matrix"));
        // The plain f16 GEMM, which every device runs, must not need either.
        const vk::ShaderCode* plain = vk::findShader("gemm_f16");
        QVERIFY(plain);
        const Module p = parse(plain->words, plain->count);
        QVERIFY2(p.error.empty(), p.error.c_str());
        QVERIFY(!p.capabilities.count(kCapabilityCooperativeMatrixNV));
        QVERIFY(!p.capabilities.count(kCapabilityFloat16));
    }

    void parserRejectsBrokenModules()
    {
        // The walk above must be able to fail: an instruction longer than the module and a bad header.
        const vk::ShaderCode* code = vk::findShader("gemm_coopmat");
        if (!code) QSKIP("the Vulkan backend is not built");
        std::vector<uint32_t> bad(code->words, code->words + code->count);
        bad[5] |= 0xffffu << 16;
        QVERIFY(!parse(bad.data(), bad.size()).error.empty());
        bad.assign(code->words, code->words + code->count);
        bad[0] = 0;
        QVERIFY(!parse(bad.data(), bad.size()).error.empty());
    }
};

QTEST_GUILESS_MAIN(TestVulkanCoopmat)
#include "tst_vulkan_coopmat.moc"
