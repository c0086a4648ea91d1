/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The attacker's side of channels (tests/integration/hostile_channels*.sh):
 * an unprivileged process (it drops to uid and gid 65534 first) tries, with
 * raw hypercalls, to use channels that were not given to it, and to make
 * the host spend memory, channels and log lines without bound. Every
 * attack must be refused; that the targets are intact is checked from
 * other processes (the host plugin's output, the victim plugin's report,
 * read-stash).
 *
 *   hostile_channels before-daemon    no guest_daemon yet: spoof its HELLO
 *                                     and its reports on channel 0
 *   hostile_channels attack           a victim plugin runs with secrets
 *                                     queued: find, read, forge, guess
 *   hostile_channels steal-daemon S   read channel 0 for S seconds while a
 *                                     plugin's ELF is streamed there
 *   hostile_channels flood-manager N  N unread manager replies (channels=open)
 *   hostile_channels flood-echo N LEN N unread LEN-byte echoes (channels=open)
 *   hostile_channels exhaust-channels GET_MANAGER until refused, in one
 *                                     process and then in many
 *   hostile_channels flood-log N      N of each guest-triggered log line
 *   hostile_channels get-manager      one GET_MANAGER (after a revert)
 *   hostile_channels read-stash N F   as root, with $GUESTPLUG_TOKEN: claim
 *                                     the host's control channel, have the
 *                                     host queue N secrets there, wait for
 *                                     file F (the attacker's turn), then
 *                                     read them back
 *
 * Prints "ok   CASE: ..." or "FAIL CASE: ..." per check and a closing
 * "hostile_channels: N passed, M failed"; exits 0 only when all passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch.h" /* gp_arch_hypercall: the raw trap */
#include "guestplug/abi.h"
#include "guestplug/channel.h"
#include "guestplug/daemon.h"

#define NOBODY 65534
#define NOT_FOUND ((unsigned long)-GP_ERR_NOT_FOUND)
#define FULL ((unsigned long)-GP_ERR_FULL)
#define MAX_ID 300 /* ids tried by brute force: far more than exist */

#include "../hostile_check.h"

static unsigned long raw(unsigned long op, unsigned long channel, unsigned long arg1,
                         unsigned long arg2)
{
    return gp_arch_hypercall(op, channel, arg1, arg2);
}

static bool drop_privileges(void)
{
    if (getuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
                          setresuid(NOBODY, NOBODY, NOBODY) != 0)) {
        perror("hostile_channels: dropping to nobody");
        return false;
    }
    bool nobody = getuid() == NOBODY && geteuid() == NOBODY && getgid() == NOBODY;
    check(nobody, "nobody", "running as uid 65534, gid 65534", (unsigned long)geteuid());
    return nobody;
}

static unsigned long lookup(const char *name)
{
    return raw(GP_OP_GET_CHANNEL_BY_NAME, 0, (unsigned long)name, strlen(name));
}

/* Frames of guest_daemon's protocol, as the daemon would send them. */
static size_t daemon_frame(uint8_t *out, uint32_t type, uint32_t request, uint32_t value,
                           const char *name)
{
    uint32_t words[4] = { type, (uint32_t)(4 + strlen(name)), request, value };
    /* Little-endian, as the protocol, whatever the guest's byte order. */
    for (size_t i = 0; i < sizeof words; i++) {
        out[i] = (uint8_t)(words[i / 4] >> (8 * (i % 4)));
    }
    memcpy(out + sizeof words, name, strlen(name));
    return sizeof words + strlen(name);
}

