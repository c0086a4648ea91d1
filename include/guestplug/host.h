/* SPDX-License-Identifier: MIT */
/*
 * guestplug host plugin API.
 *
 * A host plugin is a shared object, <name>.so, that runs inside QEMU. QEMU
 * loads guestplug's core, libguestplug.so, as its one TCG plugin; the core
 * then loads each host plugin named with `load=<name>` (the runner's
 * `-p <name>`) from the host plugin search path:
 *
 *   1. the directories in $GUESTPLUG_PLUGIN_PATH (colon separated),
 *   2. the core argument plugin_path=DIR,
 *   3. the build tree's build/plugins/,
 *   4. PREFIX/lib/guestplug/plugins/.
 *
 * Host plugins link against libguestplug.so (pkg-config guestplug-host). The
 * dynamic loader resolves that dependency to the copy QEMU already loaded, so
 * the functions below reach the running core.
 */
#ifndef GUESTPLUG_HOST_H
#define GUESTPLUG_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One loaded host plugin, owned by the core. */
typedef struct gp_plugin gp_plugin;

/* A channel between the host and the guest. Ids are never reused. */
typedef uint32_t gp_channel_id;
#define GP_CHANNEL_INVALID ((gp_channel_id)-1)

/*
 * Who in the guest may use a channel. Any process can execute a hypercall,
 * so a channel belongs only to the guest processes it was given to (their
 * address spaces); to every other process it does not exist (SPEC §9,
 * docs/security.md):
 *
 *   - a guest plugin's main channel (gp_load_guest_plugin): the plugin,
 *     which guest_daemon hands a fresh token in $GUESTPLUG_TOKEN at each
 *     load, and its children (they claim again with the token they
 *     inherit); once it has EXITED its processes must claim again;
 *   - a channel a host plugin makes (gp_channel_alloc, gp_channel_create)
 *     inside a channel's receive callback: that channel's owners and the
 *     process whose WRITE it handles, so "allocate, then tell the guest the
 *     new id over the channel that asked" works and tells no one else;
 *   - any other channel a host plugin makes: nobody, until a program
 *     presents the token the host plugin gave it with gp_channel_set_token
 *     (through a plugin argument the user also passes to that program, for
 *     instance), or, for a named channel, every process when the core runs
 *     with channels=open (PANDA's by-name lookups; see docs/security.md for
 *     what that opens);
 *   - a channel the guest made (gp_channel_new, GET_MANAGER): the process
 *     that made it; reclaimed at a snapshot revert.
 *
 * The host sees every channel.
 */

/*
 * Receives one guest WRITE on channel CH: exactly the LEN bytes the guest
 * wrote, in DATA, valid only during the call. Called on the vCPU thread that
 * executed the hypercall, with that vCPU stopped until it returns, so keep
 * it short; it may call every function in this header.
 */
typedef void (*gp_channel_recv_fn)(gp_channel_id ch, const uint8_t *data, size_t len,
                                   void *opaque);

/*
 * Exported by the host plugin; called once, on QEMU's main thread, while
 * QEMU starts (before any guest code runs). Return false to refuse to load:
 * QEMU then exits with an error, so print why first.
 */
bool gp_plugin_init(gp_plugin *self);

/*
 * Optionally exported by the host plugin; called once when QEMU exits. No
 * guest access is possible any more.
 */
void gp_plugin_uninit(gp_plugin *self);

/*
 * The value of argument KEY given to this plugin (`-p name:KEY=value` on the
 * guestplug command line, `name.KEY=value` in the core's -plugin arguments),
 * or FALLBACK when it was not given. The string lives as long as QEMU.
 * Callable from any thread at any time.
 */
const char *gp_plugin_arg(gp_plugin *self, const char *key, const char *fallback);

/* The name this plugin was loaded under. */
const char *gp_plugin_name(const gp_plugin *self);

/*
 * Loads guest plugin NAME into the guest and creates its main channel, named
 * NAME: every guest WRITE on it reaches CB(…, OPAQUE). The plugin's static
 * ELF is looked up for the guest's architecture in the build tree
 * (build/guest/ARCH/NAME), then in PREFIX/lib/guestplug/guest/ARCH/NAME. If
 * no guest_daemon runs in the guest yet, one is injected first (core
 * arguments inject_uid, inject_comm, inject_timeout); the plugin then starts
 * with its channel name in $GUESTPLUG_CHANNEL and the channel's token in
 * $GUESTPLUG_TOKEN (gp_channel_main claims it). Returns at once with
 * the channel; what happens next arrives as events
 * (gp_guest_plugin_set_event_handler). GP_CHANNEL_INVALID, with the reason
 * in the host log, when NAME cannot be found or is already loaded and still
 * running. Any thread, including from inside a channel callback.
 */
gp_channel_id gp_load_guest_plugin(const char *name, gp_channel_recv_fn cb, void *opaque);

/* As gp_load_guest_plugin, with the guest plugin's ELF at PATH (which must
 * exist) instead of looking it up by name. */
gp_channel_id gp_load_guest_plugin_path(const char *name, const char *path,
                                        gp_channel_recv_fn cb, void *opaque);

