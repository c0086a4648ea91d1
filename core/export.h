/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef GP_CORE_EXPORT_H
#define GP_CORE_EXPORT_H

/* The core builds with -fvisibility=hidden; only the host API and QEMU's
 * entry points are visible to host plugins and QEMU. */
#define GP_EXPORT __attribute__((visibility("default")))

#endif
