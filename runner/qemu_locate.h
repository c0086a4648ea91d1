/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding QEMU 11.1. guestplug's core speaks plugin API 7, which only QEMU
 * 11.1 accepts, so any other QEMU is useless to us. A system qemu-system-*
 * of version 11.1.x wins; otherwise the private root that scripts/setup
 * provisions with mmdebstrap (SPEC §7), run through its own dynamic loader
 * because its libraries are newer than the host's.
 */
#ifndef GP_RUNNER_QEMU_LOCATE_H
#define GP_RUNNER_QEMU_LOCATE_H

#include <glib.h>

typedef struct gp_qemu {
    GPtrArray *launcher; /* argv words before a program path; empty for a system QEMU */
    char *bin_dir;       /* directory of qemu-system-* and qemu-img */
    GPtrArray *data_dirs; /* firmware directories, one -L each; empty for a system QEMU */
    char *version;       /* "11.1.3" */
} gp_qemu;

/*
 * Locates a QEMU 11.1.x that has SYSTEM_BINARY (e.g. "qemu-system-x86_64").
 * Order: $GUESTPLUG_QEMU_ROOT (a private root), the PATH, then the cached
 * private root <cache>/qemu/root.
 */
gp_qemu *gp_qemu_locate(const char *system_binary, GError **error);

/* A new argv (char *, NULL-terminated) that runs PROGRAM of this QEMU. */
GPtrArray *gp_qemu_argv(const gp_qemu *qemu, const char *program);

void gp_qemu_free(gp_qemu *qemu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gp_qemu, gp_qemu_free)

#endif
