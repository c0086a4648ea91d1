/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every generic image build shares, whatever its userland: the
 * directory it fills, the log its tools write, its step counter.
 * image_build.c runs a build (the lock, the partial directory, the rename
 * into place, the error that names the failed step); a userland's recipe
 * fills the directory in steps, announced with gp_image_job_step:
 * busybox's in image_build.c, debian's in image_debian.c.
 */
#ifndef GP_IMAGES_IMAGE_BUILD_H
#define GP_IMAGES_IMAGE_BUILD_H

#include <glib.h>
#include <stdbool.h>

#include "arch.h"
#include "image_tool.h"
#include "userland.h"

typedef struct gp_image_job {
    const gp_arch_info *arch;
    const gp_userland *userland;
    const char *name;            /* the image's name: "x86_64", "x86_64-debian" */
    const char *const *qemu_img; /* argv prefix that runs qemu-img */
    const char *cache;           /* <cache> */
    const char *recipe;          /* the images/ recipe directory */
    const char *dir;             /* where the image will be: <cache>/images/<name> */
    const char *tmp;             /* the directory being filled, renamed to DIR at the end */
    gp_tool_log *log;
    int step, n_steps;
    char *label;                 /* of the current step */
    gint64 start;                /* monotonic microseconds */
} gp_image_job;

/* Announces the next step on stderr ("guestplug: image NAME [3/7] LABEL")
 * and in the log; its label heads any error from it. */
void gp_image_job_step(gp_image_job *job, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Sets ERROR to a GP_RUN_ERROR_IMAGE with the message; returns false. */
bool gp_image_job_fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A recipe file as lines of words, without comments (#) and blank lines:
 * a GPtrArray of GStrv. */
GPtrArray *gp_image_recipe_lines(const char *path, GError **error);

/* The debian userland (image_debian.c): fills JOB->tmp with vmlinuz,
 * initrd.img, rootfs.qcow2 and packages.txt in GP_IMAGE_DEBIAN_STEPS steps. */
#define GP_IMAGE_DEBIAN_STEPS 5
bool gp_image_debian_build(gp_image_job *job, GError **error);

#endif
