/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest architectures, in two tables. The QEMU targets: every
 * qemu-system-ARCH name guestplug knows, with what guestplug can do on it
 * today. The generic images: how each is built from Debian packages and how
 * QEMU runs it. Everything that differs between architectures, in the
 * runner and in the image builder (images/), lives in these tables.
 */
#ifndef GP_RUNNER_ARCH_H
#define GP_RUNNER_ARCH_H

#include <stdbool.h>

/* What guestplug can do on a QEMU target, each level including the ones before. */
typedef enum gp_arch_support {
    GP_SUPPORT_PLAIN,     /* QEMU runs it, -c works; the core does not load: no host plugins */
    GP_SUPPORT_CHANNELS,  /* the core loads: host plugins, channels with guest programs */
    GP_SUPPORT_INJECTION, /* guest plugins are injected too (gp_load_guest_plugin) */
} gp_arch_support;

typedef struct gp_qemu_target {
    const char *name;        /* the ARCH of qemu-system-ARCH, QEMU's target_name */
    gp_arch_support support; /* must agree with core/arch (tests/unit/test_arch.c) */
} gp_qemu_target;

/* The target called NAME, or NULL when QEMU has no qemu-system-NAME. */
const gp_qemu_target *gp_qemu_target_lookup(const char *name);

/* "x86_64 i386 aarch64 ..." for error messages; static storage. */
const char *gp_qemu_target_names(void);

/* What works on TARGET today, for messages: "host plugins and channels;
 * guest plugins cannot be injected yet". */
const char *gp_qemu_target_support_text(const gp_qemu_target *target);

/*
 * NULL when host plugins (or core settings) can run on TARGET; otherwise
 * the message that refuses them, saying what works there instead, with the
 * command that does (for a GENERIC image or an own guest). Free with g_free.
 */
char *gp_qemu_target_refuse_core(const gp_qemu_target *target, bool generic);

/* One line per support level, "  x86_64: host plugins, ...\n", naming the
 * generic architectures; for --help. Static storage. */
const char *gp_arch_support_summary(void);

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

/* The QEMU target a generic image runs on. */
const gp_qemu_target *gp_arch_target(const gp_arch_info *arch);

#endif
