/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userlands of the generic images: what runs above the kernel. The
 * default, busybox, is a small Debian root filesystem in the initramfs,
 * built for every architecture without running anything of the guest's
 * (images/); debian is a real Debian bookworm system with systemd as init,
 * installed by mmdebstrap on an ext4 root disk (images/debian/). Everything
 * that differs between the two, in the builder and in the runner that
 * boots them, lives in this table.
 */
#ifndef GP_IMAGES_USERLAND_H
#define GP_IMAGES_USERLAND_H

#include <stdbool.h>

#include "arch.h"

typedef struct gp_userland {
    const char *name;        /* "busybox", "debian": what --userland takes */
    const char *summary;     /* one line for --help */
    const char *dir_suffix;  /* the image is <cache>/images/<arch><dir_suffix>/ */
    const char *initrd_name; /* the initramfs in the image directory */
    /* The root filesystem is the qcow2 disk rootfs.qcow2 that the guest
     * boots from (if=virtio, /dev/vda), not the initramfs. */
    bool root_disk;
    /* More kernel command line after "console=<tty> panic=-1 quiet". */
    const char *append;
    /* Typed at the prompt of the first boot before the 'root' snapshot is
     * saved, so that the snapshot holds a guest that has finished
     * starting; NULL when the prompt is enough. */
    const char *settle_command;
    /* The generic architectures it exists for, NULL-terminated; NULL: all. */
    const char *const *arches;
} gp_userland;

/* The row called NAME, or NULL. */
const gp_userland *gp_userland_lookup(const char *name);

/* busybox: what -g ARCH runs unless told otherwise. */
const gp_userland *gp_userland_default(void);

/* "busybox, debian" for messages; static storage. */
const char *gp_userland_names(void);

/* NULL when USERLAND has an image for ARCH; otherwise the message that
 * refuses it, naming the architectures it has. Free with g_free. */
char *gp_userland_refuse(const gp_userland *userland, const gp_arch_info *arch);

/* "x86_64" or "x86_64-debian": the image's name in its directory, its log
 * and lock files and in messages. Free with g_free. */
char *gp_userland_image_name(const gp_userland *userland, const gp_arch_info *arch);

/* One line per userland, "  busybox  ...\n", for --help. Static storage. */
const char *gp_userland_help(void);

#endif
