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

static const gp_syscall_instruction *match_in(const gp_syscall_instruction *list, size_t count,
                                             const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < count; i++) {
        if (list[i].length && list[i].length == length &&
            memcmp(list[i].bytes, bytes, length) == 0) {
            return &list[i];
        }
    }
    return NULL;
}

const gp_syscall_instruction *gp_syscall_match(const gp_syscall_abi *abi, const uint8_t *bytes,
                                               size_t length, bool *is_site)
{
    const gp_syscall_instruction *found =
        match_in(abi->sites, sizeof abi->sites / sizeof abi->sites[0], bytes, length);
    *is_site = found != NULL;
    return found ? found
                 : match_in(abi->elsewhere, sizeof abi->elsewhere / sizeof abi->elsewhere[0],
                            bytes, length);
}

const char *gp_arch_supported_targets(void)
{
    return "x86_64, i386";
}
