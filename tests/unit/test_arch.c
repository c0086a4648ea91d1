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
#include "guestplug/abi.h"

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

/* The table is where the supported targets' text comes from. */
static void supported_targets_are_the_table(void **unused)
{
    (void)unused;
    assert_string_equal(gp_arch_supported_targets(),
                        "x86_64, i386, aarch64, arm, mipsel, mips, mips64el");
    g_auto(GStrv) targets = g_strsplit(gp_arch_supported_targets(), ", ", -1);
    for (char **target = targets; *target; target++) {
        assert_string_equal(gp_arch_for_target(*target)->target, *target);
    }
    assert_null(gp_arch_for_target("x86"));
    assert_null(gp_arch_for_target(NULL));
}

/* Every trap form of SPEC section 3, as its bytes sit in memory, through
 * its target's match_trap: ours fall through, PANDA's resume after the
 * instruction (Thumb: with bit 0 set, for qemu_plugin_set_pc). */
static void trap_forms_round_trip(void **unused)
{
    (void)unused;
    enum { DISP0 = (uint8_t)GP_X86_NOP_DISP, DISP1 = (uint8_t)(GP_X86_NOP_DISP >> 8),
           DISP2 = (uint8_t)(GP_X86_NOP_DISP >> 16), DISP3 = (uint8_t)(GP_X86_NOP_DISP >> 24) };
    static const struct {
        const char *target;
        uint8_t bytes[8];
        size_t length;
        gp_trap_kind kind;
        uint64_t resume; /* after the instruction at 0x1000 */
    } forms[] = {
        { "x86_64", { 0x0f, 0x1f, 0x80, DISP0, DISP1, DISP2, DISP3 }, 7, GP_TRAP_OURS, 0 },
        { "x86_64", { 0x0f, 0xa2 }, 2, GP_TRAP_PANDA, 0x1002 },
        { "i386", { 0x0f, 0x1f, 0x80, DISP0, DISP1, DISP2, DISP3 }, 7, GP_TRAP_OURS, 0 },
        { "i386", { 0x0f, 0xa2 }, 2, GP_TRAP_PANDA, 0x1002 },
        { "aarch64", { 0x84, 0x00, 0x04, 0xaa }, 4, GP_TRAP_OURS, 0 },  /* orr x4, x4, x4 */
        { "aarch64", { 0x1f, 0x50, 0x00, 0xd5 }, 4, GP_TRAP_PANDA, 0x1004 }, /* msr S0_0_c5_c0_0 */
        { "arm", { 0x04, 0x40, 0x84, 0xe1 }, 4, GP_TRAP_OURS, 0 },      /* orr r4, r4, r4 */
        { "arm", { 0x24, 0x46 }, 2, GP_TRAP_OURS, 0 },                  /* Thumb mov r4, r4 */
        { "arm", { 0x10, 0x07, 0x00, 0xee }, 4, GP_TRAP_PANDA, 0x1004 }, /* A32 mcr p7 */
        { "arm", { 0x00, 0xee, 0x10, 0x07 }, 4, GP_TRAP_PANDA, 0x1005 }, /* Thumb-2 mcr p7 */
        /* movz $0, $0, $0 is PANDA's and ours: a no-op either way */
        { "mipsel", { 0x0a, 0x00, 0x00, 0x00 }, 4, GP_TRAP_OURS, 0 },
        { "mips", { 0x00, 0x00, 0x00, 0x0a }, 4, GP_TRAP_OURS, 0 },
        { "mips64el", { 0x0a, 0x00, 0x00, 0x00 }, 4, GP_TRAP_OURS, 0 },
    };
    g_auto(GStrv) targets = g_strsplit(gp_arch_supported_targets(), ", ", -1);
    for (char **target = targets; *target; target++) {
        const gp_arch *arch = gp_arch_for_target(*target);
        unsigned ours = 0, panda = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
            if (strcmp(forms[i].target, *target) != 0) {
                continue;
            }
            assert_true(arch->matched_sizes & (UINT32_C(1) << forms[i].length));
            uint64_t resume = 0xdead;
            assert_int_equal(arch->match_trap(forms[i].bytes, forms[i].length, 0x1000, &resume),
                             forms[i].kind);
            if (forms[i].kind == GP_TRAP_PANDA) {
                assert_int_equal(resume, forms[i].resume);
                /* A Thumb resume is only taken in Thumb state (arch.h). */
                assert_true(!(resume & 1) || arch->instruction_set_register);
                panda++;
            } else {
                ours++;
            }
            /* One byte short or one different is no trap. */
            assert_int_equal(arch->match_trap(forms[i].bytes, forms[i].length - 1, 0x1000,
                                              &resume),
                             GP_TRAP_NONE);
            uint8_t other[8];
            memcpy(other, forms[i].bytes, sizeof other);
            other[forms[i].length - 1] ^= 0x40;
            assert_int_equal(arch->match_trap(other, forms[i].length, 0x1000, &resume),
                             GP_TRAP_NONE);
        }
        /* every target has both forms here, MIPS's being one instruction */
        assert_true(ours > 0 && (panda > 0 || g_str_has_prefix(*target, "mips")));
        /* System call instructions are not traps. */
        for (size_t i = 0; arch->syscall && i < G_N_ELEMENTS(arch->syscall->sites); i++) {
            const gp_syscall_instruction *site = &arch->syscall->sites[i];
            uint64_t resume;
            if (site->length) {
                assert_int_equal(arch->match_trap(site->bytes, site->length, 0, &resume),
                                 GP_TRAP_NONE);
            }
        }
    }
}