/* HELLO, STARTED, FAILED, EXITED, PONG for NAME on channel 0: all refused. */
static void forge_daemon_frames(const char *name, const char *plugin)
{
    static const uint32_t types[] = { GP_DAEMON_HELLO, GP_DAEMON_STARTED, GP_DAEMON_FAILED,
                                      GP_DAEMON_EXITED, GP_DAEMON_PONG };
    unsigned refused = 0, tried = 0;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (uint32_t request = 0; request < 64; request++) {
            uint8_t frame[128];
            size_t length = daemon_frame(frame, types[t], request,
                                         types[t] == GP_DAEMON_HELLO ? 4242 : 0,
                                         types[t] == GP_DAEMON_HELLO ? "" : plugin);
            refused += raw(GP_OP_WRITE, GP_DAEMON_CHANNEL, (unsigned long)frame, length) ==
                       NOT_FOUND;
            tried++;
        }
    }
    char what[160];
    snprintf(what, sizeof what, "%u forged HELLO (pid 4242), STARTED, FAILED, EXITED, PONG "
             "frames for \"%s\" on channel 0 -> -1 each", tried, plugin);
    check(refused == tried, name, what, refused);
    uint8_t buffer[GP_DAEMON_MAX_FRAME];
    memset(buffer, 0, sizeof buffer);
    unsigned long result = raw(GP_OP_READ, GP_DAEMON_CHANNEL, (unsigned long)buffer,
                               sizeof buffer);
    check(result == NOT_FOUND, name, "READ of channel 0 -> -1", result);
}

/* Tokens made up: random, all zero, the wrong length. */
static void guess_tokens(const char *name)
{
    char token[GP_TOKEN_LENGTH + 1];
    unsigned refused = 0, tries = 2000;
    for (unsigned i = 0; i < tries; i++) {
        uint8_t bytes[16];
        if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
            memset(bytes, (int)i, sizeof bytes);
        }
        for (int b = 0; b < 16; b++) {
            snprintf(token + 2 * b, 3, "%02x", bytes[b]);
        }
        refused += raw(GP_OP_CLAIM, 0, (unsigned long)token, GP_TOKEN_LENGTH) == NOT_FOUND;
    }
    check(refused == tries, name, "2000 random tokens -> -1 each", refused);
    memset(token, '0', GP_TOKEN_LENGTH);
    check(raw(GP_OP_CLAIM, 0, (unsigned long)token, GP_TOKEN_LENGTH) == NOT_FOUND, name,
          "the all-zero token -> -1", 0);
    unsigned long lengths[] = { 0, 1, 31, 33, 64, ~0ul };
    unsigned wrong = 0;
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        wrong += raw(GP_OP_CLAIM, 0, (unsigned long)token, lengths[i]) == NOT_FOUND;
    }
    check(wrong == sizeof lengths / sizeof lengths[0], name,
          "tokens of the wrong length -> -1 each", wrong);
}

/* Every name the attacker knows of, by GET_CHANNEL_BY_NAME and through a
 * manager channel of its own: none is found. Returns that manager channel. */
static unsigned long find_by_name(const char *name, const char *const *names)
{
    unsigned long manager = raw(GP_OP_GET_MANAGER, 0, 0, 0);
    check((long)manager > 0, name, "GET_MANAGER gives a channel of its own", manager);
    for (const char *const *target = names; *target; target++) {
        char what[128];
        snprintf(what, sizeof what, "GET_CHANNEL_BY_NAME \"%s\" -> -1", *target);
        unsigned long result = lookup(*target);
        check(result == NOT_FOUND, name, what, result);
        char request[4 + 64] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0 };
        size_t length = strlen(*target);
        memcpy(request + 4, *target, length);
        raw(GP_OP_WRITE, manager, (unsigned long)request, 4 + length);
        uint8_t reply[16];
        memset(reply, 0, sizeof reply);
        result = raw(GP_OP_READ, manager, (unsigned long)reply, sizeof reply);
        snprintf(what, sizeof what, "the manager's GET_CHANNEL_FROM_NAME \"%s\" -> no reply",
                 *target);
        check(result == 0, name, what, result);
    }
    return manager;
}

