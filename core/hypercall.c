/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hypercall.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "callback_context.h"
#include "guestplug/abi.h"
#include "guest_log.h"
#include "log.h"
#include "manager.h"
#include "token.h"

static uint64_t at_width(uint64_t value, unsigned register_bytes)
{
    return register_bytes >= 8 ? value : value & ((UINT64_C(1) << (register_bytes * 8)) - 1);
}

static uint64_t error_value(int code, unsigned register_bytes)
{
    return at_width((uint64_t)-(int64_t)code, register_bytes);
}

/* Guest channel ids are 32-bit; a wider register value names no channel. */
static bool channel_of(const gp_hypercall *call, gp_channel_id *id)
{
    *id = (gp_channel_id)call->channel;
    return call->channel <= UINT32_MAX;
}

/* Per-thread buffer for guest->host messages, so a WRITE does not malloc
 * and free on every call. Grows to the largest message seen. Kept in a
 * GPrivate, not a __thread pointer, so that it is freed when its thread
 * exits (up to max_message per vCPU thread would leak otherwise); always
 * allocated, so even an empty message reaches the callback as non-NULL. */
typedef struct scratch_buffer {
    size_t capacity;
    uint8_t bytes[];
} scratch_buffer;

static GPrivate scratch_key = G_PRIVATE_INIT(g_free);

static uint8_t *scratch(size_t length)
{
    scratch_buffer *buffer = g_private_get(&scratch_key);
    if (!buffer || length > buffer->capacity) {
        size_t capacity = MAX(length, 4096);
        buffer = g_malloc(sizeof *buffer + capacity);
        buffer->capacity = capacity;
        g_private_replace(&scratch_key, buffer); /* frees the old one */
    }
    return buffer->bytes;
}

/* The calling process as the channel table knows it; false if its address
 * space cannot be told (then it may use no channel). */
static bool caller_of(const gp_guest_memory *memory, gp_caller *caller)
{
    uint64_t space;
    if (!memory->address_space || !memory->address_space(memory->context, &space)) {
        return false;
    }
    *caller = gp_caller_guest(space);
    return true;
}

/* Copies guest bytes the calling process may read, and no others. */
static bool read_guest(const gp_guest_memory *memory, uint64_t addr, void *buf, size_t length)
{
    return memory->mapped(memory->context, addr, length, false) &&
           memory->read(memory->context, addr, buf, length);
}

static uint64_t op_write(gp_channel_table *table, const gp_hypercall_limits *limits,
                         const gp_hypercall *call, const gp_guest_memory *memory,
                         unsigned width)
{
    gp_channel_id id;
    gp_channel_recv_fn recv = NULL;
    void *opaque = NULL;
    gp_caller caller;

    if (!channel_of(call, &id) || !caller_of(memory, &caller) ||
        gp_channel_table_receiver(table, caller, id, &recv, &opaque) < 0) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    if (call->arg2 > limits->max_message) {
        return error_value(GP_ERR_TOO_LARGE, width);
    }
    size_t length = (size_t)call->arg2;
    uint8_t *data = scratch(length);
    if (length && !read_guest(memory, call->arg1, data, length)) {
        return error_value(GP_ERR_BAD_ADDRESS, width);
    }
    if (recv) {
        /* The core's callbacks answer, and a host plugin's channels are
         * given, only to the process that wrote (callback_context.h). */
        gp_callback_context previous = gp_callback_context_enter(id, caller.address_space);
        recv(id, data, length, opaque);
        gp_callback_context_leave(previous);
    }
    return at_width(call->arg2, width);
}

typedef struct {
    const gp_guest_memory *memory;
    uint64_t addr;
} deliver_context;

static bool deliver_to_guest(void *context, const uint8_t *bytes, size_t length)
{
    deliver_context *target = context;
    const gp_guest_memory *memory = target->memory;
    /* Check the whole range first, as writable by the calling process: a
     * partial write would lose the message, and a write the process could
     * not make itself would let it change memory it has no right to. */
    return length == 0 || (memory->mapped(memory->context, target->addr, length, true) &&
                           memory->write(memory->context, target->addr, bytes, length));
}

static uint64_t op_read(gp_channel_table *table, const gp_hypercall *call,
                        const gp_guest_memory *memory, unsigned width)
{
    gp_channel_id id;
    deliver_context target = { memory, call->arg1 };
    gp_caller caller;

    if (!channel_of(call, &id) || !caller_of(memory, &caller)) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    size_t capacity = (size_t)MIN(call->arg2, (uint64_t)SSIZE_MAX);
    ssize_t result = gp_channel_table_pop(table, caller, id, capacity, deliver_to_guest,
                                          &target);
    if (result == -ENOENT) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    if (result == -EFAULT) {
        return error_value(GP_ERR_BAD_ADDRESS, width);
    }
    return at_width((uint64_t)result, width);
}

static uint64_t op_error(const gp_hypercall *call, const gp_guest_memory *memory,
                         unsigned width)
{
    uint8_t text[GP_MAX_ERROR_TEXT];
    size_t length = (size_t)MIN(call->arg2, (uint64_t)sizeof text);

    if (length && !read_guest(memory, call->arg1, text, length)) {
        return error_value(GP_ERR_BAD_ADDRESS, width);
    }
    g_autofree char *line = gp_printable(text, length);
    gp_caller caller = GP_CALLER_HOST; /* address space 0 if it cannot be told */
    caller_of(memory, &caller);
    gp_guest_log(GP_GUEST_LOG_ERROR, caller.address_space,
                 "guest error (channel %" G_GUINT64_FORMAT "): %s%s", call->channel, line,
                 call->arg2 > sizeof text ? " [truncated]" : "");
    return 0;
}