/* The privilege tests of the arm ABIs: User mode (CPSR.M = 0b10000) and
 * EL0t in AArch64 (PSTATE.M = 0, nRW clear), whatever the flags. */
static void arm_user_modes(void **unused)
{
    (void)unused;
    const gp_arch *arm = gp_arch_for_target("arm");
    const gp_syscall_abi *a32 = arm->syscall;
    assert_true(a32->is_user_mode(0x60000010));
    assert_true(a32->is_user_mode(0x00000030)); /* User, Thumb */
    assert_false(a32->is_user_mode(0x600001d3)); /* Supervisor */
    assert_false(a32->is_user_mode(0x0000001f)); /* System: privileged */
    assert_false(a32->is_user_mode(0x00000000)); /* 26-bit User: gone */
    /* CPSR.T is bit 5 (ARM ARM), for resuming Thumb code and for traps. */
    assert_int_equal(arm->instruction_set_flag, UINT64_C(1) << 5);
    assert_string_equal(arm->instruction_set_register, "cpsr");
    assert_int_equal(a32->sites[1].pc_flag, 1); /* Thumb's svc */

    const gp_syscall_abi *a64 = gp_arch_for_target("aarch64")->syscall;
    assert_true(a64->is_user_mode(0x80000000));
    assert_true(a64->is_user_mode(0x000003c0)); /* EL0t, DAIF masked */
    assert_false(a64->is_user_mode(0x000003c5)); /* EL1h */
    assert_false(a64->is_user_mode(0x00000004)); /* EL1t */
    assert_false(a64->is_user_mode(0x00000010)); /* AArch32 User: a 32-bit process */
    assert_null(gp_arch_for_target("aarch64")->instruction_set_register);
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
    g_autofree char *generic = gp_qemu_target_refuse_core(gp_qemu_target_lookup("sparc"), true);
    assert_non_null(strstr(generic, "cannot be used on sparc yet"));
    assert_non_null(strstr(generic, "`guestplug run -g sparc -c CMD`"));
    g_autofree char *own = gp_qemu_target_refuse_core(gp_qemu_target_lookup("mips64"), false);
    assert_non_null(strstr(own, "`guestplug run -a mips64 --kernel FILE -c CMD`"));
    assert_null(gp_qemu_target_refuse_core(gp_qemu_target_lookup("mipsel"), true));
    /* One line per level, the generic architectures named in table order. */
    const char *summary = gp_arch_support_summary();
    assert_non_null(strstr(summary, "  x86_64, i386"));
    assert_non_null(strstr(summary, ": host plugins, channels and guest plugins\n"));
    assert_non_null(strstr(summary, "every other QEMU target: runs without plugins"));
}

