/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * busybox for a generic image built from sources (runner/arch.h,
 * gp_arch_source_build): Debian bookworm has no busybox-static for the
 * architecture (mips), so it is built the way Debian builds that package:
 * from bookworm's busybox source package with Debian's patches applied
 * (dpkg-source), Debian's static configuration (debian/config/pkg/static)
 * and Debian's build flags for the architecture (dpkg-buildflags), by
 * Debian's cross compiler. About a minute on two cores; kept across image
 * builds like the kernel (source_build.h: <cache>/source-builds/<arch>/busybox/).
 */
#ifndef GP_IMAGES_BUSYBOX_SOURCE_H
#define GP_IMAGES_BUSYBOX_SOURCE_H

#include "apt.h"
#include "image_build.h"

#include <glib.h>
#include <stdbool.h>

typedef struct gp_busybox_source gp_busybox_source;

/* What busybox is built from: the candidate of bookworm's busybox source
 * package in SOURCES (looked up, not downloaded) and the cross compiler. */
gp_busybox_source *gp_busybox_source_new(gp_image_job *job, gp_apt *sources, GError **error);
void gp_busybox_source_free(gp_busybox_source *busybox);

/* Whether a busybox built from exactly these inputs is kept. */
bool gp_busybox_source_cached(const gp_busybox_source *busybox);

/* The source package's version ("1.35.0-4+deb12u1"), for packages.txt. */
const char *gp_busybox_source_version(const gp_busybox_source *busybox);

/* Writes busybox to DEST (mode 0755): the kept one, or one built now from
 * the source package, downloaded through SOURCES. */
bool gp_busybox_source_install(gp_busybox_source *busybox, gp_apt *sources, const char *dest,
                               GError **error);

#endif
