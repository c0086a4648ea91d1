/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_daemon: the loader that guestplug injects into a guest. Static,
 * tiny and free of the guest's C library, so it runs on any Linux guest.
 *
 * It detaches from the process it was injected into, claims channel 0 with
 * the token the injector put in its environment (only the daemon may read
 * and write channel 0), announces itself, then serves the control protocol
 * of include/guestplug/daemon.h:
 * each LOAD streams a guest plugin's ELF into a memfd (or, on kernels
 * without memfd, a file in a writable tmpfs: tmpfs_file.c), runs it with its
 * channel name, and reports STARTED / FAILED and later EXITED with the wait
 * status; each PING is answered with a PONG, so the host knows it is alive.
 */
#include <errno.h>
#include <linux/auxvec.h>
#include <stdint.h>
#include <sys/wait.h>

#include "guestplug/channel.h"
#include "guestplug/daemon.h"
#include "sys.h"
#include "tmpfs_file.h"

#define MAX_PLUGINS 64
#define POLL_FIRST_NS 100000L    /* 0.1 ms */
#define POLL_LIMIT_NS 10000000L  /* 10 ms, PANDA's period */

static gp_channel control = { GP_DAEMON_CHANNEL };
static uint8_t frame[GP_DAEMON_MAX_FRAME];
static int use_memfd = 1;   /* GUESTPLUG_MEMFD=off in our environment: 0 */
static uint32_t daemon_pid; /* after detaching */
static char control_token[GP_TOKEN_LENGTH]; /* channel 0's; none: all zero */

/* The plugin being received (at most one at a time) and the running ones. */
static struct {
    uint32_t request;
    char name[GP_DAEMON_MAX_NAME + 1];
    uint64_t size, received;
    int fd;                     /* -1 when nothing is being received */
    char path[TMPFS_PATH_MAX];  /* what execve runs */
    int in_tmpfs;               /* PATH is a tmpfs file, removed after exec */
    char token[GP_TOKEN_LENGTH]; /* its main channel's, for its environment only */
} loading = { .fd = -1 };

static struct {
    int pid;
    char name[GP_DAEMON_MAX_NAME + 1];
} running[MAX_PLUGINS];

static size_t length_of(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void copy_text(char *to, const char *from, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        to[i] = from[i];
    }
    to[length] = '\0';
}

static void put_u32(uint8_t *at, uint32_t value)
{
    at[0] = (uint8_t)value, at[1] = (uint8_t)(value >> 8);
    at[2] = (uint8_t)(value >> 16), at[3] = (uint8_t)(value >> 24);
}

static uint32_t get_u32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

/* Sends a frame whose payload is a 32-bit value followed by NAME. */
static void send_frame(uint32_t type, uint32_t request, uint32_t value, const char *name)
{
    static uint8_t out[GP_DAEMON_HEADER_SIZE + 4 + GP_DAEMON_MAX_NAME];
    size_t name_length = name ? length_of(name) : 0;
    put_u32(out, type);
    put_u32(out + 4, (uint32_t)(4 + name_length));
    put_u32(out + 8, request);
    put_u32(out + 12, value);
    copy_text((char *)out + 16, name ? name : "", name_length);
    gp_channel_write(control, out, GP_DAEMON_HEADER_SIZE + 4 + name_length);
}

/* Writes the decimal digits of VALUE at OUT, NUL-terminated; returns the end. */
static char *append_decimal(char *out, unsigned long value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) {
        *out++ = digits[--n];
    }
    *out = '\0';
    return out;
}

static char *append_text(char *out, const char *text)
{
    size_t length = length_of(text);
    copy_text(out, text, length);
    return out + length;
}

/* A file to hold the ELF: a memfd, or on kernels before 3.17 (and with
 * inject_memfd=off) a new file in a writable tmpfs. */
static long open_elf_file(void)
{
    long fd = use_memfd ? sys_memfd_create("guestplug", 0) : -ENOSYS;
    loading.in_tmpfs = 0;
    if (fd >= 0) {
        append_decimal(append_text(loading.path, "/proc/self/fd/"), (unsigned long)fd);
        return fd;
    }
    fd = tmpfs_file_create(loading.path);
    loading.in_tmpfs = fd >= 0;
    return fd;
}

/* Closes and, for a tmpfs file, removes what held the ELF. */
static void drop_elf_file(void)
{
    if (loading.fd >= 0) {
        sys_close(loading.fd);
    }
    if (loading.in_tmpfs) {
        sys_unlinkat(loading.path);
    }
    loading.fd = -1;
    loading.in_tmpfs = 0;
}

static void forget_token(char *token)
{
    volatile char *bytes = token; /* not optimised away: the point is that it is gone */
    for (size_t i = 0; i < GP_TOKEN_LENGTH; i++) {
        bytes[i] = 0;
    }
}

static void fail_load(int error)
{
    send_frame(GP_DAEMON_FAILED, loading.request, (uint32_t)error, loading.name);
    drop_elf_file();
    forget_token(loading.token);
}

