/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a hostile guest drives the hypercall dispatcher. The
 * input is two header bytes and a sequence of hypercalls (op, channel,
 * arg1, arg2, caller and host actions, 8 bytes each, values folded towards
 * interesting ranges) against a guest memory of four pages whose bytes also
 * come from the input, and whose page protections come from its first
 * byte: each page is absent, supervisor only (kernel memory), user
 * read-only (zero page, copy-on-write, a read-only file) or user
 * read-write. The host side echoes every message and uses the manager
 * protocol, so READ, WRITE, names, errors and partial reads all interleave.
 *
 * Several processes (address spaces) make the calls. The host hands its
 * channels out by token; the fuzzer can place a channel's real token where
 * a CLAIM reads it, and the host re-tokens, clears owners, copies owners
 * and reverts the guest at random. A shadow model of who owns what checks
 * that no op ever touches a channel its caller does not own: a READ or
 * WRITE of another's channel must answer -1 and leave its queue as it was,
 * a callback must run only for an owner, a name lookup or claim must only
 * ever return a channel the caller owns (or, under channels=open, a public
 * named one), and a RELEASE gives back the caller's claim and no other.
 *
 * The raw read and write callbacks trap on any access the calling process
 * could not make itself (reading a supervisor page, writing a supervisor or
 * read-only page): the dispatcher must ask mapped() with the right intent
 * first. A READ that fails must keep its message queued. ASan/UBSan catch
 * the rest.
 */
#include <stdint.h>
#include <string.h>

#include "callback_context.h"
#include "channel_table.h"
#include "guest_log.h"
#include "guestplug/abi.h"
#include "hypercall.h"
#include "log.h"
#include "manager.h"
#include "token.h"

#define BASE 0x10000u
#define PAGE 0x1000u
#define PAGES 4u
#define SIZE (PAGES * PAGE)
#define SPACES 4u      /* below GP_CHANNEL_MAX_OWNERS: the model needs no eviction */
#define MAX_IDS 1024u  /* ids handed out in one input: fewer than its calls */

enum { ABSENT, SUPERVISOR, USER_READ_ONLY, USER_READ_WRITE };

static uint8_t memory[SIZE];
static uint8_t protection[PAGES];

/* May a user-mode access (WRITE: a write) touch all of [ADDR, ADDR+LEN)? */
static bool user_may(uint64_t addr, size_t len, bool write)
{
    if (len == 0) {
        return true;
    }
    if (addr < BASE || len > SIZE || addr - BASE > SIZE - len) {
        return false;
    }
    for (uint64_t page = (addr - BASE) / PAGE; page <= (addr - BASE + len - 1) / PAGE; page++) {
        if (protection[page] != USER_READ_WRITE &&
            (write || protection[page] != USER_READ_ONLY)) {
            return false;
        }
    }
    return true;
}

static bool mem_read(void *c, uint64_t addr, void *buf, size_t len)
{
    (void)c;
    if (!user_may(addr, len, false)) {
        __builtin_trap(); /* read what the process may not read */
    }
    memcpy(buf, memory + (addr - BASE), len);
    return true;
}

static bool mem_write(void *c, uint64_t addr, const void *buf, size_t len)
{
    (void)c;
    if (!user_may(addr, len, true)) {
        __builtin_trap(); /* wrote what the process may not write */
    }
    memcpy(memory + (addr - BASE), buf, len);
    return true;
}

static bool mem_mapped(void *c, uint64_t addr, size_t len, bool for_write)
{
    (void)c;
    return user_may(addr, len, for_write);
}

static uint64_t caller_space;

static bool mem_address_space(void *c, uint64_t *space)
{
    (void)c;
    *space = caller_space;
    return true;
}

/* ---- the shadow model of ownership -------------------------------------- */

/* Host channels, with the names and tokens the host gave them. */
enum { HOST_DAEMON, HOST_ECHO, HOST_QUIET, HOST_CHANNELS };
static const char *const host_names[HOST_CHANNELS] = { "guest_daemon", "echo", NULL };

