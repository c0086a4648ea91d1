/* SPDX-License-Identifier: MIT */
/*
 * guest_daemon's control protocol, spoken on channel 0 (GP_DAEMON_CHANNEL).
 *
 * Every message is one frame: a 12-byte little-endian header, then LENGTH
 * bytes of payload. One frame per channel message, in both directions, and a
 * frame never exceeds GP_DAEMON_MAX_FRAME bytes.
 *
 *   host -> guest
 *     LOAD     u64 elf_size, u32 name_length, name      start receiving plugin NAME
 *     DATA     elf bytes                                the next chunk of that ELF
 *   guest -> host
 *     HELLO    u32 pid                                  the daemon is up
 *     STARTED  u32 pid, name                            plugin NAME runs as PID
 *     FAILED   i32 errno, name                          plugin NAME could not start
 *     EXITED   i32 wait status, name                    plugin NAME ended
 *
 * REQUEST ties DATA, STARTED and FAILED to the LOAD they answer.
 */
#ifndef GUESTPLUG_DAEMON_H
#define GUESTPLUG_DAEMON_H

#include <stdint.h>

#define GP_DAEMON_CHANNEL 0u
#define GP_DAEMON_HEADER_SIZE 12u
#define GP_DAEMON_MAX_FRAME (64u * 1024u)
#define GP_DAEMON_MAX_NAME 64u

enum gp_daemon_frame_type {
    GP_DAEMON_LOAD = 1,
    GP_DAEMON_DATA = 2,
    GP_DAEMON_HELLO = 16,
    GP_DAEMON_STARTED = 17,
    GP_DAEMON_FAILED = 18,
    GP_DAEMON_EXITED = 19,
};

typedef struct gp_daemon_header {
    uint32_t type;
    uint32_t length;  /* payload bytes after the header */
    uint32_t request;
} gp_daemon_header;

#endif
