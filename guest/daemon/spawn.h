/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting a guest plugin from the file that holds its ELF, in a child of
 * its own session.
 *
 * A memfd has no path, and the guest may have no /proc (a cold boot before
 * init mounted it, a mount namespace without it), so a memfd is run
 * through its descriptor: execveat(fd, "", AT_EMPTY_PATH) (Linux 3.19),
 * else execve("/proc/self/fd/N"). Either way the kernel names the process
 * "N", after the descriptor; the guest library renames a plugin after its
 * channel ($GUESTPLUG_CHANNEL) when it starts.
 */
#ifndef GP_DAEMON_SPAWN_H
#define GP_DAEMON_SPAWN_H

/*
 * Runs the ELF that FD is open on (FD >= 0) or that PATH names (FD < 0)
 * with ARGV and ENVP, in a new session, with an empty signal mask. Returns
 * once the child has exec'd: its pid, or -errno of the last way tried when
 * none worked (the child is then reaped).
 */
long spawn_plugin(int fd, const char *path, char *const argv[], char *const envp[]);

/* True when an exec error of spawn_plugin(FD, ...) says the descriptor
 * could not be run as such (no execveat, no /proc, a memfd the kernel will
 * not execute), so that the same ELF may still run from a file with a path. */
int spawn_needs_a_path(long error);

#endif
