/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arch.h"

#include <string.h>

extern const gp_arch gp_arch_x86_64, gp_arch_i386;

static const gp_arch *const all_arches[] = { &gp_arch_x86_64, &gp_arch_i386 };

const gp_arch *gp_arch_for_target(const char *target)
{
    for (size_t i = 0; i < sizeof all_arches / sizeof all_arches[0]; i++) {
        if (target && strcmp(all_arches[i]->target, target) == 0) {
            return all_arches[i];
        }
    }
    return NULL;
}

const char *gp_arch_supported_targets(void)
{
    return "x86_64, i386";
}
