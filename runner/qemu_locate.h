/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the QEMU guestplug supports. The core speaks one plugin API version
 * (GP_QEMU_PLUGIN_API_VERSION) which only one QEMU series accepts
 * (GP_QEMU_SERIES, 11.1 today; both from core/qemu/supported), so any other
 * QEMU is useless to us. A user's own build named by $GUESTPLUG_QEMU wins and
 * is never silently skipped; then a system qemu-system-* of the series;
 * otherwise the private root that scripts/setup provisions with mmdebstrap
 * (SPEC §7), run through its own dynamic loader because its libraries are
 * newer than the host's.
 */
#ifndef GP_RUNNER_QEMU_LOCATE_H
#define GP_RUNNER_QEMU_LOCATE_H

#include <glib.h>

typedef struct gp_qemu {
    GPtrArray *launcher; /* argv words before a program path; empty for a system QEMU */
    char *bin_dir;       /* directory of qemu-system-* and qemu-img */
    GPtrArray *data_dirs; /* firmware directories, one -L each; empty for a system QEMU */
    char *version;       /* upstream version, e.g. "11.1.3" */
} gp_qemu;

/*
 * Locates a QEMU of the supported series that has SYSTEM_BINARY (e.g.
 * "qemu-system-x86_64"). Order: $GUESTPLUG_QEMU (a qemu-system-* binary of a
 * user's own build; SYSTEM_BINARY is taken from the same directory, and if
 * it is unusable that is the error, naming what was found), then
 * $GUESTPLUG_QEMU_ROOT (a private root), the PATH, and the cached private
 * root <cache>/qemu/root.
 */
gp_qemu *gp_qemu_locate(const char *system_binary, GError **error);

/* A new argv (char *, NULL-terminated) that runs PROGRAM of this QEMU. */
GPtrArray *gp_qemu_argv(const gp_qemu *qemu, const char *program);

void gp_qemu_free(gp_qemu *qemu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gp_qemu, gp_qemu_free)

#endif