/* Every id there could be: READ and WRITE get -1, except the caller's own. */
static void brute_force_ids(const char *name, unsigned long own)
{
    static uint8_t buffer[65536];
    static const char forged[] = "result: forged by the attacker";
    unsigned read_refused = 0, write_refused = 0, tried = 0;
    unsigned long odd_id = 0, odd_read = NOT_FOUND, odd_write = NOT_FOUND;
    memset(buffer, 0, sizeof buffer);
    unsigned long ids[MAX_ID + 4];
    unsigned count = 0;
    for (unsigned long id = 0; id < MAX_ID; id++) {
        ids[count++] = id;
    }
    ids[count++] = 0xfffffffeul, ids[count++] = 0xfffffffful, ids[count++] = 1ul << 31;
    for (unsigned i = 0; i < count; i++) {
        if (ids[i] == own) {
            continue;
        }
        tried++;
        unsigned long read = raw(GP_OP_READ, ids[i], (unsigned long)buffer, sizeof buffer);
        unsigned long write = raw(GP_OP_WRITE, ids[i], (unsigned long)forged, sizeof forged - 1);
        read_refused += read == NOT_FOUND;
        write_refused += write == NOT_FOUND;
        if ((read != NOT_FOUND || write != NOT_FOUND) && odd_read == NOT_FOUND &&
            odd_write == NOT_FOUND) {
            odd_id = ids[i], odd_read = read, odd_write = write;
        }
    }
    if (odd_read != NOT_FOUND || odd_write != NOT_FOUND) {
        printf("note ids: channel %lu answered READ %#lx, WRITE %#lx\n", odd_id, odd_read,
               odd_write);
    }
    bool untouched = true;
    for (size_t i = 0; i < sizeof buffer; i++) {
        untouched &= buffer[i] == 0;
    }
    char what[128];
    snprintf(what, sizeof what, "READ of %u channel ids not its own -> -1 each", tried);
    check(read_refused == tried, name, what, read_refused);
    check(untouched, name, "not a byte delivered", 0);
    snprintf(what, sizeof what, "WRITE of a forged result to %u channel ids -> -1 each", tried);
    check(write_refused == tried, name, what, write_refused);
}

static bool all_digits(const char *text)
{
    for (; *text; text++) {
        if (*text < '0' || *text > '9') {
            return false;
        }
    }
    return true;
}

/* The pid of the first process named COMM, or 0. */
static int pid_of(const char *comm)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int pid = 0;
    while (proc && !pid && (entry = readdir(proc)) != NULL) {
        if (!all_digits(entry->d_name)) {
            continue;
        }
        char path[320], name[32] = { 0 };
        snprintf(path, sizeof path, "/proc/%s/comm", entry->d_name);
        FILE *file = fopen(path, "r");
        if (file && fgets(name, sizeof name, file)) {
            name[strcspn(name, "\n")] = '\0';
            pid = strcmp(name, comm) == 0 ? atoi(entry->d_name) : 0;
        }
        if (file) {
            fclose(file);
        }
    }
    if (proc) {
        closedir(proc);
    }
    return pid;
}

/* Does FILE hold 32 hex digits in a row, or the token variable's name? */
static bool has_token_text(const char *path)
{
    FILE *file = fopen(path, "r");
    char bytes[8192];
    size_t length = file ? fread(bytes, 1, sizeof bytes, file) : 0;
    if (file) {
        fclose(file);
    }
    unsigned run = 0;
    for (size_t i = 0; i < length; i++) {
        char c = bytes[i];
        run = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ? run + 1 : 0;
        if (run >= GP_TOKEN_LENGTH) {
            return true;
        }
    }
    return memmem(bytes, length, GP_TOKEN_ENV, strlen(GP_TOKEN_ENV)) != NULL;
}

