/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trigger CHANNEL MESSAGE: writes MESSAGE on the host channel CHANNEL and
 * exits 0 (1 when the channel does not exist). With $GUESTPLUG_TOKEN set it
 * claims the channel with that token (the host plugin was given the same,
 * e.g. inject_test's token= argument), else it looks CHANNEL up by name,
 * which finds it only under the core setting channels=open. Built without a
 * C library so it is a few KiB and quick to copy over the serial console.
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

/* The value of $GUESTPLUG_TOKEN in ENVP, or NULL. */
static const char *token_of(char **envp)
{
    static const char prefix[] = GP_TOKEN_ENV "=";
    for (; *envp; envp++) {
        unsigned long i = 0;
        while (i < sizeof prefix - 1 && (*envp)[i] == prefix[i]) {
            i++;
        }
        if (i == sizeof prefix - 1) {
            return *envp + i;
        }
    }
    return 0;
}

__attribute__((used, noreturn)) void trigger_main(long *stack)
{
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    const char *token = token_of(argv + argc + 1);
    gp_channel ch;
    int status = 2;
    if (argc == 3) {
        int found = token ? gp_channel_claim(token, length_of(token), &ch) == 0
                          : gp_channel_lookup(argv[1], length_of(argv[1]), &ch) == 0;
        status = !found || gp_channel_write(ch, argv[2], length_of(argv[2])) < 0;
        if (found && token) {
            gp_channel_release(ch); /* no C library runs the library's exit hook */
        }
    }
    for (;;) {
        gp_arch_syscall6(__NR_exit_group, status, 0, 0, 0, 0, 0);
    }
}

GP_ARCH_DEFINE_START(trigger_main);
