/* SPDX-License-Identifier: MIT */
/*
 * guest_daemon's control protocol, spoken on channel 0 (GP_DAEMON_CHANNEL).
 *
 * Every message is one frame: a 12-byte little-endian header, then LENGTH
 * bytes of payload. One frame per channel message, in both directions. A
 * frame never exceeds GP_DAEMON_MAX_FRAME bytes, except DATA frames, which
 * carry up to GP_DAEMON_MAX_DATA bytes of ELF: the daemon reads a frame's
 * header first and then its payload in pieces (a READ smaller than the
 * message delivers its head and keeps the rest for the next READ, and never
 * joins two messages), so it need not hold a whole frame, and an ELF goes
 * in few frames, hypercalls and system calls.
 *
 *   host -> guest
 *     LOAD     u64 elf_size, u32 name_length, name,     start receiving plugin NAME,
 *              token (GP_DAEMON_TOKEN_LENGTH digits)    whose main channel TOKEN claims
 *     DATA     elf bytes                                the next chunk of that ELF
 *     PING     (nothing)                                are you still there?
 *   guest -> host
 *     HELLO    u32 pid                                  the daemon is up
 *     STARTED  u32 pid, name                            plugin NAME runs as PID
 *     FAILED   i32 errno, name                          plugin NAME could not start
 *     EXITED   i32 wait status, name                    plugin NAME ended
 *     PONG     u32 pid                                  the answer to a PING
 *
 * REQUEST ties DATA, STARTED and FAILED to the LOAD they answer, and PONG
 * to its PING. The host pings before it sends a LOAD to a daemon it has
 * not heard from lately, and while plugins run, so that it notices a
 * daemon that was killed, crashed or exited.
 *
 * Channel 0 is guest_daemon's alone (include/guestplug/abi.h): the
 * injector starts it with channel 0's token, fresh for every injection, and
 * until the daemon claims it no process can read or write channel 0; after,
 * only the daemon's address space can. Each plugin runs with the token of
 * its own main channel from its LOAD frame, never the daemon's.
 *
 * The injector starts the daemon with settings in its environment (never
 * argv, which every user can read in /proc):
 *   GUESTPLUG_TOKEN=HEX   channel 0's token; the daemon wipes it from its
 *                         environment once read
 *   GUESTPLUG_MEMFD=off   store plugins in tmpfs files, as on kernels
 *                         without memfd_create (core setting inject_memfd)
 * and starts each plugin with
 *   GUESTPLUG_CHANNEL=NAME  its main channel's name
 *   GUESTPLUG_TOKEN=HEX     that channel's token
 */
#ifndef GUESTPLUG_DAEMON_H
#define GUESTPLUG_DAEMON_H

#include <stdint.h>

#define GP_DAEMON_CHANNEL 0u
#define GP_DAEMON_HEADER_SIZE 12u
#define GP_DAEMON_MAX_FRAME (64u * 1024u)
#define GP_DAEMON_MAX_DATA (4u * 1024u * 1024u) /* ELF bytes in one DATA frame */
#define GP_DAEMON_MAX_NAME 64u
#define GP_DAEMON_TOKEN_LENGTH 32u /* GP_TOKEN_LENGTH of abi.h */

enum gp_daemon_frame_type {
    GP_DAEMON_LOAD = 1,
    GP_DAEMON_DATA = 2,
    GP_DAEMON_PING = 3,
    GP_DAEMON_HELLO = 16,
    GP_DAEMON_STARTED = 17,
    GP_DAEMON_FAILED = 18,
    GP_DAEMON_EXITED = 19,
    GP_DAEMON_PONG = 20,
};

/* The daemon's environment variable for inject_memfd=off, and its value. */
#define GP_DAEMON_ENV_MEMFD "GUESTPLUG_MEMFD"
#define GP_DAEMON_MEMFD_OFF "off"

/* The prefix of the tmpfs files the injector and the daemon create; an
 * unguessable suffix of 32 hex digits follows. */
#define GP_DAEMON_TMPFS_PREFIX ".guestplug-"
#define GP_DAEMON_TMPFS_RANDOM_DIGITS 32u

typedef struct gp_daemon_header {
    uint32_t type;
    uint32_t length;  /* payload bytes after the header */
    uint32_t request;
} gp_daemon_header;

#endif