static uint64_t op_get_channel_by_name(gp_channel_table *table, const gp_hypercall *call,
                                       const gp_guest_memory *memory, unsigned width)
{
    char name[GP_MAX_NAME_LENGTH];
    gp_channel_id id;
    gp_caller caller;

    if (call->arg2 > sizeof name) {
        return error_value(GP_ERR_TOO_LARGE, width);
    }
    size_t length = (size_t)call->arg2;
    if (length && !read_guest(memory, call->arg1, name, length)) {
        return error_value(GP_ERR_BAD_ADDRESS, width);
    }
    if (!caller_of(memory, &caller)) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    /* A channel the caller does not own is not there for it: the same
     * answer and the same log line as for a name nobody has. */
    if (gp_channel_table_find(table, caller, name, length, &id) < 0) {
        g_autofree char *shown = gp_printable((const uint8_t *)name, length);
        gp_guest_log(GP_GUEST_LOG_LOOKUP, caller.address_space,
                     "failed to find channel number for channel \"%s\"", shown);
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    return id;
}

/* Why GET_MANAGER was refused, for the host log. */
static void log_refused_channel(gp_channel_table *table, int result, uint64_t space)
{
    const gp_channel_limits *limits = gp_channel_table_limits(table);
    if (result == -EMFILE) {
        gp_guest_log(GP_GUEST_LOG_CHANNELS, space,
                     "GET_MANAGER refused: address space 0x%" G_GINT64_MODIFIER "x already "
                     "made %zu channels (guest_channels_per_process=%zu)", space,
                     limits->guest_channels_per_space, limits->guest_channels_per_space);
    } else if (result == -ENFILE) {
        gp_guest_log(GP_GUEST_LOG_CHANNELS, space,
                     "GET_MANAGER refused: the guest made %zu channels, all it may "
                     "(guest_channels=%zu; the rest of max_channels=%zu is the host's)",
                     limits->guest_channels, limits->guest_channels, limits->max_channels);
    } else {
        gp_guest_log(GP_GUEST_LOG_CHANNELS, space,
                     "GET_MANAGER refused: the channel table is full (max_channels=%zu)",
                     limits->max_channels);
    }
}

static uint64_t op_get_manager(gp_channel_table *table, const gp_guest_memory *memory,
                               unsigned width)
{
    gp_channel_id id;
    gp_caller caller;
    if (!caller_of(memory, &caller)) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    int result = gp_channel_table_add_for_guest(table, caller.address_space, gp_manager_recv,
                                                table, &id);
    if (result < 0) {
        log_refused_channel(table, result, caller.address_space);
        return error_value(GP_ERR_FULL, width);
    }
    return id;
}

/* RELEASE: the caller owns the channel no more (it is about to exit). */
static uint64_t op_release(gp_channel_table *table, const gp_hypercall *call,
                           const gp_guest_memory *memory, unsigned width)
{
    gp_channel_id id;
    gp_caller caller;
    if (!channel_of(call, &id) || !caller_of(memory, &caller) ||
        gp_channel_table_release(table, caller.address_space, id) < 0) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    return 0;
}

/* CLAIM: the token's channel becomes the caller's too. */
static uint64_t op_claim(gp_channel_table *table, const gp_hypercall *call,
                         const gp_guest_memory *memory, unsigned width)
{
    char text[GP_TOKEN_LENGTH];
    gp_token token;
    gp_channel_id id;
    gp_caller caller;

    if (call->arg2 != GP_TOKEN_LENGTH) {
        return error_value(GP_ERR_NOT_FOUND, width); /* no token has another length */
    }
    if (!read_guest(memory, call->arg1, text, sizeof text)) {
        return error_value(GP_ERR_BAD_ADDRESS, width);
    }
    if (!caller_of(memory, &caller)) {
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    if (!gp_token_parse(text, sizeof text, &token) ||
        gp_channel_table_claim(table, &token, caller.address_space, &id) < 0) {
        /* Never the token itself: a near miss is no one's business. */
        gp_guest_log(GP_GUEST_LOG_LOOKUP, caller.address_space,
                     "a claim with a token no channel has, from address space 0x%"
                     G_GINT64_MODIFIER "x", caller.address_space);
        return error_value(GP_ERR_NOT_FOUND, width);
    }
    return id;
}

uint64_t gp_hypercall_dispatch(gp_channel_table *table, const gp_hypercall_limits *limits,
                               const gp_hypercall *call, const gp_guest_memory *memory,
                               unsigned register_bytes)
{
    switch (call->op) {
    case GP_OP_START:
        return at_width(~(uint64_t)GP_MAGIC, register_bytes);
    case GP_OP_STOP:
        return 0;
    case GP_OP_READ:
        return op_read(table, call, memory, register_bytes);
    case GP_OP_WRITE:
        return op_write(table, limits, call, memory, register_bytes);
    case GP_OP_ERROR:
        return op_error(call, memory, register_bytes);
    case GP_OP_GET_MANAGER:
        return op_get_manager(table, memory, register_bytes);
    case GP_OP_GET_CHANNEL_BY_NAME:
        return op_get_channel_by_name(table, call, memory, register_bytes);
    case GP_OP_CLAIM:
        return op_claim(table, call, memory, register_bytes);
    case GP_OP_RELEASE:
        return op_release(table, call, memory, register_bytes);
    default:
        return error_value(GP_ERR_UNKNOWN_OP, register_bytes);
    }
}
