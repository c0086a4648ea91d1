/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generic guest images: a Debian bookworm kernel plus an initramfs root
 * filesystem built from bookworm packages, and an empty qcow2 that only
 * holds snapshots. Built without root, mounting or binfmt, from the recipe
 * in images/ (see docs/images.md); cached per user under
 * <cache>/images/<arch>/.
 */
#ifndef GP_RUNNER_IMAGE_H
#define GP_RUNNER_IMAGE_H

#include "arch.h"

#include <glib.h>
#include <stdbool.h>

/* Files of one generic image, all inside DIR = <cache>/images/<arch>/ */
typedef struct gp_image {
    char *dir;
    char *kernel; /* DIR/vmlinuz */
    char *initrd; /* DIR/initrd.gz */
    char *disk;   /* DIR/disk.qcow2: empty qcow2 the guest never sees; holds snapshots */
} gp_image;

/* Ensure the files exist: build them if missing or if REBUILD (which deletes DIR first).
 * QEMU_IMG is the argv prefix that runs qemu-img (e.g. {"/x/ld-linux-x86-64.so.2",
 * "--library-path","...","/x/usr/bin/qemu-img",NULL}), used for `create -f qcow2`.
 * Prints progress to stderr as a step counter, e.g. "guestplug: image x86_64 [3/7]
 * extracting the kernel". Holds an flock on <cache>/images/<arch>.lock so two
 * concurrent builds don't collide (the second waits, printing that it waits). Builds
 * into a temp dir and renames into place, so a failed or interrupted build never
 * leaves a half image that looks complete. The build's tool output goes to
 * <cache>/images/<arch>.log.
 * Returns NULL with GP_RUN_ERROR_IMAGE naming the failed step, the cause and (where
 * apt/dpkg failed) the last lines of the tool's output. */
gp_image *gp_image_ensure(const gp_arch_info *arch, const char *const *qemu_img, bool rebuild,
                          GError **error);

/* Paths only, no building; *complete says whether the files are all there. */
gp_image *gp_image_locate(const gp_arch_info *arch, bool *complete);

void gp_image_free(gp_image *image);

#endif
