/* SPDX-License-Identifier: MIT */
/*
 * The C-library half of the guest library: name lookup from the
 * environment, waiting reads, and stdio streams over channels.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <time.h>

#include "guestplug/abi.h"
#include "guestplug/channel.h"

#define BACKOFF_FIRST_NS 50000L     /* 50 us */
#define BACKOFF_LIMIT_NS 10000000L  /* 10 ms: PANDA's daemon poll period */

/*
 * guest_daemon starts plugins from a memfd, so the kernel names each process
 * after the file descriptor ("3"); give it its plugin name instead, so ps
 * and /proc show what runs.
 */
__attribute__((constructor)) static void name_process_after_plugin(void)
{
    const char *name = getenv("GUESTPLUG_CHANNEL");
    if (name && *name) {
        prctl(PR_SET_NAME, name, 0, 0, 0);
    }
}

/*
 * With a token in the environment (guest_daemon puts the plugin's there),
 * the channel is claimed with it, unless NAME asks for another channel than
 * the one $GUESTPLUG_CHANNEL names; only without a token is NAME looked up,
 * which finds a channel the process does not own only under the core
 * setting channels=open.
 */
int gp_channel_main(const char *name, gp_channel *out)
{
    const char *token = getenv(GP_TOKEN_ENV);
    const char *own_name = getenv("GUESTPLUG_CHANNEL");
    if (token && *token && (!name || !own_name || strcmp(name, own_name) == 0)) {
        return gp_channel_claim(token, strlen(token), out) == 0 ? 0 : -1;
    }
    if (!name) {
        name = own_name;
    }
    if (!name) {
        return -1;
    }
    return gp_channel_lookup(name, strlen(name), out);
}

ssize_t gp_channel_read(gp_channel ch, void *buf, size_t cap)
{
    long delay_ns = BACKOFF_FIRST_NS;

    for (;;) {
        ssize_t got = gp_channel_try_read(ch, buf, cap);
        if (got != 0 || cap == 0) {
            return got;
        }
        struct timespec pause = { 0, delay_ns };
        nanosleep(&pause, NULL);
        delay_ns = delay_ns * 2 > BACKOFF_LIMIT_NS ? BACKOFF_LIMIT_NS : delay_ns * 2;
    }
}

static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
    gp_channel ch = { (uint32_t)(uintptr_t)cookie };
    ssize_t got = gp_channel_read(ch, buf, size);
    if (got < 0) {
        errno = (int)-got;
        return -1;
    }
    return got;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
    gp_channel ch = { (uint32_t)(uintptr_t)cookie };
    int result = gp_channel_write_all(ch, buf, size);
    if (result < 0) {
        errno = -result;
        return 0; /* stdio treats a short write as an error */
    }
    return (ssize_t)size;
}

FILE *gp_channel_fopen(gp_channel ch, const char *mode)
{
    cookie_io_functions_t io = { .read = stream_read, .write = stream_write };

    if (!mode || (mode[0] != 'r' && mode[0] != 'w')) {
        errno = EINVAL;
        return NULL;
    }
    return fopencookie((void *)(uintptr_t)ch.id, mode, io);
}
