/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where guest_daemon keeps a plugin's ELF when it cannot use a memfd
 * (kernels before 3.17, or the core setting inject_memfd=off): a new file
 * in a world-writable tmpfs, which every local user can see and race for.
 * So the name is unguessable (a keyed hash of a counter, keyed by the
 * kernel's AT_RANDOM bytes), the file is created with O_EXCL|O_NOFOLLOW
 * (never someone else's file, never through a symlink) and mode 0700, and
 * the caller closes it before exec and unlinks it right after.
 */
#ifndef GP_DAEMON_TMPFS_FILE_H
#define GP_DAEMON_TMPFS_FILE_H

#include <stdint.h>

#include "guestplug/daemon.h"

/* "/dev/shm/" + prefix + random digits + NUL, with room to spare. */
#define TMPFS_PATH_MAX 64

/* Keys the names with 16 random bytes (AT_RANDOM); without a key no file
 * is created. */
void tmpfs_file_seed(const uint8_t key[16]);

/* Creates a new file for writing at an unguessable path in the first
 * tmpfs that takes it, and writes the path to PATH (TMPFS_PATH_MAX bytes).
 * Returns the descriptor (close-on-exec) or -errno. */
long tmpfs_file_create(char path[TMPFS_PATH_MAX]);

#endif
