/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic-image architectures: how each is built from Debian packages and
 * how QEMU runs it. One row per guest architecture; everything that differs
 * between architectures in the runner lives in this table.
 */
#ifndef GP_RUNNER_ARCH_H
#define GP_RUNNER_ARCH_H

#include <stdbool.h>

typedef struct gp_arch_info {
    const char *name;           /* guestplug name: "x86_64", "i386", ... */
    const char *debian_arch;    /* Debian architecture: "amd64", ... */
    const char *kernel_package; /* meta package: "linux-image-amd64" */
    const char *qemu_binary;    /* "qemu-system-x86_64" */
    const char *machine;        /* -M value */
    const char *cpu;            /* -cpu value, NULL for the machine default */
    const char *console;        /* kernel console device: "ttyS0" */
} gp_arch_info;

/* The row for NAME, or NULL when guestplug has no generic image for it. */
const gp_arch_info *gp_arch_lookup(const char *name);

/* "x86_64, i386, ..." for error messages; static storage. */
const char *gp_arch_names(void);

#endif
