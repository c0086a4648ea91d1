/* SPDX-License-Identifier: MIT */
/*
 * c_example: counts the entries of the guest's /etc (as Rust's
 * read_dir().count(): without "." and "..") and sends the count to the host
 * as a little-endian u32 on this plugin's main channel.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <guestplug/channel.h>

int main(void)
{
    gp_channel ch;
    if (gp_channel_main(NULL, &ch) != 0) { /* name from $GUESTPLUG_CHANNEL */
        gp_error("c_example: no main channel");
        return 1;
    }
    DIR *etc = opendir("/etc");
    if (!etc) {
        gp_error("c_example: cannot open /etc");
        return 1;
    }
    uint32_t count = 0;
    for (struct dirent *entry; (entry = readdir(etc));) {
        count += strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0;
    }
    closedir(etc);
    uint8_t le[4] = { (uint8_t)count, (uint8_t)(count >> 8), (uint8_t)(count >> 16),
                      (uint8_t)(count >> 24) };
    return gp_channel_write(ch, le, sizeof le) == sizeof le ? 0 : 1;
}
