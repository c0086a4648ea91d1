/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemu_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "run_dir.h"

#define STDERR_TAIL_BYTES 4096
#define MAX_LIVE_PROCESSES 32
#define MAX_PATH_BYTES 256

struct gp_qemu_process {
    char *dir;
    GPtrArray *files;     /* paths handed out by gp_qemu_process_path */
    pid_t pid;            /* 0 before spawn and after reaping */
    int slot;             /* index in live_processes */
    int lock_fd;          /* holds the directory's GP_RUN_DIR_LOCK */
    GThread *stderr_relay;
    GMutex stderr_lock;
    GString *stderr_tail; /* guarded by stderr_lock */
};

/*
 * What the signal handler needs, in plain static memory: it may not call
 * malloc or take locks. Paths are copied in when registered.
 */
static struct live_process {
    volatile sig_atomic_t in_use;
    volatile pid_t pid;
    char dir[MAX_PATH_BYTES];
    char files[6][MAX_PATH_BYTES];
} live_processes[MAX_LIVE_PROCESSES];

/*
 * SIGTERM is QEMU's own clean shutdown (its plugins' uninit runs, disks are
 * flushed); SIGKILL only if it does not manage within the bound. Only
 * async-signal-safe calls: this runs in a signal handler.
 */
#define SIGNAL_SHUTDOWN_POLLS 300 /* of 10 ms */
static void stop_from_signal(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < SIGNAL_SHUTDOWN_POLLS; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            return;
        }
        struct timespec tick = { 0, 10 * 1000 * 1000 };
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void cleanup_slot(struct live_process *live)
{
    if (live->pid > 0) {
        stop_from_signal(live->pid);
    }
    for (size_t f = 0; f < G_N_ELEMENTS(live->files); f++) {
        if (live->files[f][0]) {
            unlink(live->files[f]);
        }
    }
    if (live->dir[0]) {
        rmdir(live->dir);
    }
}

static void on_fatal_signal(int signo)
{
    for (size_t i = 0; i < MAX_LIVE_PROCESSES; i++) {
        if (live_processes[i].in_use) {
            cleanup_slot(&live_processes[i]);
        }
    }
    /* Die of the same signal so the caller sees the usual status. */
    signal(signo, SIG_DFL);
    raise(signo);
}

static void install_signal_handlers_once(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
        for (size_t i = 0; i < G_N_ELEMENTS(signals); i++) {
            struct sigaction action = { 0 };
            struct sigaction previous;
            action.sa_handler = on_fatal_signal;
            sigemptyset(&action.sa_mask);
            /* Respect a caller that chose to ignore the signal. */
            if (sigaction(signals[i], NULL, &previous) == 0 &&
                previous.sa_handler != SIG_IGN) {
                sigaction(signals[i], &action, NULL);
            }
        }
        /* A dead QEMU's socket must give EPIPE, not kill the runner. */
        signal(SIGPIPE, SIG_IGN);
        g_once_init_leave(&done, 1);
    }
}

static G_LOCK_DEFINE(live_lock);

static int claim_slot(const char *dir)
{
    G_LOCK(live_lock);
    for (int i = 0; i < MAX_LIVE_PROCESSES; i++) {
        if (!live_processes[i].in_use) {
            memset(&live_processes[i], 0, sizeof live_processes[i]);
            g_strlcpy(live_processes[i].dir, dir, MAX_PATH_BYTES);
            live_processes[i].in_use = 1;
            G_UNLOCK(live_lock);
            return i;
        }
    }
    G_UNLOCK(live_lock);
    return -1;
}

