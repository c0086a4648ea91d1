/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_pc.h"

#include <glib.h>

#include "log.h"
#include "registers.h"

static struct {
    gsize looked_up;
    bool found;
    gp_register pc;
} guest_pc;

bool gp_guest_pc_init(const gp_arch *arch)
{
    if (g_once_init_enter(&guest_pc.looked_up)) {
        guest_pc.found = gp_register_find_read_only(arch->pc_register, arch->register_bytes,
                                          arch->big_endian, &guest_pc.pc);
        if (!guest_pc.found) {
            gp_log("QEMU exposes no %s register on %s: guest plugins cannot be loaded",
                   arch->pc_register, arch->target);
        }
        g_once_init_leave(&guest_pc.looked_up, 1);
    }
    return guest_pc.found;
}

uint64_t gp_guest_pc_block_start(void)
{
    return gp_register_read(&guest_pc.pc);
}
