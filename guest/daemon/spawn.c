/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spawn.h"

#include <errno.h>

#include "host_wait.h"
#include "sys.h"
#include "text.h"

/* In the child: exec the ELF, or return why it could not be. */
static long exec_plugin(int fd, const char *path, char *const argv[], char *const envp[])
{
    if (fd < 0) {
        return sys_execve(path, argv, envp);
    }
    long error = sys_execve_fd(fd, argv, envp);
    if (error != -ENOSYS && error != -ENOENT && error != -EINVAL) {
        return error; /* ran nothing for a reason of the ELF's own */
    }
    char proc_path[sizeof "/proc/self/fd/" + 24];
    text_append_decimal(text_append(proc_path, "/proc/self/fd/"), (unsigned long)fd);
    return sys_execve(proc_path, argv, envp);
}

long spawn_plugin(int fd, const char *path, char *const argv[], char *const envp[])
{
    /* The parent resumes only once the child has exec'd or died, so the
     * caller may close and remove the ELF's file right after. A failed
     * exec is told through a close-on-exec pipe: a successful one closes
     * it empty. */
    int status_pipe[2];
    long pid = sys_pipe_cloexec(status_pipe);
    if (pid < 0) {
        return pid;
    }
    pid = sys_vfork_copy();
    if (pid == 0) {
        sys_close(status_pipe[0]);
        sys_setsid();
        host_wait_release_signals();
        long error = -exec_plugin(fd, path, argv, envp);
        int reported = (int)error;
        sys_write(status_pipe[1], &reported, sizeof reported);
        sys_exit(127);
    }
    sys_close(status_pipe[1]);
    if (pid > 0) {
        int exec_error = 0;
        if (sys_read(status_pipe[0], &exec_error, sizeof exec_error) == sizeof exec_error) {
            int status;
            sys_wait4((int)pid, &status, 0); /* it exits at once: reap it here */
            pid = -exec_error;
        }
    }
    sys_close(status_pipe[0]);
    return pid;
}

int spawn_needs_a_path(long error)
{
    /* EACCES: a memfd sealed against exec (vm.memfd_noexec, Linux 6.3). */
    return error == -ENOENT || error == -ENOSYS || error == -EINVAL || error == -EACCES;
}