/* MIPS: the mode test (Status KSU = 2, neither EXL nor ERL), o32's stack
 * arguments and a3 error flag, and the delay slots a site cannot be in. */
static void mips_system_calls(void **unused)
{
    (void)unused;
    static const char *const targets[] = { "mipsel", "mips", "mips64el" };
    for (size_t t = 0; t < G_N_ELEMENTS(targets); t++) {
        const gp_arch *arch = gp_arch_for_target(targets[t]);
        const gp_syscall_abi *abi = arch->syscall;
        assert_true(abi->is_user_mode(0x0400a411)); /* measured at a user-mode trap */
        assert_true(abi->is_user_mode(0x0400a4f1)); /* mips64el: UX, SX, KX set */
        assert_false(abi->is_user_mode(0x1400a4e1)); /* kernel */
        assert_false(abi->is_user_mode(0x0400a413)); /* user KSU, but EXL: kernel */
        assert_false(abi->is_user_mode(0x00400004)); /* reset: ERL */
        assert_string_equal(abi->error_flag_register, "a3");
        assert_int_equal(abi->takeover_alignment, 4);
        bool o32 = arch->register_bytes == 4;
        assert_int_equal(abi->pointer_bytes, arch->register_bytes);
        assert_int_equal(abi->stack_arguments_offset, o32 ? 16 : 0);
        assert_true(o32 ? abi->argument_registers[4] == NULL
                        : strcmp(abi->argument_registers[5], "r9") == 0);
        /* The headers' numbers: o32 from 4000, n64 from 5000; no vfork. */
        assert_int_equal(abi->numbers.getpid, o32 ? 4020 : 5038);
        assert_int_equal(abi->vfork_clone_flags, 0x4112);
        assert_int_equal(abi->map_private_anonymous, 0x2 | 0x800 | 0x10000);
        assert_string_equal(abi->errno_name(89), "ENOSYS");
        assert_string_equal(abi->errno_name(2), "ENOENT");
        /* jr ra, jalr t9, beq, bnez, j, jal, bc1t: delay slots; addiu, lw,
         * syscall are none. In the target's byte order. */
        static const uint32_t branches[] = { 0x03e00008, 0x0320f809, 0x10850003, 0x1440fffc,
                                             0x08100000, 0x0c100000, 0x45010002 };
        static const uint32_t others[] = { 0x27bdffe0, 0x8fbf001c, 0x0000000c, 0x00000000 };
        for (size_t i = 0; i < G_N_ELEMENTS(branches) + G_N_ELEMENTS(others); i++) {
            bool branch = i < G_N_ELEMENTS(branches);
            uint32_t word = branch ? branches[i] : others[i - G_N_ELEMENTS(branches)];
            uint8_t bytes[4];
            for (int b = 0; b < 4; b++) {
                bytes[arch->big_endian ? 3 - b : b] = (uint8_t)(word >> (8 * b));
            }
            assert_int_equal(abi->in_delay_slot(bytes), branch);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(support_levels_match_the_core),
        cmocka_unit_test(every_core_target_is_known),
        cmocka_unit_test(system_call_instructions_are_looked_at),
        cmocka_unit_test(generic_images_run_on_known_targets),
        cmocka_unit_test(refusal_says_what_works),
        cmocka_unit_test(supported_targets_are_the_table),
        cmocka_unit_test(trap_forms_round_trip),
        cmocka_unit_test(arm_user_modes),
        cmocka_unit_test(mips_system_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
