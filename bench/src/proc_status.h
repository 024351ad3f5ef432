/* A field of /proc/self/status in KiB ("VmRSS", "RssAnon", "VmHWM"...), or -1: shared by the benchmarks. */
#ifndef AWSC_BENCH_PROC_STATUS_H
#define AWSC_BENCH_PROC_STATUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline long proc_status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t klen = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':')
            v = atol(line + klen + 1);
    if (f)
        fclose(f);
    return v;
}

#endif