gp_qemu_process *gp_qemu_process_new(GError **error)
{
    install_signal_handlers_once();
    int lock_fd = -1;
    g_autofree char *dir = gp_run_dir_create(&lock_fd, error);
    if (!dir) {
        return NULL;
    }
    int slot = claim_slot(dir);
    if (slot < 0 || strlen(dir) >= MAX_PATH_BYTES - 16) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    slot < 0 ? "too many VMs at once (at most %d per process)"
                             : "temporary directory path too long (limit %d bytes); "
                               "set TMPDIR to a shorter path",
                    slot < 0 ? MAX_LIVE_PROCESSES : MAX_PATH_BYTES - 16);
        if (slot >= 0) {
            live_processes[slot].in_use = 0;
        }
        g_autofree char *lock = g_build_filename(dir, GP_RUN_DIR_LOCK, NULL);
        unlink(lock);
        close(lock_fd);
        rmdir(dir);
        return NULL;
    }
    gp_qemu_process *process = g_new0(gp_qemu_process, 1);
    process->dir = g_steal_pointer(&dir);
    process->files = g_ptr_array_new_with_free_func(g_free);
    process->slot = slot;
    process->lock_fd = lock_fd;
    g_free(gp_qemu_process_path(process, GP_RUN_DIR_LOCK));
    process->stderr_tail = g_string_new(NULL);
    g_mutex_init(&process->stderr_lock);
    return process;
}

char *gp_qemu_process_path(gp_qemu_process *process, const char *name)
{
    char *path = g_build_filename(process->dir, name, NULL);
    struct live_process *live = &live_processes[process->slot];

    g_assert(process->files->len < G_N_ELEMENTS(live->files));
    g_strlcpy(live->files[process->files->len], path, MAX_PATH_BYTES);
    g_ptr_array_add(process->files, g_strdup(path));
    return path;
}

static void append_stderr(gp_qemu_process *process, const char *bytes, size_t length)
{
    g_mutex_lock(&process->stderr_lock);
    g_string_append_len(process->stderr_tail, bytes, (gssize)length);
    if (process->stderr_tail->len > STDERR_TAIL_BYTES) {
        g_string_erase(process->stderr_tail, 0,
                       (gssize)(process->stderr_tail->len - STDERR_TAIL_BYTES));
    }
    g_mutex_unlock(&process->stderr_lock);
}

typedef struct {
    gp_qemu_process *process;
    int fd;
} relay_args;

/*
 * Copies QEMU's stderr through and keeps the tail for error messages. Only
 * whole lines are passed on (or a long run without a newline), each in one
 * write, so the runner's own messages never land inside one of QEMU's.
 */
