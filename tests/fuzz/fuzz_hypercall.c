/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a hostile guest drives the hypercall dispatcher. The
 * input is a sequence of hypercalls (op, channel, arg1, arg2, 8 bytes each,
 * values folded towards interesting ranges) against a guest memory of four
 * pages whose bytes also come from the input, and whose page protections
 * come from its first byte: each page is absent, supervisor only (kernel
 * memory), user read-only (zero page, copy-on-write, a read-only file) or
 * user read-write. The host side echoes every message and uses the manager
 * protocol, so READ, WRITE, names, errors and partial reads all interleave.
 *
 * The raw read and write callbacks trap on any access the calling process
 * could not make itself (reading a supervisor page, writing a supervisor or
 * read-only page): the dispatcher must ask mapped() with the right intent
 * first. A READ that fails must keep its message queued. ASan/UBSan catch
 * the rest.
 */
#include <stdint.h>
#include <string.h>

#include "channel_table.h"
#include "guestplug/abi.h"
#include "hypercall.h"
#include "log.h"

#define BASE 0x10000u
#define PAGE 0x1000u
#define PAGES 4u
#define SIZE (PAGES * PAGE)

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

static gp_channel_table *table;

static void echo(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    (void)opaque;
    gp_channel_table_push(table, ch, data, len);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    table = gp_channel_table_new(1u << 16, 16);
    gp_channel_id id;
    gp_channel_table_add(table, "echo", echo, NULL, &id);
    gp_channel_table_add(table, "quiet", NULL, NULL, &id);
    gp_hypercall_limits limits = { .max_message = 4096 };
    gp_guest_memory guest = { mem_mapped, mem_read, mem_write, NULL };

    for (unsigned page = 0; page < PAGES; page++) {
        protection[page] = size ? (data[0] >> (2 * page)) & 3 : USER_READ_WRITE;
    }
    size_t memory_bytes = size < SIZE ? size : SIZE;
    memcpy(memory, data, memory_bytes);
    memset(memory + memory_bytes, 'n', SIZE - memory_bytes);
    for (size_t at = 1; at + 8 <= size; at += 8) {
        const uint8_t *call = data + at;
        gp_hypercall h = {
            .op = call[0] % 9,
            .channel = call[1] < 250 ? call[1] % 8 : UINT64_MAX - call[1],
            .arg1 = address((uint16_t)(call[2] | call[3] << 8)),
            .arg2 = call[4] == 255 ? UINT64_MAX : (uint64_t)(call[4] | call[5] << 8),
        };
        unsigned width = call[6] & 1 ? 4 : 8;
        size_t queued = gp_channel_table_queued(table, (gp_channel_id)h.channel);
        uint64_t result = gp_hypercall_dispatch(table, &limits, &h, &guest, width);
        uint64_t bad_address = (uint64_t)-GP_ERR_BAD_ADDRESS & (width == 4 ? UINT32_MAX : UINT64_MAX);
        if (h.op == GP_OP_READ && result == bad_address &&
            gp_channel_table_queued(table, (gp_channel_id)h.channel) != queued) {
            __builtin_trap(); /* a READ that failed lost (part of) its message */
        }
        if (call[7] & 1) { /* the host writes too */
            gp_channel_table_push(table, call[1] % 8, data, at % 300);
        }
    }
    gp_channel_table_free(table);
    return 0;
}
