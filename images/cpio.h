/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A newc ("070701") cpio writer, the format the Linux kernel unpacks as an
 * initramfs. It exists so that an unprivileged user can build a root
 * filesystem: every entry is owned by root and the device nodes the kernel
 * needs before devtmpfs is mounted are synthesised, so neither chown nor
 * mknod is ever called on the host.
 *
 * The archive is a pure function of the tree's names, modes, link targets
 * and contents plus MTIME: entries are sorted by path, inode numbers are
 * assigned in that order, owners are 0 and the host's timestamps are
 * ignored. Two builds from identical inputs give identical bytes, compressed
 * or not.
 */
#ifndef GP_IMAGES_CPIO_H
#define GP_IMAGES_CPIO_H

#include <gio/gio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An entry that is not in the source tree. */
typedef struct gp_cpio_node {
    const char *path;    /* relative to the archive root: "dev/console" */
    uint32_t mode;       /* file type and permissions: S_IFCHR | 0600 */
    uint32_t rdev_major; /* device number, for S_IFCHR and S_IFBLK */
    uint32_t rdev_minor;
} gp_cpio_node;

/* The timestamp every entry gets: $SOURCE_DATE_EPOCH when set, else 0.
 * Fails when the variable is set but is not a number that fits newc's
 * 32-bit field, rather than silently building something else. */
bool gp_cpio_mtime_from_env(uint32_t *mtime, GError **error);

/* Writes the tree under ROOT (ROOT itself as the entry ".") plus NODES as
 * one newc archive to OUT, ending with the trailer and padded to 512 bytes.
 * Regular files, directories, symlinks and fifos are archived; sockets and
 * device files in the tree are an error (declare devices as NODES). NODES
 * must not name a path present in the tree; their missing parent
 * directories are added with mode 0755. Errors are GP_RUN_ERROR_IMAGE. */
bool gp_cpio_write(const char *root, const gp_cpio_node *nodes, size_t n_nodes,
                   uint32_t mtime, GOutputStream *out, GError **error);

/* gp_cpio_write() into the file PATH, gzip-compressed (level 6, no name and
 * a zero timestamp in the gzip header) when GZIP. PATH only appears once it
 * is complete: the archive is written next to it and renamed. */
bool gp_cpio_write_file(const char *root, const gp_cpio_node *nodes, size_t n_nodes,
                        uint32_t mtime, bool gzip, const char *path, GError **error);

#endif
