/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest plugin an attacker aims at (tests/integration/hostile_channels.sh,
 * with the hostile_target host plugin). It claims its main channel with the
 * token guest_daemon gave it and says "ready"; the host then queues 100
 * secrets for it. It leaves them queued until the test creates
 * /tmp/victim-go (the attacker has had its go by then), then reads them all
 * and checks that every one is there, whole and in order. A child it forks
 * (a new address space) writes on the channel too: the library claims it
 * again with the inherited token. It reports what it found in one message,
 * "result: ...", and exits 0 only if all was well.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <guestplug/channel.h>

#define SECRETS 100
#define GO_FILE "/tmp/victim-go"

static void say(gp_channel ch, const char *text)
{
    gp_channel_write(ch, text, strlen(text));
}

int main(void)
{
    gp_channel ch;
    const char *token = getenv("GUESTPLUG_TOKEN");
    if (gp_channel_main(NULL, &ch) != 0) {
        gp_error("victim: cannot claim its channel");
        return 1;
    }
    say(ch, "ready");
    for (int i = 0; i < 1200 && access(GO_FILE, F_OK) != 0; i++) {
        usleep(100 * 1000);
    }

    unsigned intact = 0, bad = 0;
    for (unsigned i = 0; i < SECRETS; i++) {
        char got[64] = { 0 }, want[32];
        snprintf(want, sizeof want, "secret-%03u", i);
        ssize_t length = gp_channel_try_read(ch, got, sizeof got - 1);
        if (length == (ssize_t)strlen(want) && memcmp(got, want, (size_t)length) == 0) {
            intact++;
        } else {
            bad++;
        }
    }
    char extra[64];
    bool nothing_more = gp_channel_try_read(ch, extra, sizeof extra) == 0;

    pid_t child = fork();
    if (child == 0) {
        _exit(gp_channel_write(ch, "child writes", 12) == 12 ? 0 : 1);
    }
    int status = -1;
    waitpid(child, &status, 0);
    bool child_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

    char result[192];
    snprintf(result, sizeof result,
             "result: %u of %d secrets intact and in order, %u wrong, %s, child %s, token %s",
             intact, SECRETS, bad, nothing_more ? "nothing more queued" : "MORE QUEUED",
             child_ok ? "ok" : "FAILED",
             token && strlen(token) == 32 ? "in the environment" : "MISSING");
    say(ch, result);
    return intact == SECRETS && nothing_more && child_ok ? 0 : 1;
}