/*
 * What happens to a guest plugin after gp_load_guest_plugin:
 *   STARTED  it runs in the guest; VALUE is its pid
 *   FAILED   it could not be started; VALUE is an errno from the guest (0 if
 *            the host gave up, e.g. the injection timed out) and DETAIL says why
 *   EXITED   it ended; VALUE is its wait status (WIFEXITED/WTERMSIG apply)
 *   LOST     it was running when the guest was reverted to a snapshot
 *            (loadvm), or when guest_daemon, which reports its exit, was
 *            found gone (killed, crashed or exited): its exit status will
 *            never be known; VALUE is 0 and DETAIL says which. A plugin lost
 *            with its daemon may still run, and its channel still works (until
 *            the plugin is loaded again: each load gets a new token).
 *   DAEMON_GONE
 *            guest_daemon, which was to start it, stopped answering (it did
 *            not answer a ping in time, or never called in after it was
 *            injected): the core injects a new daemon and sends the plugin
 *            there, so STARTED or FAILED follows. VALUE is the pid of the
 *            daemon that is gone (0 if it never called in).
 *
 * Under a runner (`guestplug run`, the C API, the Python front) these also
 * decide the run's end: it waits for every guest plugin requested to exit,
 * and a FAILED one, or one that EXITED with a status other than 0, makes
 * the run fail.
 */
typedef enum gp_guest_plugin_event {
    GP_GUEST_PLUGIN_STARTED,
    GP_GUEST_PLUGIN_FAILED,
    GP_GUEST_PLUGIN_EXITED,
    GP_GUEST_PLUGIN_LOST,
    GP_GUEST_PLUGIN_DAEMON_GONE,
} gp_guest_plugin_event;

typedef void (*gp_guest_plugin_event_fn)(const char *name, gp_guest_plugin_event event,
                                         int value, const char *detail, void *opaque);

/*
 * Calls FN(…, OPAQUE) for every event of guest plugin NAME from now on (one
 * handler per plugin; NULL removes it). Events arrive on a vCPU thread or one
 * of the core's own threads (the injector's watchdog, the guest clock that
 * times guest_daemon's answers). 0, or -ENOENT if NAME was never loaded.
 */
int gp_guest_plugin_set_event_handler(const char *name, gp_guest_plugin_event_fn fn,
                                      void *opaque);

/*
 * Asks the runner (guestplug run, the C API, the Python front) to end the
 * analysis: it stops waiting for commands and shuts QEMU down cleanly.
 * Without a runner it only logs. Any thread.
 */
void gp_end_analysis(void);

/* As gp_end_analysis, reporting failure: `guestplug run` then exits with
 * STATUS (1-125) and the C API's gp_vm_end_status() returns it. */
void gp_end_analysis_with_status(int status);

/*
 * A named channel that is not a guest plugin's. Guest programs find it with
 * gp_channel_main(NAME) when it is theirs (see "Who in the guest may use a
 * channel" above): made inside a callback of one of their channels, claimed
 * with its token (gp_channel_set_token), or anyone's under channels=open.
 * GP_CHANNEL_INVALID if NAME is taken or the table is full (max_channels).
 */
gp_channel_id gp_channel_create(const char *name, gp_channel_recv_fn cb, void *opaque);

/*
 * A new anonymous channel whose guest WRITEs reach CB. Made inside a
 * channel's receive callback, it belongs to that channel's owners and the
 * process that wrote: tell them its id over that channel. GP_CHANNEL_INVALID
 * if the channel table is full.
 */
gp_channel_id gp_channel_alloc(gp_channel_recv_fn cb, void *opaque);

/*
 * Makes TOKEN (GP_TOKEN_LENGTH = 32 hex digits, 128 bits that only the
 * program meant to have the channel may know: draw them from a good random
 * source) the token that claims CH, for a guest program the host plugin
 * hands it to some other way than gp_load_guest_plugin, e.g. one the user
 * starts with $GUESTPLUG_TOKEN set. The channel's current owners lose it.
 * 0, -EINVAL (not 32 hex digits), -ENOENT (no channel CH, or channel 0,
 * whose token is the core's), -EEXIST (another channel has that token).
 */
int gp_channel_set_token(gp_channel_id ch, const char *token);

/* The channel named NAME, or GP_CHANNEL_INVALID if there is none. */
gp_channel_id gp_channel_from_name(const char *name);

/*
 * Replaces the receive callback of CH (e.g. of a channel the guest allocated
 * with gp_channel_new). 0, or -ENOENT if there is no such channel.
 */
int gp_channel_set_recv(gp_channel_id ch, gp_channel_recv_fn cb, void *opaque);

/*
 * Queues a copy of BUF[0..LEN) for the guest; the guest's next READ on CH
 * returns it (a READ never joins two messages; a short buffer gets the
 * message in pieces, in order). Any thread. Returns 0, or
 *   -ENOENT    no channel CH,
 *   -EMSGSIZE  LEN exceeds the per-channel queue limit (queue_limit=), which
 *              counts each message's bytes plus 64 for its bookkeeping,
 *   -ENOBUFS   the queue is full until the guest reads,
 *   -EINVAL    BUF is NULL while LEN is not 0.
 */
int gp_channel_write(gp_channel_id ch, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