static gpointer relay_stderr_loop(gpointer data)
{
    relay_args *args = data;
    char buffer[4096];
    GString *pending = g_string_new(NULL);

    for (;;) {
        ssize_t got = read(args->fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        append_stderr(args->process, buffer, (size_t)got);
        g_string_append_len(pending, buffer, got);
        const char *last_newline = memrchr(pending->str, '\n', pending->len);
        size_t whole = last_newline ? (size_t)(last_newline - pending->str) + 1
                       : pending->len >= sizeof buffer ? pending->len
                                                       : 0;
        if (whole) {
            (void)!write(STDERR_FILENO, pending->str, whole);
            g_string_erase(pending, 0, (gssize)whole);
        }
    }
    if (pending->len) {
        (void)!write(STDERR_FILENO, pending->str, pending->len);
    }
    g_string_free(pending, TRUE);
    close(args->fd);
    g_free(args);
    return NULL;
}

bool gp_qemu_process_spawn(gp_qemu_process *process, char **argv, GError **error)
{
    int stderr_pipe[2];

    if (pipe2(stderr_pipe, O_CLOEXEC) < 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "pipe: %s", g_strerror(errno));
        return false;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "could not fork QEMU: %s",
                    g_strerror(errno));
        close(stderr_pipe[0]);
        close(stderr_pipe[1]);
        return false;
    }
    if (pid == 0) {
        /* Own process group: a terminal's Ctrl-C reaches the runner, which
         * then shuts QEMU down in order instead of QEMU dying mid-write. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) {
            dup2(null_fd, STDIN_FILENO);
        }
        dup2(stderr_pipe[1], STDERR_FILENO);
        signal(SIGPIPE, SIG_DFL);
        execv(argv[0], argv);
        dprintf(STDERR_FILENO, "could not execute %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(stderr_pipe[1]);
    process->pid = pid;
    live_processes[process->slot].pid = pid;

    relay_args *args = g_new(relay_args, 1);
    args->process = process;
    args->fd = stderr_pipe[0];
    process->stderr_relay = g_thread_new("qemu-stderr", relay_stderr_loop, args);
    return true;
}

static void mark_reaped(gp_qemu_process *process)
{
    process->pid = 0;
    live_processes[process->slot].pid = 0;
}

bool gp_qemu_process_running(gp_qemu_process *process, int *wait_status)
{
    int status = 0;

    if (process->pid <= 0) {
        return false;
    }
    pid_t done = waitpid(process->pid, &status, WNOHANG);
    if (done == 0) {
        return true;
    }
    if (done == process->pid && wait_status) {
        *wait_status = status;
    }
    mark_reaped(process);
    return false;
}

bool gp_qemu_process_wait(gp_qemu_process *process, int timeout_ms, int *wait_status)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (gp_qemu_process_running(process, wait_status)) {
        if (g_get_monotonic_time() >= deadline) {
            return false;
        }
        g_usleep(10 * 1000);
    }
    return true;
}

static char *describe_exit(int wait_status)
{
    if (WIFEXITED(wait_status)) {
        return g_strdup_printf("exited with status %d", WEXITSTATUS(wait_status));
    }
    if (WIFSIGNALED(wait_status)) {
        return g_strdup_printf("was killed by signal %d (%s)", WTERMSIG(wait_status),
                               strsignal(WTERMSIG(wait_status)));
    }
    return g_strdup("stopped for an unknown reason");
}

void gp_qemu_process_exit_error(gp_qemu_process *process, int wait_status,
                                const char *while_doing, GError **error)
{
    g_autofree char *how = describe_exit(wait_status);
    g_mutex_lock(&process->stderr_lock);
    g_autofree char *said = g_strchomp(g_strdup(process->stderr_tail->str));
    g_mutex_unlock(&process->stderr_lock);
    /* QEMU's stderr was already shown as it came: repeat one line only, so
     * the error holds the reason without printing everything twice. The
     * core's own refusals start "Fatal error:" and say the most. */
    const char *fatal = g_strrstr(said, "Fatal error:");
    const char *newline = strrchr(said, '\n');
    const char *last = fatal ? fatal : newline ? newline + 1 : said;
    g_autofree char *line = g_strndup(last, strcspn(last, "\n"));
    last = line;
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_QEMU_EXITED, "QEMU %s while %s%s%s%s", how,
                while_doing, *last ? ": " : "", last, *last ? " (QEMU's messages are above)" : "");
}

void gp_qemu_process_free(gp_qemu_process *process)
{
    if (!process) {
        return;
    }
    if (process->pid > 0) {
        kill(process->pid, SIGTERM);
        if (!gp_qemu_process_wait(process, 3000, NULL)) {
            kill(process->pid, SIGKILL);
            waitpid(process->pid, NULL, 0);
            mark_reaped(process);
        }
    }
    if (process->stderr_relay) {
        /* The pipe closes when QEMU is gone, which ends the thread. */
        g_thread_join(process->stderr_relay);
    }
    for (guint i = 0; i < process->files->len; i++) {
        unlink(g_ptr_array_index(process->files, i));
    }
    rmdir(process->dir);
    close(process->lock_fd);
    G_LOCK(live_lock);
    live_processes[process->slot].in_use = 0;
    G_UNLOCK(live_lock);
    g_ptr_array_unref(process->files);
    g_string_free(process->stderr_tail, TRUE);
    g_mutex_clear(&process->stderr_lock);
    g_free(process->dir);
    g_free(process);
}
