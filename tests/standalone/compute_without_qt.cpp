// SPDX-License-Identifier: MIT
// Linked against loupe_compute alone, with no Qt on the link line: if the engine ever grows a Qt
// dependency this stops linking. It also checks a conversion so the test is not an empty shell.
#include "compute/dtype.h"

#include <cstdio>

int main()
{
    using namespace loupe::compute;
    const float x = 0.333251953125f; // exactly representable in f16
    if (halfToFloat(floatToHalf(x)) != x) {
        std::fprintf(stderr, "f16 round trip failed\n");
        return 1;
    }
    std::printf("compute links and runs without Qt\n");
    return 0;
}
