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
 * channel name (spawn.c), and reports STARTED / FAILED and later EXITED
 * with the wait status; each PING is answered with a PONG, so the host
 * knows it is alive. How it waits for the host: host_wait.h.
 */
#include <errno.h>
#include <linux/auxvec.h>
#include <stdint.h>
#include <sys/wait.h>

#include "guestplug/channel.h"
#include "guestplug/daemon.h"
#include "host_wait.h"
#include "spawn.h"
#include "sys.h"
#include "text.h"
#include "tmpfs_file.h"

#define MAX_PLUGINS 64
/* ELF bytes moved per READ and write: few system calls and hypercalls per
 * plugin, and little memory kept by an idle daemon. */
#define DATA_CHUNK (256u * 1024u)
/* The largest frame the daemon acts on besides DATA (LOAD is the largest). */
#define CONTROL_PAYLOAD_MAX (12u + GP_DAEMON_MAX_NAME + GP_DAEMON_TOKEN_LENGTH)

static gp_channel control = { GP_DAEMON_CHANNEL };
static uint8_t control_payload[CONTROL_PAYLOAD_MAX];
/* Page-aligned, so the kernel copies whole pages into the ELF's file. */
static uint8_t data_chunk[DATA_CHUNK] __attribute__((aligned(4096)));
static int use_memfd = 1;   /* GUESTPLUG_MEMFD=off in our environment: 0 */
static uint32_t daemon_pid; /* after detaching */
static char control_token[GP_TOKEN_LENGTH]; /* channel 0's; none: all zero */

/* The plugin being received (at most one at a time) and the running ones. */
static struct {
    uint32_t request;
    char name[GP_DAEMON_MAX_NAME + 1];
    uint64_t size, received;
    int fd;                     /* -1 when nothing is being received */
    char path[TMPFS_PATH_MAX];  /* the tmpfs file's, when in_tmpfs */
    int in_tmpfs;               /* the ELF is in a tmpfs file, removed after exec */
    char token[GP_TOKEN_LENGTH]; /* its main channel's, for its environment only */
} loading = { .fd = -1 };

static struct {
    int pid;
    char name[GP_DAEMON_MAX_NAME + 1];
} running[MAX_PLUGINS];

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
    static uint8_t out[GP_DAEMON_HEADER_SIZE + 4 + GP_DAEMON_MAX_NAME + 1]; /* + text_copy's NUL */
    size_t name_length = name ? text_length(name) : 0;
    put_u32(out, type);
    put_u32(out + 4, (uint32_t)(4 + name_length));
    put_u32(out + 8, request);
    put_u32(out + 12, value);
    text_copy((char *)out + 16, name ? name : "", name_length);
    gp_channel_write(control, out, GP_DAEMON_HEADER_SIZE + 4 + name_length);
    /* The host may answer a report a moment later; a PONG is the end of
     * a keepalive, which must not keep the daemon looking often. */
    if (type != GP_DAEMON_PONG) {
        host_wait_activity();
    }
}

/* A file to hold the ELF: a memfd, or on kernels before 3.17 (and with
 * inject_memfd=off) a new file in a writable tmpfs. */
static long open_elf_file(void)
{
    /* Close-on-exec: the plugin need not hold a writable descriptor of its
     * own ELF, and both ways of running a memfd (spawn.h) open it before
     * the exec closes the descriptor. */
    long fd = use_memfd ? sys_memfd_create("guestplug", MFD_CLOEXEC) : -ENOSYS;
    loading.in_tmpfs = 0;
    if (fd >= 0) {
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
            text_copy(running[i].name, name, text_length(name));
            return;
        }
    }
}

/* Writes all of BYTES to FD: 0 or -errno. */
static long write_all(int fd, const uint8_t *bytes, size_t length)
{
    for (size_t done = 0; done < length;) {
        long written = sys_write(fd, bytes + done, length - done);
        if (written <= 0) {
            return written < 0 ? written : -EIO;
        }
        done += (size_t)written;
    }
    return 0;
}

