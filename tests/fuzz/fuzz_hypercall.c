/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a hostile guest drives the hypercall dispatcher. The
 * input is a sequence of hypercalls (op, channel, arg1, arg2, 8 bytes each,
 * values folded towards interesting ranges) against a guest memory of two
 * mapped pages whose bytes also come from the input. The host side echoes
 * every message and uses the manager protocol, so READ, WRITE, names,
 * errors and partial reads all interleave. ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <string.h>

#include "channel_table.h"
#include "hypercall.h"
#include "log.h"

#define BASE 0x10000u
#define SIZE 0x2000u

static uint8_t memory[SIZE];

static bool in_range(uint64_t addr, size_t len)
{
    return addr >= BASE && len <= SIZE && addr - BASE <= SIZE - len;
}

static bool mem_read(void *c, uint64_t addr, void *buf, size_t len)
{
    (void)c;
    if (!in_range(addr, len)) {
        return false;
    }
    memcpy(buf, memory + (addr - BASE), len);
    return true;
}

static bool mem_write(void *c, uint64_t addr, const void *buf, size_t len)
{
    (void)c;
    if (!in_range(addr, len)) {
        __builtin_trap(); /* the dispatcher must have checked mapped() first */
    }
    memcpy(memory + (addr - BASE), buf, len);
    return true;
}

static bool mem_mapped(void *c, uint64_t addr, size_t len)
{
    (void)c;
    return in_range(addr, len);
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
    case 0: return BASE + (raw & 0x1fff);
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
    gp_guest_memory guest = { mem_read, mem_write, mem_mapped, NULL };

    size_t memory_bytes = size < SIZE ? size : SIZE;
    memcpy(memory, data, memory_bytes);
    memset(memory + memory_bytes, 'n', SIZE - memory_bytes);
    for (size_t at = 0; at + 8 <= size; at += 8) {
        const uint8_t *call = data + at;
        gp_hypercall h = {
            .op = call[0] % 9,
            .channel = call[1] < 250 ? call[1] % 8 : UINT64_MAX - call[1],
            .arg1 = address((uint16_t)(call[2] | call[3] << 8)),
            .arg2 = call[4] == 255 ? UINT64_MAX : (uint64_t)(call[4] | call[5] << 8),
        };
        gp_hypercall_dispatch(table, &limits, &h, &guest, call[6] & 1 ? 4 : 8);
        if (call[7] & 1) { /* the host writes too */
            gp_channel_table_push(table, call[1] % 8, data, at % 300);
        }
    }
    gp_channel_table_free(table);
    return 0;
}
