/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel of a generic image built from sources (runner/arch.h,
 * gp_arch_source_build): Debian bookworm ships no kernel for the
 * architecture (mips), so it is built from bookworm's kernel source
 * package (linux-source-6.1, the Debian-patched tree) with Debian's cross
 * compiler, configured as Debian configures the closest flavour it does
 * ship (mipsel's 4kc-malta: that package's /boot/config-*) with the
 * changes in images/kernel/<arch>.config (big-endian). Only the kernel
 * image is built (`make vmlinuz`, the self-extracting ELF that Debian's
 * malta flavours install), no module: the initramfs root needs none.
 *
 * The build takes about 30 CPU minutes (15–25 on two cores), so its result is kept
 * (source_build.h: <cache>/source-builds/<arch>/linux/, with the .config it
 * was built with) and only built again when an input changes.
 */
#ifndef GP_IMAGES_KERNEL_SOURCE_H
#define GP_IMAGES_KERNEL_SOURCE_H

#include "apt.h"
#include "image_build.h"

#include <glib.h>
#include <stdbool.h>

typedef struct gp_kernel_source gp_kernel_source;

/* What the kernel of JOB's architecture is built from: the candidate of
 * its kernel source package in SOURCES (looked up, not downloaded), the
 * configuration in CONFIG_DEB (the downloaded kernel package of the
 * architecture that lends its configuration), the recipe's changes and
 * the cross compiler. */
gp_kernel_source *gp_kernel_source_new(gp_image_job *job, gp_apt *sources,
                                       const gp_apt_deb *config_deb, GError **error);
void gp_kernel_source_free(gp_kernel_source *kernel);

/* Whether a kernel built from exactly these inputs is kept. */
bool gp_kernel_source_cached(const gp_kernel_source *kernel);

/* The kernel source package, as looked up: to download when the kernel is
 * not kept, and for the image's packages.txt. */
const gp_apt_deb *gp_kernel_source_package(const gp_kernel_source *kernel);

/* Writes the kernel to DEST: the kept one, or one built now from the
 * downloaded kernel source package (SOURCE_DEB; NULL when cached). */
bool gp_kernel_source_install(gp_kernel_source *kernel, const gp_apt_deb *source_deb,
                              const char *dest, GError **error);

#endif
