/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trigger CHANNEL MESSAGE: writes MESSAGE on the host channel CHANNEL and
 * exits 0 (1 when the channel does not exist). Built without a C library so
 * it is a few KiB and quick to copy over the serial console.
 */
#include <asm/unistd.h>

#include "arch.h"
#include "guestplug/channel.h"

static unsigned long length_of(const char *s)
{
    unsigned long n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

__attribute__((used, noreturn)) void trigger_main(long *stack)
{
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    gp_channel ch;
    int status = 2;
    if (argc == 3) {
        status = gp_channel_lookup(argv[1], length_of(argv[1]), &ch) != 0 ||
                 gp_channel_write(ch, argv[2], length_of(argv[2])) < 0;
    }
    for (;;) {
        gp_arch_syscall6(__NR_exit_group, status, 0, 0, 0, 0, 0);
    }
}

GP_ARCH_DEFINE_START(trigger_main);
