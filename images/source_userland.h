/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root filesystem of a generic image built from sources (runner/arch.h,
 * gp_arch_source_build): the packages of images/packages come from a
 * related architecture that Debian bookworm has packages for (mips takes
 * mipsel's), so that /etc, the base files and every other data file are
 * Debian's own; but their programs and libraries are that architecture's
 * and cannot run here, so all of them are left out, and the recipe's
 * images/source-build names what stands in for the packages that matter
 * (busybox, the C library). See that file for its lines.
 */
#ifndef GP_IMAGES_SOURCE_USERLAND_H
#define GP_IMAGES_SOURCE_USERLAND_H

#include "apt.h"
#include "image_build.h"

#include <glib.h>
#include <stdbool.h>

typedef struct gp_source_userland gp_source_userland;

/* Reads RECIPE/source-build. */
gp_source_userland *gp_source_userland_load(const char *recipe, GError **error);
void gp_source_userland_free(gp_source_userland *userland);

/* Whether something stands in for PACKAGE, which is then not unpacked. */
bool gp_source_userland_replaces(const gp_source_userland *userland, const char *package);

/* Whether the recipe wants busybox built / the cross C library. */
bool gp_source_userland_wants_busybox(const gp_source_userland *userland);
bool gp_source_userland_wants_cross_libc(const gp_source_userland *userland);

/* "libc6-mips-cross": the cross C library package of JOB's architecture. */
char *gp_source_userland_cross_libc(const gp_image_job *job);

/* The leave-out patterns, NULL-terminated: for tar --exclude, with those
 * of images/exclude. */
const char *const *gp_source_userland_leave_out(const gp_source_userland *userland);

/* After the borrowed packages are unpacked into ROOT: deletes every ELF
 * file in it (and the symbolic links left pointing nowhere by that), then
 * puts the stand-ins in: BUSYBOX (a built busybox, or NULL) as
 * bin/busybox, and the cross C library from CROSS_LIBC (its downloaded
 * .deb, or NULL) where libc6 has its files, unpacked without EXCLUDES. */
bool gp_source_userland_finish(const gp_source_userland *userland, gp_image_job *job,
                               const char *root, const char *busybox,
                               const gp_apt_deb *cross_libc, const char *const *excludes,
                               GError **error);

#endif
