/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A busy multi-threaded process to be hijacked (inject_comm=threads):
 *   threads SECONDS
 * Run it under another name: it takes the name "threads" (every thread's
 * comm) only once it has recorded its state, so the hijack comes in the
 * middle of its work. Four threads make system calls for SECONDS, each
 * checking every result
 * (its pid, its own pipe's bytes back) and carrying a running checksum in
 * registers across them, while SIGALRM arrives every millisecond. At the
 * end the process compares its open descriptors, mappings, signal
 * dispositions and signal mask with those it had at the start. Prints
 * "threads: unchanged" and exits 0, or says what differs and exits 1.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define STATE_MAX 65536

static atomic_long alarms;
static volatile int seconds = 8;
static atomic_int failures;
static pthread_barrier_t recorded; /* the state before is recorded */

static void on_alarm(int signal_number)
{
    (void)signal_number;
    atomic_fetch_add(&alarms, 1);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void complain(const char *what, long detail)
{
    fprintf(stderr, "threads: %s (%ld)\n", what, detail);
    atomic_fetch_add(&failures, 1);
}

static void *work(void *argument)
{
    long id = (long)(intptr_t)argument;
    pthread_barrier_wait(&recorded);
    prctl(PR_SET_NAME, "threads");
    int ends[2];
    if (pipe(ends) != 0) {
        complain("pipe failed", id);
        return NULL;
    }
    pid_t pid = getpid();
    uint64_t sum = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1), check = sum;
    double end = now_s() + seconds;
    long rounds = 0;
    while (now_s() < end) {
        char out[32], in[32];
        int length = snprintf(out, sizeof out, "%ld:%ld", id, rounds);
        if (write(ends[1], out, (size_t)length) != length) {
            complain("write to its own pipe failed", id);
        }
        ssize_t got = read(ends[0], in, sizeof in);
        if (got != length || memcmp(in, out, (size_t)length) != 0) {
            complain("read back other bytes than it wrote", id);
        }
        if (getpid() != pid) {
            complain("getpid changed", id);
        }
        sum = sum * 6364136223846793005ull + 1442695040888963407ull;
        check = check * 6364136223846793005ull + 1442695040888963407ull;
        if (sum != check) {
            complain("a value kept across system calls changed", id);
        }
        rounds++;
    }
    close(ends[0]);
    close(ends[1]);
    return (void *)(intptr_t)rounds;
}

/* The descriptors, mappings and signal state, as text. */
static void describe(char *out, size_t size)
{
    size_t used = 0;
    DIR *fds = opendir("/proc/self/fd");
    struct dirent *entry;
    while (fds && (entry = readdir(fds))) {
        char link[256] = "", path[300];
        snprintf(path, sizeof path, "/proc/self/fd/%s", entry->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        link[n > 0 ? n : 0] = '\0';
        if (entry->d_name[0] != '.' && atoi(entry->d_name) != dirfd(fds)) {
            used += (size_t)snprintf(out + used, size - used, "fd %s %s\n", entry->d_name, link);
        }
    }
    if (fds) {
        closedir(fds);
    }
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    while (maps && fgets(line, sizeof line, maps) && used < size) {
        used += (size_t)snprintf(out + used, size - used, "map %s", line);
    }
    if (maps) {
        fclose(maps);
    }
    for (int s = 1; s < 32 && used < size; s++) {
        struct sigaction action;
        if (sigaction(s, NULL, &action) == 0) {
            used += (size_t)snprintf(out + used, size - used, "signal %d %p %x\n", s,
                                     (void *)action.sa_handler, (unsigned)action.sa_flags);
        }
    }
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    for (int s = 1; s < 32 && used < size; s++) {
        used += (size_t)snprintf(out + used, size - used, "%d", sigismember(&mask, s));
    }
}

int main(int argc, char **argv)
{
    static char before[STATE_MAX], after[STATE_MAX];
    seconds = argc > 1 ? atoi(argv[1]) : 8;
    signal(SIGALRM, on_alarm);
    struct itimerval every_ms = { { 0, 1000 }, { 0, 1000 } };
    setitimer(ITIMER_REAL, &every_ms, NULL);
    pthread_barrier_init(&recorded, NULL, WORKERS);
    pthread_t workers[WORKERS - 1];
    for (long i = 1; i < WORKERS; i++) {
        pthread_create(&workers[i - 1], NULL, work, (void *)(intptr_t)i);
    }
    /* The finished threads' stacks stay mapped (glibc keeps them for
     * reuse), so the state is recorded with all of them there. */
    describe(before, sizeof before);
    long rounds = (long)(intptr_t)work((void *)0);
    for (int i = 0; i < WORKERS - 1; i++) {
        void *result;
        pthread_join(workers[i], &result);
        rounds += (long)(intptr_t)result;
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);

    describe(after, sizeof after);
    if (strcmp(before, after) != 0) {
        fprintf(stderr, "threads: the process changed\n--- before\n%s\n--- after\n%s\n", before,
                after);
        atomic_fetch_add(&failures, 1);
    }
    printf("threads: %ld rounds, %ld alarms\n", rounds, (long)atomic_load(&alarms));
    if (atomic_load(&failures)) {
        return 1;
    }
    printf("threads: unchanged\n");
    return 0;
}
