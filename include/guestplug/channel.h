/* SPDX-License-Identifier: MIT */
/*
 * guestplug guest API: talk to the host from a program inside the guest.
 *
 * Link a guest plugin statically with libguestplug-guest.a for its
 * architecture. Every call is a hypercall, a no-op instruction that the host
 * (guestplug's QEMU plugin) intercepts; without a host nothing happens and
 * the calls report -ENODEV. Calls are thread-safe: each is one hypercall.
 *
 * The functions marked [no libc] work in programs built without the C
 * library (-ffreestanding -nostdlib), such as guest_daemon.
 */
#ifndef GUESTPLUG_CHANNEL_H
#define GUESTPLUG_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_channel {
    uint32_t id;
} gp_channel;

/* [no libc] True when a guestplug host answered the START hypercall. */
bool gp_host_present(void);

/*
 * The main channel of guest plugin NAME (the name the host plugin passed to
 * gp_load_guest_plugin). NAME may be NULL: the name guest_daemon gave this
 * program in $GUESTPLUG_CHANNEL is used.
 *
 * A channel belongs to the processes it was given to: guest_daemon gives a
 * plugin its channel's token in $GUESTPLUG_TOKEN, and when that is set
 * (and NAME is NULL or $GUESTPLUG_CHANNEL) the channel is claimed with it
 * (gp_channel_claim). Without a token NAME is looked up (gp_channel_lookup),
 * which finds a channel this process does not own only when the host runs
 * with the core setting channels=open, as PANDA's guest code expects.
 * Returns 0, or -1 when there is no such channel for this process (the host
 * logs "failed to find channel number").
 */
int gp_channel_main(const char *name, gp_channel *out);

/* [no libc] As gp_channel_main without a token, for a name of LENGTH bytes
 * (no NUL needed): the channel named NAME if this process owns it or the
 * host runs with channels=open. */
int gp_channel_lookup(const char *name, size_t length, gp_channel *out);

/*
 * [no libc] Claims the channel whose token is TOKEN (GP_TOKEN_LENGTH hex
 * digits, LENGTH bytes, no NUL needed): from now on it is this process's
 * too (its address space's, so all its threads'). The library remembers the
 * token, and a process that loses the channel (a child after fork, which is
 * a new address space) claims it again by itself on its first READ or
 * WRITE. 0, or -ENOENT (no channel has this token), -EFAULT, -ENODEV.
 */
int gp_channel_claim(const char *token, size_t length, gp_channel *out);

/*
 * [no libc] Gives this process's claim on CH back: a process that later gets
 * the same page directory (the kernel reuses it once this process is gone)
 * must not find CH its own. An anonymous channel (gp_channel_new) left with
 * no owner is freed, and counts against this process's share no more. The
 * library does this for every claim and every channel made at exit() in
 * programs with a C library; call it before exiting otherwise. 0, or
 * -ENOENT if this process did not own CH.
 */
int gp_channel_release(gp_channel ch);

/* [no libc] A new anonymous channel (GET_MANAGER), this process's alone;
 * gp_channel_release frees it. 0 or -errno. */
int gp_channel_new(gp_channel *out);

/*
 * [no libc] Sends BUF[0..LEN) as one message: the host callback receives
 * exactly these bytes. Returns LEN, or -errno:
 *   -ENOENT no such channel (or not this process's), -EFAULT a page of BUF is not readable by this
 *   process (the host reads only what the process itself could),
 *   -EMSGSIZE larger than the host's max_message (16 MiB by default),
 *   -ENODEV no host.
 */
ssize_t gp_channel_write(gp_channel ch, const void *buf, size_t len);

/* [no libc] Sends all of BUF, in as many messages as the host's limit needs. 0 or -errno. */
int gp_channel_write_all(gp_channel ch, const void *buf, size_t len);

/*
 * [no libc] Receives the next host message, or its next CAP bytes if it is
 * longer (the rest stays first in line). Never joins two messages, never
 * waits. Returns the bytes received, 0 when nothing is queued, or -errno;
 * -EFAULT when a page of BUF is not writable by this process (read-only,
 * not mapped): nothing is written and the message stays queued. Every page
 * of BUF is written first (a byte, unchanged), so copy-on-write is broken
 * and the host may fill it.
 */
ssize_t gp_channel_try_read(gp_channel ch, void *buf, size_t cap);

/*
 * As gp_channel_try_read, but waits for a message: polls with a backoff
 * from 50 us up to 10 ms between tries, so an idle wait costs almost no CPU.
 */
ssize_t gp_channel_read(gp_channel ch, void *buf, size_t cap);

/*
 * A stdio stream over CH: "w" sends each flushed buffer as a message
 * (fprintf, fwrite, ...), "r" reads messages as a byte stream. Close with
 * fclose. NULL with errno set on failure.
 */
FILE *gp_channel_fopen(gp_channel ch, const char *mode);

/* [no libc] Puts TEXT in the host log (ERROR op). */
void gp_error(const char *text);

#ifdef __cplusplus
}
#endif

#endif
