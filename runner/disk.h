/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disk images on the host, without a VM: their format, and the snapshots a
 * qcow2 holds, read and deleted with the located QEMU's qemu-img. The VM
 * checks a start snapshot here before booting, so a missing one is
 * reported with the list of those that exist instead of a QEMU failure.
 */
#ifndef GP_RUNNER_DISK_H
#define GP_RUNNER_DISK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "qemu_locate.h"

typedef struct gp_disk_snapshot {
    char *name;
    uint64_t vm_state_size; /* bytes of RAM and device state */
    int64_t date_sec;       /* when it was saved, seconds since the epoch */
} gp_disk_snapshot;

/* "qcow2" when PATH starts with qcow2's magic, else "raw". QEMU is always
 * told the format: it restricts writes to a probed raw image's first block. */
const char *gp_disk_format(const char *path);

/* The snapshots on qcow2 DISK (gp_disk_snapshot *, oldest first), or NULL
 * with the reason. Reads with --force-share, so it works while a guest runs. */
GPtrArray *gp_disk_snapshots(const gp_qemu *qemu, const char *disk, GError **error);

/* Fails, unless DISK is a qcow2, with a message that says how to convert it;
 * WHAT says what needed the qcow2, e.g. "saving a snapshot". */
bool gp_disk_require_qcow2(const char *disk, const char *what, GError **error);

/*
 * Fails, unless snapshot NAME is on DISK (a qcow2), with a message that
 * names the snapshots that are there or, when there are none, how to save
 * one. A disk qemu-img cannot read passes: QEMU then says why itself.
 */
bool gp_disk_require_snapshot(const gp_qemu *qemu, const char *disk, const char *name,
                              GError **error);

/* Deletes snapshot NAME from DISK (after gp_disk_require_snapshot). */
bool gp_disk_delete_snapshot_with(const gp_qemu *qemu, const char *disk, const char *name,
                                  GError **error);

/* Creates PATH, a qcow2 overlay on the qcow2 BACKING (an absolute path,
 * which PATH records): the guest's writes go to PATH, BACKING stays as it
 * is. How a run gets a private root disk from an image's rootfs.qcow2. */
bool gp_disk_create_overlay(const gp_qemu *qemu, const char *backing, const char *path,
                            GError **error);

/* The QEMU whose qemu-img reads disks when no VM names one. */
gp_qemu *gp_disk_locate_qemu(GError **error);

#endif