static struct {
    bool open;
    gp_channel_id host_id[HOST_CHANNELS];
    gp_token token[HOST_CHANNELS];
    bool exists[MAX_IDS];
    bool guest_made[MAX_IDS];
    bool named_public[MAX_IDS];       /* named and not private */
    bool owns[MAX_IDS][SPACES];
} model;

static unsigned space_index(uint64_t space)
{
    return (unsigned)(space >> 12) - 1;
}

static bool may_see(uint64_t id, uint64_t space)
{
    if (id >= MAX_IDS || !model.exists[id]) {
        return false;
    }
    return (model.open && model.named_public[id]) || model.owns[id][space_index(space)];
}

static gp_channel_table *table;

static void echo(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    gp_callback_context context = gp_callback_context_current();
    if (!context.active || context.channel != ch || !may_see(ch, context.address_space)) {
        __builtin_trap(); /* a callback for a process that does not own the channel */
    }
    gp_channel_table_push(table, ch, data, len);
}

static void forget_owners(gp_channel_id id)
{
    memset(model.owns[id], 0, sizeof model.owns[id]);
}

/* Folds a raw 16-bit value into the region, around it, or far away. */
static uint64_t address(uint16_t raw)
{
    switch (raw >> 14) {
    case 0: return BASE + (raw & (SIZE - 1));
    case 1: return BASE + SIZE - (raw & 0xff);
    case 2: return (uint64_t)raw << 20;
    default: return UINT64_MAX - (raw & 0xff);
    }
}

/* The host's side of one step, chosen by ACTION. */
static void host_action(unsigned action, unsigned which, const uint8_t *data, size_t length)
{
    unsigned host = which % HOST_CHANNELS;
    gp_channel_id id = model.host_id[host];
    switch (action) {
    case 1: /* the host writes */
        gp_channel_table_push(table, which % 16, data, length);
        break;
    case 2: /* a new token: the plugin was loaded again */
        if (gp_token_generate(&model.token[host]) &&
            gp_channel_table_set_token(table, id, &model.token[host]) == 0) {
            forget_owners(id);
        }
        break;
    case 3: /* its process exited */
        if (gp_channel_table_clear_owners(table, id) == 0) {
            forget_owners(id);
        }
        break;
    case 4: /* a snapshot revert */
        gp_channel_table_revert(table);
        for (unsigned i = 0; i < MAX_IDS; i++) {
            model.exists[i] &= !model.guest_made[i];
            model.guest_made[i] = false;
            forget_owners(i);
        }
        break;
    case 5: /* a channel made inside another's callback gets its owners */
        if (gp_channel_table_copy_owners(table, id, which / 16 % 16) == 0) {
            memcpy(model.owns[id], model.owns[which / 16 % 16], sizeof model.owns[id]);
        }
        break;
    case 6: /* ... and the writer's */
        if (gp_channel_table_add_owner(table, id, caller_space) == 0) {
            model.owns[id][space_index(caller_space)] = true;
        }
        break;
    default:
        break;
    }
}

