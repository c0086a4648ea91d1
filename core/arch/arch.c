/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arch.h"

#include <string.h>

#include <glib.h>

extern const gp_arch gp_arch_x86_64, gp_arch_i386, gp_arch_aarch64, gp_arch_arm, gp_arch_mipsel,
    gp_arch_mips, gp_arch_mips64el;

static const gp_arch *const all_arches[] = { &gp_arch_x86_64,  &gp_arch_i386, &gp_arch_aarch64,
                                             &gp_arch_arm,     &gp_arch_mipsel, &gp_arch_mips,
                                             &gp_arch_mips64el };

const gp_arch *gp_arch_for_target(const char *target)
{
    for (size_t i = 0; i < G_N_ELEMENTS(all_arches); i++) {
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
        match_in(abi->sites, G_N_ELEMENTS(abi->sites), bytes, length);
    *is_site = found != NULL;
    return found ? found
                 : match_in(abi->elsewhere, G_N_ELEMENTS(abi->elsewhere), bytes, length);
}

/* Built once from the table, so it names exactly what gp_arch_for_target
 * takes; kept for the life of the process. */
const char *gp_arch_supported_targets(void)
{
    static gsize built;
    static char *text;
    if (g_once_init_enter(&built)) {
        GString *names = g_string_new(NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(all_arches); i++) {
            g_string_append_printf(names, "%s%s", i ? ", " : "", all_arches[i]->target);
        }
        text = g_string_free(names, FALSE);
        g_once_init_leave(&built, 1);
    }
    return text;
}
