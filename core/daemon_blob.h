/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_daemon binaries linked into libguestplug.so, one per guest
 * architecture whose cross compiler was installed at build time (as kvmtool
 * links its guest init): no path lookup at run time.
 */
#ifndef GP_CORE_DAEMON_BLOB_H
#define GP_CORE_DAEMON_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The daemon for QEMU target TARGET, or false when none was built. */
bool gp_daemon_blob(const char *target, const uint8_t **data, size_t *size);

#endif
