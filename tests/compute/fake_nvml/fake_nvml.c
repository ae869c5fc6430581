/* SPDX-License-Identifier: MIT */
/* A stand-in for libnvidia-ml.so.1 with two GPUs, for the NVML reader's tests: the entry points the
   reader binds, with NVML's C signatures and struct layouts (nvml.h). */
#include <stdint.h>
#include <stdio.h>

typedef struct
{
    unsigned int gpu;
    unsigned int memory;
} Utilization;

typedef struct
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} Memory;

int nvmlInit_v2(void)
{
    return 0;
}

const char* nvmlErrorString(int result)
{
    return result ? "fake NVML error" : "success";
}

int nvmlDeviceGetCount_v2(unsigned int* count)
{
    *count = 2;
    return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device)
{
    *device = (void*)(uintptr_t)(index + 1);
    return 0;
}

int nvmlDeviceGetName(void* device, char* name, unsigned int length)
{
    snprintf(name, length, "Fake GPU %u", (unsigned)(uintptr_t)device);
    return 0;
}

int nvmlDeviceGetUtilizationRates(void* device, Utilization* u)
{
    u->gpu = 40 + (unsigned)(uintptr_t)device;
    u->memory = 7;
    return 0;
}

int nvmlDeviceGetMemoryInfo(void* device, Memory* m)
{
    m->total = 80ull << 30;
    m->used = (unsigned long long)(uintptr_t)device << 30;
    m->free = m->total - m->used;
    return 0;
}