static void remember(int pid, const char *name)
{
    for (int i = 0; i < MAX_PLUGINS; i++) {
        if (running[i].pid == 0) {
            running[i].pid = pid;
            copy_text(running[i].name, name, length_of(name));
            return;
        }
    }
}

/* The ELF is complete: run it in a child of its own session. */
static void start_plugin(void)
{
    char env_channel[sizeof "GUESTPLUG_CHANNEL=" + GP_DAEMON_MAX_NAME];
    copy_text(env_channel, "GUESTPLUG_CHANNEL=", 18);
    copy_text(env_channel + 18, loading.name, length_of(loading.name));
    /* The plugin's own token, never ours: its environment is made here. */
    char env_token[sizeof GP_TOKEN_ENV "=" + GP_TOKEN_LENGTH];
    copy_text(env_token, GP_TOKEN_ENV "=", sizeof GP_TOKEN_ENV);
    copy_text(env_token + sizeof GP_TOKEN_ENV, loading.token, GP_TOKEN_LENGTH);
    char *argv[] = { loading.name, 0 };
    char *envp[] = { env_channel, env_token,
                     "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "HOME=/", 0 };

    /* The kernel refuses to exec a file that anyone holds open for writing
     * (ETXTBSY), and the child would inherit our descriptor: close it
     * first. A memfd is run through its descriptor, so it stays open. */
    if (loading.in_tmpfs) {
        sys_close(loading.fd);
        loading.fd = -1;
    }
    /* The parent resumes only once the child has exec'd or died, so the
     * ELF file can be closed and removed right after. A failed execve is
     * told through a close-on-exec pipe: a successful one closes it empty. */
    int status_pipe[2];
    long pid = sys_pipe_cloexec(status_pipe);
    if (pid == 0) {
        pid = sys_vfork_copy();
        if (pid < 0) {
            sys_close(status_pipe[0]);
            sys_close(status_pipe[1]);
        }
    }
    if (pid == 0) {
        sys_close(status_pipe[0]);
        sys_setsid();
        int error = (int)-sys_execve(loading.path, argv, envp);
        sys_write(status_pipe[1], &error, sizeof error);
        sys_exit(127);
    }
    if (pid > 0) {
        int exec_error = 0;
        sys_close(status_pipe[1]);
        if (sys_read(status_pipe[0], &exec_error, sizeof exec_error) == sizeof exec_error) {
            int status;
            sys_wait4((int)pid, &status, 0); /* it exits at once: reap it here */
            pid = -exec_error;
        }
        sys_close(status_pipe[0]);
    }
    forget_token(env_token + sizeof GP_TOKEN_ENV);
    if (pid < 0) {
        fail_load((int)-pid);
        return;
    }
    remember((int)pid, loading.name);
    send_frame(GP_DAEMON_STARTED, loading.request, (uint32_t)pid, loading.name);
    drop_elf_file();
    forget_token(loading.token);
}

static void handle_load(uint32_t request, const uint8_t *payload, uint32_t length)
{
    if (loading.fd >= 0) {
        fail_load(EBUSY); /* the previous LOAD never completed */
    }
    loading.request = request;
    uint32_t name_length = length >= 12 ? get_u32(payload + 8) : 0;
    if (length < 12 || name_length == 0 || name_length > GP_DAEMON_MAX_NAME ||
        name_length > length - 12 || length - 12 - name_length != GP_TOKEN_LENGTH) {
        loading.name[0] = '\0';
        send_frame(GP_DAEMON_FAILED, request, EINVAL, "");
        return;
    }
    copy_text(loading.name, (const char *)payload + 12, name_length);
    for (size_t i = 0; i < GP_TOKEN_LENGTH; i++) {
        loading.token[i] = (char)payload[12 + name_length + i];
    }
    loading.size = (uint64_t)get_u32(payload) | (uint64_t)get_u32(payload + 4) << 32;
    loading.received = 0;
    long fd = open_elf_file();
    if (fd < 0) {
        loading.fd = -1;
        fail_load((int)-fd);
        return;
    }
    loading.fd = (int)fd;
    if (loading.size == 0) {
        fail_load(ENOEXEC);
    }
}

static void handle_data(uint32_t request, const uint8_t *payload, uint32_t length)
{
    if (loading.fd < 0 || request != loading.request) {
        return; /* a chunk of a load that already failed */
    }
    if (loading.received + length > loading.size) {
        fail_load(EFBIG);
        return;
    }
    for (uint32_t done = 0; done < length;) {
        long written = sys_write(loading.fd, payload + done, length - done);
        if (written <= 0) {
            fail_load(written < 0 ? (int)-written : EIO);
            return;
        }
        done += (uint32_t)written;
    }
    loading.received += length;
    if (loading.received == loading.size) {
        start_plugin();
    }
}

static void reap_children(void)
{
    int status = 0;
    long pid;
    while ((pid = sys_wait4(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < MAX_PLUGINS; i++) {
            if (running[i].pid == pid) {
                send_frame(GP_DAEMON_EXITED, 0, (uint32_t)status, running[i].name);
                running[i].pid = 0;
            }
        }
    }
}

/* Leave the hijacked process behind for good: a grandchild in a new
 * session, stdio on /dev/null so the injected process's terminal is
 * untouched. */
static void detach(void)
{
    long pid = sys_fork();
    if (pid != 0) {
        sys_exit(pid < 0 ? 1 : 0);
    }
    sys_setsid();
    /* exec through /proc/self/fd/N named us "N"; name us for ps and analysts. */
    sys_set_name("guest_daemon");
    long null_fd = sys_openat("/dev/null", O_RDWR, 0);
    if (null_fd >= 0) {
        for (int fd = 0; fd < 3; fd++) {
            if (fd != null_fd) {
                sys_dup3((int)null_fd, fd);
            }
        }
        if (null_fd > 2) {
            sys_close((int)null_fd);
        }
    }
}

static int same_text(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++, b++;
    }
    return *a == *b;
}

/* Random bytes for tmpfs names: the kernel's AT_RANDOM (2.6.29 and later),
 * else /dev/urandom; without either the tmpfs fallback stays off. */
static void seed_names(const unsigned long *auxv)
{
    for (; auxv[0] != AT_NULL; auxv += 2) {
        if (auxv[0] == AT_RANDOM && auxv[1]) {
            tmpfs_file_seed((const uint8_t *)auxv[1]);
            return;
        }
    }
    uint8_t key[16];
    long fd = sys_openat("/dev/urandom", O_RDONLY | O_CLOEXEC, 0);
    if (fd >= 0 && sys_read((int)fd, key, sizeof key) == (long)sizeof key) {
        tmpfs_file_seed(key);
    }
    if (fd >= 0) {
        sys_close((int)fd);
    }
}

/* Does TEXT start with PREFIX? */
static int starts_with(const char *text, const char *prefix)
{
    while (*prefix && *text == *prefix) {
        text++, prefix++;
    }
    return *prefix == '\0';
}

/* STACK is the kernel's initial stack: argc, argv, NULL, envp, NULL, auxv. */
static void read_settings(long *stack)
{
    char **envp = (char **)(stack + 1 + stack[0] + 1);
    static const char memfd_off[] = GP_DAEMON_ENV_MEMFD "=" GP_DAEMON_MEMFD_OFF;
    static const char token_prefix[] = GP_TOKEN_ENV "=";
    while (*envp) {
        if (same_text(*envp, memfd_off)) {
            use_memfd = 0;
        }
        if (starts_with(*envp, token_prefix) &&
            length_of(*envp + sizeof token_prefix - 1) == GP_TOKEN_LENGTH) {
            char *value = *envp + sizeof token_prefix - 1;
            for (size_t i = 0; i < GP_TOKEN_LENGTH; i++) {
                control_token[i] = value[i];
            }
            /* /proc/PID/environ shows this memory: wipe the token there. */
            forget_token(value);
        }
        envp++;
    }
    seed_names((const unsigned long *)(envp + 1));
}

__attribute__((used)) void gp_daemon_main(long *stack)
{
    read_settings(stack);
    detach();
    long delay = POLL_FIRST_NS;
    while (!gp_host_present()) {
        sys_nanosleep_ns(POLL_LIMIT_NS);
    }
    /* Channel 0 becomes this address space's: after detach, which made it
     * (a fork is a new one). No host wants a daemon whose claim fails. */
    if (gp_channel_claim(control_token, GP_TOKEN_LENGTH, &control) != 0 ||
        control.id != GP_DAEMON_CHANNEL) {
        sys_exit(3);
    }
    daemon_pid = (uint32_t)sys_getpid();
    send_frame(GP_DAEMON_HELLO, 0, daemon_pid, "");
    for (;;) {
        ssize_t got = gp_channel_try_read(control, frame, sizeof frame);
        if (got == -ENOENT) {
            /* Channel 0 was given to a newer daemon (this one was taken for
             * gone, or the guest was reverted to a snapshot with it). */
            sys_exit(0);
        }
        if (got >= (ssize_t)GP_DAEMON_HEADER_SIZE) {
            uint32_t type = get_u32(frame), length = get_u32(frame + 4);
            uint32_t request = get_u32(frame + 8);
            if (length <= (uint32_t)got - GP_DAEMON_HEADER_SIZE) {
                if (type == GP_DAEMON_LOAD) {
                    handle_load(request, frame + GP_DAEMON_HEADER_SIZE, length);
                } else if (type == GP_DAEMON_DATA) {
                    handle_data(request, frame + GP_DAEMON_HEADER_SIZE, length);
                } else if (type == GP_DAEMON_PING) {
                    send_frame(GP_DAEMON_PONG, request, daemon_pid, "");
                }
            }
            delay = POLL_FIRST_NS;
            continue;
        }
        reap_children();
        sys_nanosleep_ns(delay);
        delay = delay * 2 > POLL_LIMIT_NS ? POLL_LIMIT_NS : delay * 2;
    }
}

GP_ARCH_DEFINE_START(gp_daemon_main);
