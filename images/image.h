/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generic guest images: a Debian bookworm kernel with one of two userlands
 * (userland.h). busybox: an initramfs root filesystem built from bookworm
 * packages, and an empty qcow2 that only holds snapshots; built without
 * root, mounting or binfmt, from the recipe in images/. debian: a bookworm
 * system installed by mmdebstrap on an ext4 root disk, from the recipe in
 * images/debian/. See docs/images.md. Cached per user under
 * <cache>/images/<arch>/ and <cache>/images/<arch>-debian/.
 *
 * This header and userland.h are all the runner sees of the builder
 * (libguestplug-image, images/images.mk). The builder in turn takes three
 * things from the runner, so that both agree on them: the rows of the
 * architecture table (runner/arch.h), the error domain its failures are
 * reported in (runner/error.h) and where the cache and the recipe are
 * (runner/paths.h).
 */
#ifndef GP_IMAGES_IMAGE_H
#define GP_IMAGES_IMAGE_H

#include "arch.h"
#include "userland.h"

#include <glib.h>
#include <stdbool.h>

/* Files of one generic image, all inside DIR = <cache>/images/<name>/ */
typedef struct gp_image {
    const gp_userland *userland;
    char *name;   /* "x86_64", "x86_64-debian" */
    char *dir;
    char *kernel; /* DIR/vmlinuz */
    char *initrd; /* DIR/initrd.gz (busybox: the root filesystem), DIR/initrd.img (debian) */
    /* DIR/disk.qcow2, which holds the snapshots. busybox: an empty qcow2 the
     * guest never sees. debian: the guest's root disk, an overlay on
     * ROOT_FS, made when the 'root' snapshot is saved on it. */
    char *disk;
    char *root_fs; /* debian: DIR/rootfs.qcow2, the root filesystem as built; else NULL */
} gp_image;

/* Ensure the files exist: build them if missing or if REBUILD (which deletes DIR first).
 * QEMU_IMG is the argv prefix that runs qemu-img (e.g. {"/x/ld-linux-x86-64.so.2",
 * "--library-path","...","/x/usr/bin/qemu-img",NULL}), used for `create -f qcow2`
 * (busybox) and `convert -O qcow2` (debian).
 * Prints progress to stderr as a step counter, e.g. "guestplug: image x86_64 [3/7]
 * extracting the kernel". Holds an flock on <cache>/images/<name>.lock so two
 * concurrent builds don't collide (the second waits, printing that it waits). Builds
 * into a temp dir and renames into place, so a failed or interrupted build never
 * leaves a half image that looks complete. The build's tool output goes to
 * <cache>/images/<name>.log.
 * Returns NULL with GP_RUN_ERROR_IMAGE naming the failed step, the cause and (where
 * apt/dpkg failed) the last lines of the tool's output. */
gp_image *gp_image_ensure(const gp_arch_info *arch, const gp_userland *userland,
                          const char *const *qemu_img, bool rebuild, GError **error);

/* Paths only, no building; *complete says whether the files are all there
 * (for debian, all but disk.qcow2, which the first boot makes). */
gp_image *gp_image_locate(const gp_arch_info *arch, const gp_userland *userland,
                          bool *complete);

void gp_image_free(gp_image *image);

#endif
