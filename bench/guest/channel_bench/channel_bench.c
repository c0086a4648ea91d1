/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest side of the channel benchmarks; prints "name value unit" lines.
 *   channel_bench channels   hypercall round trip and throughput both ways
 *   channel_bench cpu        a CPU-bound workload, timed (no hypercalls)
 *   channel_bench syscalls   a system-call-bound workload, timed
 * Guest time under TCG follows host time, so these are host wall-clock rates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <guestplug/channel.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void roundtrip(void)
{
    const int calls = 2000000;
    gp_host_present(); /* translate the loop's code before timing it */
    double start = now_s();
    for (int i = 0; i < calls; i++) {
        gp_host_present();
    }
    printf("hypercall_roundtrip_ns %.0f ns\n", (now_s() - start) / calls * 1e9);
}

static void guest_to_host(gp_channel sink, size_t size, const char *name)
{
    size_t total = 256u << 20, count = total / size;
    uint8_t *buffer = calloc(1, size);
    double start = now_s();
    for (size_t i = 0; i < count; i++) {
        gp_channel_write(sink, buffer, size);
    }
    printf("guest_to_host_%s_mib_s %.0f MiB/s\n", name, 256.0 / (now_s() - start));
    free(buffer);
}

static void host_to_guest(gp_channel source, size_t size, const char *name)
{
    size_t batch = (32u << 20) / size, rounds = 8;
    uint8_t *buffer = malloc(size);
    char command[64];
    double elapsed = 0;
    for (size_t r = 0; r < rounds; r++) {
        snprintf(command, sizeof command, "fill %zu %zu", size, batch);
        gp_channel_write(source, command, strlen(command)); /* queued synchronously */
        double start = now_s();
        for (size_t i = 0; i < batch; i++) {
            gp_channel_try_read(source, buffer, size);
        }
        elapsed += now_s() - start;
    }
    printf("host_to_guest_%s_mib_s %.0f MiB/s\n", name, 32.0 * rounds / elapsed);
    free(buffer);
}

static void cpu_workload(void)
{
    uint64_t x = 88172645463325252ull, sum = 0;
    double start = now_s();
    for (long i = 0; i < 300000000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        sum += x >> 60;
    }
    printf("cpu_workload_s %.3f s (checksum %llu)\n", now_s() - start, (unsigned long long)sum);
}

/* Every system call passes the core's syscall-instruction callback, so this
 * is where an idle core could cost the most. */
static void syscall_workload(void)
{
    long sum = 0;
    double start = now_s();
    for (long i = 0; i < 3000000; i++) {
        sum += getppid();
    }
    printf("syscall_workload_s %.3f s (checksum %ld)\n", now_s() - start, sum);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cpu") == 0) {
        cpu_workload();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "syscalls") == 0) {
        syscall_workload();
        return 0;
    }
    gp_channel sink, source;
    if (!gp_host_present() || gp_channel_main("sink", &sink) || gp_channel_main("source", &source)) {
        fprintf(stderr, "channel_bench: load the channel_bench host plugin\n");
        return 1;
    }
    roundtrip();
    const size_t sizes[] = { 4096, 65536, 1 << 20 };
    const char *names[] = { "4k", "64k", "1m" };
    for (int i = 0; i < 3; i++) {
        guest_to_host(sink, sizes[i], names[i]);
    }
    for (int i = 0; i < 3; i++) {
        host_to_guest(source, sizes[i], names[i]);
    }
    return 0;
}
