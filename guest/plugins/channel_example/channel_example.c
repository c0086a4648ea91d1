/* SPDX-License-Identifier: MIT */
/*
 * The channel API in one screen, guest side: find the main channel, send a
 * message, wait for the host's answer, and write to the host through stdio.
 */
#include <stdio.h>
#include <string.h>

#include <guestplug/channel.h>

int main(void)
{
    gp_channel ch;
    char answer[256];

    if (!gp_host_present() || gp_channel_main("channel_example", &ch) != 0) {
        fprintf(stderr, "no guestplug host, or host plugin channel_example not loaded\n");
        return 1;
    }
    const char *hello = "hello from the guest";
    gp_channel_write(ch, hello, strlen(hello));
    ssize_t got = gp_channel_read(ch, answer, sizeof answer - 1); /* waits */
    answer[got > 0 ? got : 0] = '\0';
    printf("guest got: %s\n", answer);

    FILE *host = gp_channel_fopen(ch, "w"); /* each flush is one message */
    fprintf(host, "%d + %d = %d", 2, 2, 2 + 2);
    fclose(host);
    return 0;
}