/* Where a token could leak to an unprivileged user: /proc. */
static void look_for_tokens(const char *name, const char *const *holders)
{
    for (const char *const *comm = holders; *comm; comm++) {
        int pid = pid_of(*comm);
        char what[128], path[64];
        snprintf(what, sizeof what, "%s runs (pid %d)", *comm, pid);
        check(pid > 0, name, what, (unsigned long)pid);
        if (pid <= 0) {
            continue;
        }
        snprintf(path, sizeof path, "/proc/%d/environ", pid);
        int fd = open(path, O_RDONLY);
        snprintf(what, sizeof what, "its /proc/PID/environ cannot be opened (EACCES)");
        check(fd < 0 && errno == EACCES, name, what, (unsigned long)errno);
        if (fd >= 0) {
            close(fd);
        }
        errno = 0;
        long traced = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
        check(traced != 0 && errno == EPERM, name, "it cannot be ptraced (EPERM)",
              (unsigned long)errno);
    }
    /* Every process's argv: no token in any. */
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    unsigned scanned = 0, leaking = 0;
    while (proc && (entry = readdir(proc)) != NULL) {
        if (all_digits(entry->d_name)) {
            char path[320];
            snprintf(path, sizeof path, "/proc/%s/cmdline", entry->d_name);
            scanned++;
            leaking += has_token_text(path);
        }
    }
    if (proc) {
        closedir(proc);
    }
    char what[128];
    snprintf(what, sizeof what, "no token in the /proc/PID/cmdline of %u processes", scanned);
    check(scanned > 0 && leaking == 0, name, what, leaking);
}

/* A process that exits leaves its page directory to the next one the kernel
 * makes, and with it every channel it still owns: the next attacker would
 * start with this one's manager channel. Give it back; it is freed. */
static void give_back(const char *name, unsigned long manager)
{
    unsigned long result = raw(GP_OP_RELEASE, manager, 0, 0);
    check(result == 0, name, "RELEASE of its manager channel -> 0", result);
    result = raw(GP_OP_READ, manager, 0, 0);
    check(result == NOT_FOUND, name, "READ of the channel it gave back -> -1", result);
}

static int before_daemon(void)
{
    static const char *const names[] = { "guest_daemon", "hostile_target", "victim", NULL };
    if (!drop_privileges()) {
        return 1;
    }
    forge_daemon_frames("spoof-daemon", "victim");
    unsigned long manager = find_by_name("spoof-daemon", names);
    guess_tokens("spoof-daemon");
    give_back("spoof-daemon", manager);
    return 0;
}

static int attack(void)
{
    static const char *const names[] = { "victim", "guest_daemon", "hostile_target",
                                         "hostile_echo", NULL };
    static const char *const holders[] = { "guest_daemon", "victim", NULL };
    if (!drop_privileges()) {
        return 1;
    }
    unsigned long own = find_by_name("find", names);
    brute_force_ids("ids", own);
    forge_daemon_frames("forge", "victim");
    guess_tokens("guess");
    look_for_tokens("proc", holders);
    give_back("proc", own);
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int steal_daemon(double seconds)
{
    static uint8_t frame[GP_DAEMON_MAX_FRAME];
    if (!drop_privileges()) {
        return 1;
    }
    unsigned long reads = 0, refused = 0, delivered = 0;
    for (double end = now_s() + seconds; now_s() < end;) {
        unsigned long result = raw(GP_OP_READ, GP_DAEMON_CHANNEL, (unsigned long)frame,
                                   sizeof frame);
        reads++;
        refused += result == NOT_FOUND;
        delivered += (long)result >= 0;
    }
    char what[128];
    snprintf(what, sizeof what, "%lu READs of channel 0 while a plugin loads -> -1 each", reads);
    check(reads > 0 && refused == reads && delivered == 0, "steal-daemon", what, delivered);
    return 0;
}

static int flood_manager(unsigned long count, const char *target)
{
    if (!drop_privileges()) {
        return 1;
    }
    unsigned long manager = raw(GP_OP_GET_MANAGER, 0, 0, 0);
    char request[4 + 64] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0 };
    size_t length = strlen(target);
    memcpy(request + 4, target, length);
    unsigned long accepted = 0;
    for (unsigned long i = 0; i < count; i++) {
        accepted += raw(GP_OP_WRITE, manager, (unsigned long)request, 4 + length) == 4 + length;
    }
    uint8_t reply[4];
    unsigned long replies = 0;
    while ((long)raw(GP_OP_READ, manager, (unsigned long)reply, sizeof reply) == 4) {
        replies++;
    }
    char what[160];
    snprintf(what, sizeof what, "%lu of %lu requests on one manager channel, left unread, "
             "queued %lu replies", accepted, count, replies);
    check(accepted == count && replies > 0 && replies <= 64, "flood-manager", what, replies);
    return 0;
}

