/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner's architecture tables (runner/arch.c) against the core's own
 * (core/arch/): what the runner promises or refuses on a target must be
 * what the core does there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "arch.h"      /* runner/arch.h */
#include "arch/arch.h" /* core/arch/arch.h */

static void support_levels_match_the_core(void **unused)
{
    (void)unused;
    g_auto(GStrv) names = g_strsplit(gp_qemu_target_names(), " ", -1);
    assert_true(g_strv_length(names) > 20);
    for (char **name = names; *name; name++) {
        const gp_qemu_target *target = gp_qemu_target_lookup(*name);
        assert_non_null(target);
        const gp_arch *core = gp_arch_for_target(*name);
        /* The core loads exactly where the runner lets host plugins run... */
        assert_int_equal(target->support >= GP_SUPPORT_CHANNELS, core != NULL);
        /* ... and injects exactly where it promises guest plugins. */
        assert_int_equal(target->support == GP_SUPPORT_INJECTION,
                         core != NULL && core->syscall != NULL);
        g_autofree char *refusal = gp_qemu_target_refuse_core(target, true);
        assert_int_equal(refusal == NULL, core != NULL);
    }
}

/* Translation looks only at instructions of the sizes an architecture
 * declares: its system call instruction must be one of them. */
static void system_call_instructions_are_looked_at(void **unused)
{
    (void)unused;
    g_auto(GStrv) targets = g_strsplit(gp_arch_supported_targets(), ", ", -1);
    for (char **target = targets; *target; target++) {
        const gp_arch *core = gp_arch_for_target(*target);
        assert_non_null(core);
        assert_true(core->matched_sizes != 0);
        const gp_syscall_abi *abi = core->syscall;
        for (size_t i = 0; abi && i < G_N_ELEMENTS(abi->sites); i++) {
            const gp_syscall_instruction *site = &abi->sites[i];
            bool is_site = false;
            if (i == 0 || site->length) {
                assert_true(site->length > 0 && site->alignment > 0);
                assert_true(core->matched_sizes & (UINT32_C(1) << site->length));
                assert_ptr_equal(gp_syscall_match(abi, site->bytes, site->length, &is_site), site);
                assert_true(is_site);
            }
        }
        for (size_t i = 0; abi && i < G_N_ELEMENTS(abi->elsewhere); i++) {
            const gp_syscall_instruction *other = &abi->elsewhere[i];
            bool is_site = true;
            if (other->length) {
                assert_true(core->matched_sizes & (UINT32_C(1) << other->length));
                assert_ptr_equal(gp_syscall_match(abi, other->bytes, other->length, &is_site),
                                 other);
                assert_false(is_site);
            }
        }
    }
}

static void every_core_target_is_known(void **unused)
{
    (void)unused;
    g_auto(GStrv) targets = g_strsplit(gp_arch_supported_targets(), ", ", -1);
    for (char **target = targets; *target; target++) {
        assert_non_null(gp_qemu_target_lookup(*target));
    }
}

static void generic_images_run_on_known_targets(void **unused)
{
    (void)unused;
    g_auto(GStrv) names = g_strsplit(gp_arch_names(), ", ", -1);
    for (char **name = names; *name; name++) {
        const gp_arch_info *arch = gp_arch_lookup(*name);
        assert_non_null(arch);
        assert_non_null(gp_arch_target(arch));
    }
    assert_null(gp_qemu_target_lookup("x86"));
    assert_null(gp_qemu_target_lookup(NULL));
}

static void refusal_says_what_works(void **unused)
{
    (void)unused;
    g_autofree char *generic = gp_qemu_target_refuse_core(gp_qemu_target_lookup("mipsel"), true);
    assert_non_null(strstr(generic, "cannot be used on mipsel yet"));
    assert_non_null(strstr(generic, "`guestplug run -g mipsel -c CMD`"));
    g_autofree char *own = gp_qemu_target_refuse_core(gp_qemu_target_lookup("mips"), false);
    assert_non_null(strstr(own, "`guestplug run -a mips --kernel FILE -c CMD`"));
    /* One line per level, the generic architectures named in table order. */
    const char *summary = gp_arch_support_summary();
    assert_non_null(strstr(summary, "  x86_64, i386"));
    assert_non_null(strstr(summary, ": host plugins, channels and guest plugins\n"));
    assert_non_null(strstr(summary, "mips64el and every other QEMU target: runs without plugins"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(support_levels_match_the_core),
        cmocka_unit_test(every_core_target_is_known),
        cmocka_unit_test(system_call_instructions_are_looked_at),
        cmocka_unit_test(generic_images_run_on_known_targets),
        cmocka_unit_test(refusal_says_what_works),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
