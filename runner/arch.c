/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arch.h"

#include <glib.h>
#include <string.h>

/*
 * QEMU 11.1's system-emulation targets (configs/targets/TARGET-softmmu.mak), and
 * what guestplug's core does on each today: the targets with a file in
 * core/arch/ (tests/unit/test_arch.c holds the two lists together). The
 * core refuses to load on every other target.
 */
static const gp_qemu_target qemu_targets[] = {
    { "x86_64", GP_SUPPORT_INJECTION },
    { "i386", GP_SUPPORT_INJECTION },
    { "aarch64", GP_SUPPORT_INJECTION },
    { "arm", GP_SUPPORT_INJECTION },
    { "mips", GP_SUPPORT_INJECTION },
    { "mipsel", GP_SUPPORT_INJECTION },
    { "mips64", GP_SUPPORT_PLAIN },
    { "mips64el", GP_SUPPORT_INJECTION },
    { "alpha", GP_SUPPORT_PLAIN },
    { "avr", GP_SUPPORT_PLAIN },
    { "hexagon", GP_SUPPORT_PLAIN },
    { "hppa", GP_SUPPORT_PLAIN },
    { "loongarch64", GP_SUPPORT_PLAIN },
    { "m68k", GP_SUPPORT_PLAIN },
    { "microblaze", GP_SUPPORT_PLAIN },
    { "microblazeel", GP_SUPPORT_PLAIN },
    { "or1k", GP_SUPPORT_PLAIN },
    { "ppc", GP_SUPPORT_PLAIN },
    { "ppc64", GP_SUPPORT_PLAIN },
    { "riscv32", GP_SUPPORT_PLAIN },
    { "riscv64", GP_SUPPORT_PLAIN },
    { "rx", GP_SUPPORT_PLAIN },
    { "s390x", GP_SUPPORT_PLAIN },
    { "sh4", GP_SUPPORT_PLAIN },
    { "sh4eb", GP_SUPPORT_PLAIN },
    { "sparc", GP_SUPPORT_PLAIN },
    { "sparc64", GP_SUPPORT_PLAIN },
    { "tricore", GP_SUPPORT_PLAIN },
    { "xtensa", GP_SUPPORT_PLAIN },
    { "xtensaeb", GP_SUPPORT_PLAIN },
};

/* Debian bookworm has no big-endian mips architecture, so its image is
 * built from bookworm's sources (guest-images.md §2.5): the kernel with
 * the configuration of mipsel's 4kc-malta flavour turned big-endian. */
static const gp_arch_source_build mips_source_build = {
    "mipsel", "linux-source-6.1", "mips", "mips-linux-gnu",
};

/* Facts from shared/reference/guest-images.md §1.1: each pairing boots a
 * Debian bookworm kernel under TCG to a shell on the serial console. */
static const gp_arch_info arch_table[] = {
    { "x86_64", "amd64", "linux-image-amd64", "qemu-system-x86_64",
      "pc", "qemu64", "ttyS0", NULL },
    { "i386", "i386", "linux-image-686", "qemu-system-i386",
      "pc", NULL, "ttyS0", NULL },
    { "aarch64", "arm64", "linux-image-arm64", "qemu-system-aarch64",
      "virt", "cortex-a57", "ttyAMA0", NULL },
    { "arm", "armhf", "linux-image-armmp-lpae", "qemu-system-arm",
      "virt", "cortex-a15", "ttyAMA0", NULL },
    { "mips", "mips", "linux-image-4kc-malta", "qemu-system-mips",
      "malta", "24Kf", "ttyS0", &mips_source_build },
    { "mipsel", "mipsel", "linux-image-4kc-malta", "qemu-system-mipsel",
      "malta", "24Kf", "ttyS0", NULL },
    { "mips64el", "mips64el", "linux-image-5kc-malta", "qemu-system-mips64el",
      "malta", "MIPS64R2-generic", "ttyS0", NULL },
};

const gp_qemu_target *gp_qemu_target_lookup(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(qemu_targets); i++) {
        if (strcmp(qemu_targets[i].name, name) == 0) {
            return &qemu_targets[i];
        }
    }
    return NULL;
}

const char *gp_qemu_target_names(void)
{
    static char *names;
    if (g_once_init_enter(&names)) {
        GString *list = g_string_new(NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(qemu_targets); i++) {
            g_string_append_printf(list, "%s%s", i ? " " : "", qemu_targets[i].name);
        }
        g_once_init_leave(&names, g_string_free(list, FALSE));
    }
    return names;
}

const char *gp_qemu_target_support_text(const gp_qemu_target *target)
{
    switch (target->support) {
    case GP_SUPPORT_INJECTION:
        return "host plugins, channels and guest plugins";
    case GP_SUPPORT_CHANNELS:
        return "host plugins and channels; guest plugins cannot be injected yet";
    case GP_SUPPORT_PLAIN:
    default:
        return "runs without plugins (-c commands, snapshots)";
    }
}

char *gp_qemu_target_refuse_core(const gp_qemu_target *target, bool generic)
{
    if (target->support >= GP_SUPPORT_CHANNELS) {
        return NULL;
    }
    return g_strdup_printf("host plugins (-p) and core settings (--core) cannot be used on "
                           "%s yet: guestplug's core has no hypercalls for %s. What works on "
                           "%s today: %s, e.g. `guestplug run %s %s%s -c CMD`", target->name,
                           target->name, target->name, gp_qemu_target_support_text(target),
                           generic ? "-g" : "-a", target->name,
                           generic ? "" : " --kernel FILE");
}

const gp_arch_info *gp_arch_lookup(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(arch_table); i++) {
        if (strcmp(arch_table[i].name, name) == 0) {
            return &arch_table[i];
        }
    }
    return NULL;
}

const char *gp_arch_names(void)
{
    return "x86_64, i386, aarch64, arm, mips, mipsel, mips64el";
}

const gp_qemu_target *gp_arch_target(const gp_arch_info *arch)
{
    return gp_qemu_target_lookup(arch->qemu_binary + strlen("qemu-system-"));
}

const char *gp_arch_support_summary(void)
{
    static char *summary;
    if (g_once_init_enter(&summary)) {
        GString *text = g_string_new(NULL);
        for (int level = GP_SUPPORT_INJECTION; level >= GP_SUPPORT_PLAIN; level--) {
            g_autoptr(GString) names = g_string_new(NULL);
            for (size_t i = 0; i < G_N_ELEMENTS(arch_table); i++) {
                const gp_qemu_target *target = gp_arch_target(&arch_table[i]);
                if ((int)target->support == level) {
                    g_string_append_printf(names, "%s%s", names->len ? ", " : "", target->name);
                }
            }
            if (level == GP_SUPPORT_PLAIN) {
                g_string_append(names, names->len ? " and every other QEMU target"
                                                  : "every other QEMU target");
            }
            if (names->len) {
                gp_qemu_target example = { .support = (gp_arch_support)level };
                g_string_append_printf(text, "  %s: %s\n", names->str,
                                       gp_qemu_target_support_text(&example));
            }
        }
        g_once_init_leave(&summary, g_string_free(text, FALSE));
    }
    return summary;
}
