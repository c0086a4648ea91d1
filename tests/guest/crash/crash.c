/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest plugin that says hello on its channel, then dies of SIGSEGV. */
#include <string.h>

#include <guestplug/channel.h>

int main(void)
{
    gp_channel ch;
    if (gp_channel_main(NULL, &ch) == 0) {
        gp_channel_write(ch, "about to crash", strlen("about to crash"));
    }
    /* raise() would be a signal too, but a real fault is what analysts meet. */
    int *volatile nowhere = 0;
    *(volatile int *)nowhere = 1;
    return 0;
}