static int flood_echo(unsigned long count, size_t size)
{
    static uint8_t message[4096];
    if (!drop_privileges()) {
        return 1;
    }
    unsigned long echo = lookup("hostile_echo");
    check((long)echo > 0, "flood-echo", "hostile_echo found by name (channels=open)", echo);
    unsigned long accepted = 0;
    for (unsigned long i = 0; i < count; i++) {
        accepted += raw(GP_OP_WRITE, echo, (unsigned long)message, size) == size;
    }
    char what[128];
    snprintf(what, sizeof what, "%lu WRITEs of %zu bytes to an echo, left unread", accepted,
             size);
    check(accepted == count, "flood-echo", what, accepted);
    return 0;
}

/* GET_MANAGER until refused; returns how many it got. */
static unsigned take_channels(void)
{
    unsigned got = 0;
    while (got < 100000) {
        unsigned long result = raw(GP_OP_GET_MANAGER, 0, 0, 0);
        if (result == FULL) {
            break;
        }
        if ((long)result < 0) {
            return got | 0x80000000u;
        }
        got++;
    }
    return got;
}

static int exhaust_channels(void)
{
    if (!drop_privileges()) {
        return 1;
    }
    unsigned first = take_channels();
    char what[128];
    snprintf(what, sizeof what, "one process gets %u channels, then -4", first);
    check(first > 0 && first < 0x80000000u, "exhaust", what, first);
    unsigned total = first, processes = 1;
    /* Each child is a new address space with a share of its own, until the
     * guest's share in all is used up. The children live until the end: a
     * child that exited would leave its page directory to the next one,
     * which would then be the same address space to the host. */
    int hold[2];
    if (pipe(hold) != 0) {
        return 1;
    }
    for (; processes < 1000; processes++) {
        int pipe_fds[2];
        if (pipe(pipe_fds) != 0) {
            break;
        }
        pid_t child = fork();
        if (child == 0) {
            close(hold[1]);
            unsigned got = take_channels();
            ssize_t written = write(pipe_fds[1], &got, sizeof got);
            char byte;
            while (read(hold[0], &byte, 1) > 0) {
            }
            _exit(written == (ssize_t)sizeof got ? 0 : 1);
        }
        unsigned got = 0;
        close(pipe_fds[1]);
        if (read(pipe_fds[0], &got, sizeof got) != (ssize_t)sizeof got) {
            got = 0x80000000u;
        }
        close(pipe_fds[0]);
        if (got == 0 || got >= 0x80000000u) {
            break;
        }
        total += got;
    }
    close(hold[1]);
    close(hold[0]);
    while (wait(NULL) > 0) {
    }
    snprintf(what, sizeof what, "%u processes got %u channels in all, then every one gets -4",
             processes, total);
    check(total > first, "exhaust", what, total);
    printf("exhaust: total %u\n", total);
    return 0;
}

static int flood_log(unsigned long count)
{
    if (!drop_privileges()) {
        return 1;
    }
    static const char text[] = "attacker's error text, over and over";
    static const char missing[] = "no-such-channel-of-the-attacker";
    char token[GP_TOKEN_LENGTH];
    memset(token, 'f', sizeof token);
    unsigned long manager = raw(GP_OP_GET_MANAGER, 0, 0, 0);
    char unknown[8] = { 9, 0, 0, 0, 'x' };
    char debug[4 + sizeof text] = { GP_MANAGER_DEBUG_OUTPUT, 0, 0, 0 };
    memcpy(debug + 4, text, sizeof text - 1);
    char miss[4 + sizeof missing] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0 };
    memcpy(miss + 4, missing, sizeof missing - 1);
    for (unsigned long i = 0; i < count; i++) {
        raw(GP_OP_ERROR, 0, (unsigned long)text, sizeof text - 1);
        raw(GP_OP_GET_CHANNEL_BY_NAME, 0, (unsigned long)missing, sizeof missing - 1);
        raw(GP_OP_CLAIM, 0, (unsigned long)token, sizeof token);
        raw(GP_OP_WRITE, manager, (unsigned long)unknown, 5);
        raw(GP_OP_WRITE, manager, (unsigned long)debug, sizeof debug - 1);
        raw(GP_OP_WRITE, manager, (unsigned long)miss, sizeof miss - 1);
        raw(GP_OP_WRITE, manager, (unsigned long)unknown, 2);
    }
    printf("flood-log: %lu of each of 7 guest-triggered log lines sent\n", count);
    return 0;
}

