/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#define RUN_DIR_PREFIX "guestplug-"

/* Unlinks the plain files of DIR (a run directory holds nothing else) and
 * the directory itself; anything unexpected inside keeps it. */
static void remove_run_dir(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    for (struct dirent *entry; (entry = readdir(dir));) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
            unlinkat(fd, entry->d_name, 0);
        }
    }
    closedir(dir);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* A run directory is stale when it is ours and nobody holds its lock. A
 * directory without a lock file is a runner's that is still being created
 * (the lock appears already held, see below) or not a runner's at all. */
static bool is_stale(int parent, const char *name)
{
    struct stat info;
    if (fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != geteuid()) {
        return false;
    }
    g_autofree char *lock_path = g_build_filename(name, GP_RUN_DIR_LOCK, NULL);
    int lock = openat(parent, lock_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (lock < 0) {
        return false;
    }
    bool unlocked = flock(lock, LOCK_EX | LOCK_NB) == 0;
    close(lock);
    return unlocked;
}

static void remove_stale_run_dirs(const char *tmp)
{
    int parent = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = parent >= 0 ? fdopendir(dup(parent)) : NULL;
    for (struct dirent *entry; dir && (entry = readdir(dir));) {
        if (g_str_has_prefix(entry->d_name, RUN_DIR_PREFIX) && is_stale(parent, entry->d_name)) {
            remove_run_dir(parent, entry->d_name);
        }
    }
    if (dir) {
        closedir(dir);
    }
    if (parent >= 0) {
        close(parent);
    }
}

char *gp_run_dir_create(int *lock_fd, GError **error)
{
    const char *tmp = g_get_tmp_dir();
    remove_stale_run_dirs(tmp);

    g_autofree char *dir = g_dir_make_tmp(RUN_DIR_PREFIX "XXXXXX", NULL);
    if (!dir) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO,
                    "could not create a private directory in %s: %s; check TMPDIR", tmp,
                    g_strerror(errno));
        return NULL;
    }
    /* Locked under another name, then renamed: a sweeping runner never
     * sees an unlocked lock file of a live runner. */
    g_autofree char *creating = g_build_filename(dir, GP_RUN_DIR_LOCK ".new", NULL);
    g_autofree char *lock_path = g_build_filename(dir, GP_RUN_DIR_LOCK, NULL);
    int fd = open(creating, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) != 0 || rename(creating, lock_path) != 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IO, "could not lock %s: %s", dir,
                    g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        unlink(creating);
        rmdir(dir);
        return NULL;
    }
    *lock_fd = fd;
    return g_steal_pointer(&dir);
}