static void setup_host(bool open)
{
    gp_channel_limits limits = { .queue_limit = 1u << 16, .max_channels = 24,
                                 .guest_channels = 12, .guest_channels_per_space = 4,
                                 .open = open };
    memset(&model, 0, sizeof model);
    model.open = open;
    table = gp_channel_table_new(&limits);
    gp_channel_table_add_fixed(table, 0, host_names[HOST_DAEMON], echo, NULL);
    gp_channel_table_keep_private(table, 0);
    gp_channel_table_add(table, host_names[HOST_ECHO], echo, NULL, &model.host_id[HOST_ECHO]);
    gp_channel_table_add(table, host_names[HOST_QUIET], NULL, NULL, &model.host_id[HOST_QUIET]);
    for (unsigned i = 0; i < HOST_CHANNELS; i++) {
        gp_channel_id id = model.host_id[i];
        model.exists[id] = true;
        model.named_public[id] = host_names[i] && i != HOST_DAEMON;
        gp_token_generate(&model.token[i]);
        gp_channel_table_set_token(table, id, &model.token[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    gp_guest_log_reset();
    setup_host(data[1] & 1);
    gp_hypercall_limits limits = { .max_message = 4096 };
    gp_guest_memory guest = { mem_mapped, mem_read, mem_write, mem_address_space, NULL };

    for (unsigned page = 0; page < PAGES; page++) {
        protection[page] = (data[0] >> (2 * page)) & 3;
    }
    size_t memory_bytes = size < SIZE ? size : SIZE;
    memcpy(memory, data, memory_bytes);
    memset(memory + memory_bytes, 'n', SIZE - memory_bytes);
    for (size_t at = 2; at + 8 <= size; at += 8) {
        const uint8_t *call = data + at;
        gp_hypercall h = {
            .op = call[0] % 11,
            .channel = call[1] < 250 ? call[1] % 16 : UINT64_MAX - call[1],
            .arg1 = address((uint16_t)(call[2] | call[3] << 8)),
            .arg2 = call[4] == 255 ? UINT64_MAX : (uint64_t)(call[4] | call[5] << 8),
        };
        unsigned width = call[6] & 1 ? 4 : 8;
        caller_space = (uint64_t)(1 + (call[6] >> 1) % SPACES) << 12;
        if (h.op == GP_OP_CLAIM && (call[7] & 1) && h.arg1 >= BASE &&
            h.arg1 - BASE <= SIZE - GP_TOKEN_LENGTH) {
            /* The token a process was handed, where it presents it. */
            char text[GP_TOKEN_LENGTH + 1];
            gp_token_format(&model.token[call[1] % HOST_CHANNELS], text);
            memcpy(memory + (h.arg1 - BASE), text, GP_TOKEN_LENGTH);
            h.arg2 = GP_TOKEN_LENGTH;
        }
        gp_channel_id channel = (gp_channel_id)h.channel;
        bool visible = h.channel < MAX_IDS && may_see(h.channel, caller_space);
        size_t queued = gp_channel_table_queued(table, channel);
        uint64_t result = gp_hypercall_dispatch(table, &limits, &h, &guest, width);
        uint64_t mask = width == 4 ? UINT32_MAX : UINT64_MAX;
        uint64_t not_found = (uint64_t)-GP_ERR_NOT_FOUND & mask;
        uint64_t bad_address = (uint64_t)-GP_ERR_BAD_ADDRESS & mask;
        bool failed = result > (mask >> 1);
        size_t queued_after = gp_channel_table_queued(table, channel);

        if (h.op == GP_OP_READ && result == bad_address && queued_after != queued) {
            __builtin_trap(); /* a READ that failed lost (part of) its message */
        }
        if ((h.op == GP_OP_READ || h.op == GP_OP_WRITE) && !visible &&
            (result != not_found || (h.op == GP_OP_READ && queued_after != queued))) {
            __builtin_trap(); /* an op on a channel the caller does not own */
        }
        if (h.op == GP_OP_GET_CHANNEL_BY_NAME && !failed && !may_see(result, caller_space)) {
            __builtin_trap(); /* a lookup found a channel the caller may not see */
        }
        if (h.op == GP_OP_CLAIM && !failed) {
            bool claimable = false;
            for (unsigned i = 0; i < HOST_CHANNELS; i++) {
                claimable |= model.host_id[i] == result;
            }
            if (!claimable || result >= MAX_IDS) {
                __builtin_trap(); /* a claim gave a channel no token names */
            }
            model.owns[result][space_index(caller_space)] = true;
        }
        if (h.op == GP_OP_RELEASE) {
            bool owned = h.channel < MAX_IDS && model.exists[h.channel] &&
                         model.owns[h.channel][space_index(caller_space)];
            if ((result == 0) != owned) {
                __builtin_trap(); /* a release of what the caller did not own, or refused */
            }
            if (owned) {
                model.owns[h.channel][space_index(caller_space)] = false;
            }
        }
        if (h.op == GP_OP_GET_MANAGER && !failed) {
            if (result >= MAX_IDS || model.exists[result]) {
                __builtin_trap(); /* GET_MANAGER handed out a channel in use */
            }
            model.exists[result] = model.guest_made[result] = true;
            model.owns[result][space_index(caller_space)] = true;
        }
        host_action((call[7] >> 1) & 7, call[1], data, at % 300);
    }
    gp_channel_table_free(table);
    return 0;
}