/*
 * The memfd could not be run through its descriptor (no execveat, no
 * /proc, a memfd the kernel will not execute): copy the ELF into a tmpfs
 * file, which has a path. 0 or -errno; on success loading.fd is closed
 * (an exec'd file must not be open for writing) and loading.path is set.
 */
static long move_elf_to_tmpfs(void)
{
    long tmpfs_fd = tmpfs_file_create(loading.path);
    if (tmpfs_fd < 0) {
        return tmpfs_fd;
    }
    long result = sys_lseek_start(loading.fd);
    while (result >= 0) {
        long got = sys_read(loading.fd, data_chunk, sizeof data_chunk);
        result = got <= 0 ? got : write_all((int)tmpfs_fd, data_chunk, (size_t)got);
        if (got == 0) {
            break;
        }
    }
    sys_close((int)tmpfs_fd);
    sys_close(loading.fd);
    loading.fd = -1;
    loading.in_tmpfs = 1; /* removed by drop_elf_file, whatever happens */
    return result;
}

/* The ELF is complete: run it in a child of its own session. */
static void start_plugin(void)
{
    char env_channel[sizeof "GUESTPLUG_CHANNEL=" + GP_DAEMON_MAX_NAME];
    text_copy(env_channel, "GUESTPLUG_CHANNEL=", 18);
    text_copy(env_channel + 18, loading.name, text_length(loading.name));
    /* The plugin's own token, never ours: its environment is made here. */
    char env_token[sizeof GP_TOKEN_ENV "=" + GP_TOKEN_LENGTH];
    text_copy(env_token, GP_TOKEN_ENV "=", sizeof GP_TOKEN_ENV);
    text_copy(env_token + sizeof GP_TOKEN_ENV, loading.token, GP_TOKEN_LENGTH);
    char *argv[] = { loading.name, 0 };
    char *envp[] = { env_channel, env_token,
                     "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "HOME=/", 0 };

    long pid;
    if (!loading.in_tmpfs) {
        /* A memfd runs through its descriptor, which stays open for it. */
        pid = spawn_plugin(loading.fd, 0, argv, envp);
        /* Without a file to copy it to, the exec's own error says more. */
        if (spawn_needs_a_path(pid) && move_elf_to_tmpfs() == 0) {
            pid = spawn_plugin(-1, loading.path, argv, envp);
        }
    } else {
        /* The kernel refuses to exec a file that anyone holds open for
         * writing (ETXTBSY), and the child would inherit our descriptor. */
        sys_close(loading.fd);
        loading.fd = -1;
        pid = spawn_plugin(-1, loading.path, argv, envp);
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
    text_copy(loading.name, (const char *)payload + 12, name_length);
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

/*
 * Reads the next LENGTH bytes of the frame whose header was just read into
 * TO (at most DATA_CHUNK). A READ that ends the frame early answers fewer
 * bytes (a READ never joins two messages): the frame was shorter than its
 * header said. Returns the bytes read or -errno.
 */
static long read_payload(uint8_t *to, size_t length)
{
    return length ? gp_channel_try_read(control, to, length) : 0;
}

/* Reads and drops LENGTH bytes of the current frame, or up to its end. */
static void skip_payload(uint32_t length)
{
    while (length) {
        size_t piece = length < DATA_CHUNK ? length : DATA_CHUNK;
        long got = read_payload(data_chunk, piece);
        if (got != (long)piece) {
            return; /* the frame (or channel 0) ended */
        }
        length -= (uint32_t)piece;
    }
}

/*
 * A DATA frame of LENGTH bytes: its payload goes from channel 0 through
 * one page-aligned buffer into the ELF's file, a DATA_CHUNK at a time, so
 * a frame may be far longer than the buffer and the kernel copies whole
 * pages. (Reading into a mapping of the memfd instead saves that copy but
 * costs more: faulting in and mapping each page of the file is slower
 * under TCG than the kernel's copy.)
 */
static void handle_data(uint32_t request, uint32_t length)
{
    if (loading.fd < 0 || request != loading.request) {
        skip_payload(length); /* a chunk of a load that already failed */
        return;
    }
    if (loading.received + length > loading.size) {
        skip_payload(length);
        fail_load(EFBIG);
        return;
    }
    while (length) {
        size_t piece = length < DATA_CHUNK ? length : DATA_CHUNK;
        long got = read_payload(data_chunk, piece);
        long written = got == (long)piece ? write_all(loading.fd, data_chunk, piece) : 0;
        if (got != (long)piece || written < 0) {
            fail_load(got < 0 ? (int)-got : written < 0 ? (int)-written : EPROTO);
            return;
        }
        loading.received += piece;
        length -= (uint32_t)piece;
    }
    if (loading.received == loading.size) {
        start_plugin();
    }
}

/* One frame whose header is HEADER: read the rest of it and act on it. */
static void handle_frame(const uint8_t *header)
{
    uint32_t type = get_u32(header), length = get_u32(header + 4);
    uint32_t request = get_u32(header + 8);
    if (type == GP_DAEMON_DATA) {
        handle_data(request, length);
        return;
    }
    if (length > sizeof control_payload ||
        read_payload(control_payload, length) != (long)length) {
        skip_payload(length); /* not a frame of ours: drop the rest of it */
        return;
    }
    if (type == GP_DAEMON_LOAD) {
        handle_load(request, control_payload, length);
    } else if (type == GP_DAEMON_PING) {
        send_frame(GP_DAEMON_PONG, request, daemon_pid, "");
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
    /* Run through its descriptor (execveat, or /proc/self/fd/N), the kernel
     * named us "N", after it: name us for ps and analysts. */
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
            text_length(*envp + sizeof token_prefix - 1) == GP_TOKEN_LENGTH) {
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
    host_wait_init();
    /* A plugin's child (spawn.c) only execs: leave the buffer out of its
     * copy of us, so our pages of it are not made copy-on-write, which the
     * next load's writes would then fault on one page at a time. */
    sys_madvise(data_chunk, sizeof data_chunk, MADV_DONTFORK);
    while (!gp_host_present()) {
        host_wait_round();
    }
    /* Channel 0 becomes this address space's: after detach, which made it
     * (a fork is a new one). No host wants a daemon whose claim fails. */
    if (gp_channel_claim(control_token, GP_TOKEN_LENGTH, &control) != 0 ||
        control.id != GP_DAEMON_CHANNEL) {
        sys_exit(3);
    }
    daemon_pid = (uint32_t)sys_getpid();
    send_frame(GP_DAEMON_HELLO, 0, daemon_pid, "");
    host_wait_activity();
    for (;;) {
        /* The header alone first: the payload then goes where its type
         * says, a DATA frame's straight to the ELF's file. */
        uint8_t header[GP_DAEMON_HEADER_SIZE];
        ssize_t got = gp_channel_try_read(control, header, sizeof header);
        if (got == -ENOENT) {
            /* Channel 0 was given to a newer daemon (this one was taken for
             * gone, or the guest was reverted to a snapshot with it). */
            gp_error("guest_daemon: channel 0 is no longer this process's (a READ and a claim "
                     "with its token were refused): exiting");
            sys_exit(0);
        }
        if (got == (ssize_t)sizeof header) {
            /* The host pings every second while plugins run: only other
             * frames mean it is busy with us. */
            if (get_u32(header) != GP_DAEMON_PING) {
                host_wait_activity();
            }
            handle_frame(header);
            continue;
        }
        if (got > 0) {
            continue; /* a frame shorter than a header: nothing to act on */
        }
        reap_children();
        host_wait_round();
    }
}

GP_ARCH_DEFINE_START(gp_daemon_main);