static int get_manager(void)
{
    if (!drop_privileges()) {
        return 1;
    }
    unsigned long result = raw(GP_OP_GET_MANAGER, 0, 0, 0);
    check((long)result > 0, "get-manager", "GET_MANAGER gives a channel", result);
    return 0;
}

/* The owner's view: every secret the host stashed is there, in order. */
static int read_stash(unsigned count, const char *go_file)
{
    const char *token = getenv(GP_TOKEN_ENV);
    gp_channel ch;
    bool claimed = token && gp_channel_claim(token, strlen(token), &ch) == 0;
    check(claimed, "stash", "the token's holder claims the control channel", 0);
    if (!claimed) {
        return 1;
    }
    char command[32];
    int length = snprintf(command, sizeof command, "stash %u", count);
    gp_channel_write(ch, command, (size_t)length);
    printf("stash: %u secrets queued, waiting for %s\n", count, go_file);
    fflush(stdout);
    for (int i = 0; i < 1200 && access(go_file, F_OK) != 0; i++) {
        usleep(100 * 1000);
    }
    unsigned intact = 0;
    for (unsigned i = 0; i < count; i++) {
        char got[64] = { 0 }, want[32];
        snprintf(want, sizeof want, "secret-%03u", i);
        ssize_t length = gp_channel_try_read(ch, got, sizeof got - 1);
        intact += length == (ssize_t)strlen(want) && memcmp(got, want, (size_t)length) == 0;
    }
    char extra[64];
    char what[96];
    snprintf(what, sizeof what, "%u of %u secrets read back whole and in order", intact, count);
    check(intact == count, "stash", what, intact);
    check(gp_channel_try_read(ch, extra, sizeof extra) == 0, "stash", "nothing else queued", 0);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 2;
    if (!gp_host_present()) {
        fprintf(stderr, "hostile_channels: no guestplug host\n");
        return 2;
    }
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "before-daemon") == 0) {
        status = before_daemon();
    } else if (strcmp(mode, "attack") == 0) {
        status = attack();
    } else if (strcmp(mode, "steal-daemon") == 0 && argc == 3) {
        status = steal_daemon(atof(argv[2]));
    } else if (strcmp(mode, "flood-manager") == 0 && argc == 4) {
        status = flood_manager(strtoul(argv[2], NULL, 10), argv[3]);
    } else if (strcmp(mode, "flood-echo") == 0 && argc == 4) {
        status = flood_echo(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10));
    } else if (strcmp(mode, "exhaust-channels") == 0) {
        status = exhaust_channels();
    } else if (strcmp(mode, "flood-log") == 0 && argc == 3) {
        status = flood_log(strtoul(argv[2], NULL, 10));
    } else if (strcmp(mode, "get-manager") == 0) {
        status = get_manager();
    } else if (strcmp(mode, "read-stash") == 0 && argc == 4) {
        status = read_stash((unsigned)strtoul(argv[2], NULL, 10), argv[3]);
    } else {
        fprintf(stderr, "usage: see the top of tests/guest/hostile_channels/hostile_channels.c\n");
        return 2;
    }
    printf("hostile_channels: %u passed, %u failed\n", passed, failed);
    return status == 0 && failed == 0 ? 0 : 1;
}
