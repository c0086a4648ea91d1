/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arch.h"

#include <string.h>

/* Facts from shared/reference/guest-images.md §1.1: each pairing boots a
 * Debian bookworm kernel under TCG to a shell on the serial console. */
static const gp_arch_info arch_table[] = {
    { "x86_64", "amd64", "linux-image-amd64", "qemu-system-x86_64",
      "pc", "qemu64", "ttyS0" },
    { "i386", "i386", "linux-image-686", "qemu-system-i386",
      "pc", NULL, "ttyS0" },
    { "aarch64", "arm64", "linux-image-arm64", "qemu-system-aarch64",
      "virt", "cortex-a57", "ttyAMA0" },
    { "arm", "armhf", "linux-image-armmp-lpae", "qemu-system-arm",
      "virt", "cortex-a15", "ttyAMA0" },
    { "mipsel", "mipsel", "linux-image-4kc-malta", "qemu-system-mipsel",
      "malta", "24Kf", "ttyS0" },
    { "mips64el", "mips64el", "linux-image-5kc-malta", "qemu-system-mips64el",
      "malta", "MIPS64R2-generic", "ttyS0" },
};

const gp_arch_info *gp_arch_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof arch_table / sizeof arch_table[0]; i++) {
        if (name && strcmp(arch_table[i].name, name) == 0) {
            return &arch_table[i];
        }
    }
    return NULL;
}

const char *gp_arch_names(void)
{
    return "x86_64, i386, aarch64, arm, mipsel, mips64el";
}
