// SPDX-License-Identifier: MIT
#include "compute/autograd/scratch.h"

#include "compute/error.h"

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace loupe::compute::autograd {

namespace {

struct Block
{
    void* p;
    size_t bytes;
};

struct Pool
{
    std::mutex m;
    std::vector<Block> free;
    ~Pool()
    {
        for (const Block& b : free)
            std::free(b.p);
    }
};

Pool& pool()
{
    static Pool p;
    return p;
}

constexpr size_t kMaxPooled = 2;
constexpr size_t kMaxPooledBytes = size_t(256) << 20;

void giveBack(void* p, size_t bytes)
{
    static const bool disabled = std::getenv("LOUPE_GRAD_NO_POOL") != nullptr;
    Pool& pl = pool();
    std::lock_guard lock(pl.m);
    if (disabled || bytes > kMaxPooledBytes) { // a big batch's arena is not held on to
        std::free(p);
        return;
    }
    pl.free.push_back({p, bytes});
    if (pl.free.size() > kMaxPooled) { // drop the smallest
        size_t smallest = 0;
        for (size_t i = 1; i < pl.free.size(); ++i)
            if (pl.free[i].bytes < pl.free[smallest].bytes) smallest = i;
        std::free(pl.free[smallest].p);
        pl.free.erase(pl.free.begin() + std::ptrdiff_t(smallest));
    }
}

} // namespace

std::shared_ptr<void> scratchBlock(size_t bytes)
{
    bytes = (std::max<size_t>(bytes, 64) + 63) / 64 * 64;
    Pool& pl = pool();
    {
        std::lock_guard lock(pl.m);
        // Best fit among blocks no more than twice the size (a huge block is not spent on a tiny run).
        size_t best = pl.free.size();
        for (size_t i = 0; i < pl.free.size(); ++i)
            if (pl.free[i].bytes >= bytes && pl.free[i].bytes <= 2 * bytes &&
                (best == pl.free.size() || pl.free[i].bytes < pl.free[best].bytes))
                best = i;
        if (best != pl.free.size()) {
            const Block b = pl.free[best];
            pl.free.erase(pl.free.begin() + std::ptrdiff_t(best));
            return std::shared_ptr<void>(b.p, [n = b.bytes](void* p) { giveBack(p, n); });
        }
    }
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw Error("autograd", "out of memory allocating " + std::to_string(bytes) + " bytes");
    return std::shared_ptr<void>(p, [bytes](void* q) { giveBack(q, bytes); });
}

} // namespace loupe::compute::autograd
