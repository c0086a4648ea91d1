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

/*
 * How the generic image of an architecture that Debian bookworm has no
 * packages for (mips) is made instead: its kernel and busybox are built
 * from Debian's source packages with Debian's cross compiler, its C
 * library is the cross compiler's, and every other file of the root
 * filesystem is taken from the packages of a related architecture that
 * has them, without their programs (images/source_build.h).
 */
typedef struct gp_arch_source_build {
    /* The Debian architecture whose packages lend the kernel's
     * configuration (kernel_package's /boot/config-*) and the root
     * filesystem's data and configuration files: "mipsel". */
    const char *packages_arch;
    const char *kernel_source; /* arch-all source package: "linux-source-6.1" */
    const char *linux_arch;    /* the kernel's ARCH=: "mips" */
    /* Debian's cross toolchain for debian_arch: CROSS_COMPILE is
     * "TRIPLET-" (gcc-TRIPLET), the C library libc6-<debian_arch>-cross. */
    const char *cross_triplet; /* "mips-linux-gnu" */
} gp_arch_source_build;

typedef struct gp_arch_info {
    const char *name;           /* guestplug name: "x86_64", "i386", ... */
    const char *debian_arch;    /* Debian architecture: "amd64", ... */
    /* Meta package: "linux-image-amd64". With source_build, the package
     * of source_build->packages_arch whose configuration the kernel is
     * built with. */
    const char *kernel_package;
    const char *qemu_binary;    /* "qemu-system-x86_64" */
    const char *machine;        /* -M value */
    const char *cpu;            /* -cpu value, NULL for the machine default */
    const char *console;        /* kernel console device: "ttyS0" */
    /* NULL: the image is made of debian_arch's own bookworm packages.
     * Otherwise Debian has none for it, and this says how it is built. */
    const gp_arch_source_build *source_build;
} gp_arch_info;

/* The row for NAME, or NULL when guestplug has no generic image for it. */
const gp_arch_info *gp_arch_lookup(const char *name);

/* "x86_64, i386, ..." for error messages; static storage. */
const char *gp_arch_names(void);

/* The QEMU target a generic image runs on. */
const gp_qemu_target *gp_arch_target(const gp_arch_info *arch);

#endif
