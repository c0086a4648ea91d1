/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest plugin that runs until it is told to stop: it says "sleeping" on
 * its channel, then sleeps for up to two minutes. SIGTERM ends it with
 * status 0, so a test can stop it cleanly with `kill`.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <guestplug/channel.h>

static void on_term(int signal_number)
{
    (void)signal_number;
    _exit(0);
}

int main(void)
{
    signal(SIGTERM, on_term);
    gp_channel ch;
    if (gp_channel_main(NULL, &ch) == 0) {
        gp_channel_write(ch, "sleeping", strlen("sleeping"));
    }
    sleep(120);
    return 0;
}
