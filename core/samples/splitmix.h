// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace loupe::core {

// splitmix64: a tiny PRNG whose output is fixed by its definition, unlike std:: distributions (which
// differ between standard libraries). Everything the shapes world draws goes through it, so a seed
// gives the same images everywhere.
class SplitMix64
{
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}

    uint64_t next()
    {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 bits.
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n); n > 0.
    int below(int n) { return int(((next() >> 32) * uint64_t(n)) >> 32); }
    // Uniform integer in [lo, hi] inclusive.
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }

    // Mixes a base seed with a stream index so image i does not depend on how many came before it.
    static uint64_t mix(uint64_t seed, uint64_t stream)
    {
        SplitMix64 s(seed ^ (stream * 0xD1B54A32D192ED03ull));
        s.next();
        return s.next();
    }

private:
    uint64_t state_;
};

} // namespace loupe::core
