// SPDX-License-Identifier: MIT
// The decoding loop's thread count: StepThreadTuner probes one thread against the configured count and
// keeps the faster, on a toy model whose step time depends on the thread count it runs with, so either
// outcome is forced; it restores the configured count afterwards and stays off with LOUPE_FIXED_THREADS.
#include "compute/cpu_options.h"
#include "compute/generate/generate.h"
#include "compute/threadpool.h"

#include <QTest>
#include <chrono>
#include <thread>

using namespace loupe::compute;
using namespace loupe::compute::generate;

namespace {

// Always prefers token 1; a step sleeps `oneThreadMs` or `manyThreadsMs` by the thread count in force.
class TimedModel final : public LanguageModel
{
public:
    int oneThreadMs = 1, manyThreadsMs = 1;
    std::vector<int> threadsPerStep;

    int64_t vocabSize() const override { return 3; }
    std::vector<std::vector<float>> start(const std::vector<int64_t>&, int64_t rows, int64_t) override
    {
        return std::vector<std::vector<float>>(size_t(rows), {0.f, 1.f, 0.f});
    }
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>&) override
    {
        const int n = activeThreadCount();
        threadsPerStep.push_back(n);
        std::this_thread::sleep_for(std::chrono::milliseconds(n == 1 ? oneThreadMs : manyThreadsMs));
        return std::vector<std::vector<float>>(parents.size(), {0.f, 1.f, 0.f});
    }
};

GenerationConfig fortyTokens()
{
    GenerationConfig c;
    c.maxNewTokens = 40;
    c.eosTokenIds = {0};
    return c;
}

} // namespace

class TestGenerateThreads : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        setThreadCount(2);
        cpuOptions().adaptiveThreads = true;
    }
    void cleanup()
    {
        setThreadCount(0);
        cpuOptions().adaptiveThreads = true;
    }

    void keepsOneThreadWhereItIsFaster()
    {
        TimedModel m;
        m.oneThreadMs = 1;
        m.manyThreadsMs = 20; // two threads stalled by a busy machine
        generateSequences(m, {1}, fortyTokens());
        QCOMPARE(int(m.threadsPerStep.size()), 39);
        for (int s = 0; s < 39; ++s) {
            // Steps 0-2 with the configured count, 3-4 probe one thread and win; step 37 probes two
            // threads again, 4x slower: the probe ends at once.
            const int want = s < 3 || s == 37 ? 2 : 1;
            QCOMPARE(m.threadsPerStep[size_t(s)], want);
        }
        QCOMPARE(activeThreadCount(), 2); // restored after the loop
    }

    void keepsTheConfiguredCountWhereItIsFaster()
    {
        TimedModel m;
        m.oneThreadMs = 20;
        m.manyThreadsMs = 1;
        generateSequences(m, {1}, fortyTokens());
        // One probe step (3), 20x slower: dropped, and the next probe waits 64 steps.
        for (int s = 0; s < 39; ++s)
            QCOMPARE(m.threadsPerStep[size_t(s)], s == 3 ? 1 : 2);
    }

    void beamSearchIsTunedToo()
    {
        TimedModel m;
        m.manyThreadsMs = 20;
        GenerationConfig c = fortyTokens();
        c.numBeams = 2;
        c.maxNewTokens = 10;
        generateSequences(m, {1}, c);
        QCOMPARE(m.threadsPerStep.back(), 1);
    }

    void fixedThreadsSwitchOff()
    {
        cpuOptions().adaptiveThreads = false;
        TimedModel m;
        m.manyThreadsMs = 20;
        generateSequences(m, {1}, fortyTokens());
        for (int n : m.threadsPerStep)
            QCOMPARE(n, 2);
    }

    void oneConfiguredThreadIsLeftAlone()
    {
        setThreadCount(1);
        TimedModel m;
        m.oneThreadMs = 20;
        generateSequences(m, {1}, fortyTokens());
        for (int n : m.threadsPerStep)
            QCOMPARE(n, 1);
    }
};

QTEST_APPLESS_MAIN(TestGenerateThreads)
#include "tst_generate_threads.moc"
