/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The harness the page-walk fuzz targets share (paging_fuzz.h). */
#include <string.h>

#include "paging_fuzz.h"

#define MAX_PIECES 64

uint8_t paging_fuzz_phys[PAGING_FUZZ_PHYS_SIZE];
bool paging_fuzz_big_endian;

uint64_t paging_fuzz_take(const uint8_t **data, size_t *size, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes && *size; i++, (*data)++, (*size)--) {
        value |= (uint64_t)**data << (8 * i);
    }
    return value;
}

void paging_fuzz_load(const uint8_t *data, size_t size)
{
    memset(paging_fuzz_phys, 0, sizeof paging_fuzz_phys);
    memcpy(paging_fuzz_phys, data, size < PAGING_FUZZ_PHYS_SIZE ? size : PAGING_FUZZ_PHYS_SIZE);
}

static bool phys_read(void *context, uint64_t addr, void *buf, size_t len)
{
    (void)context;
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = paging_fuzz_phys[(addr + i) % PAGING_FUZZ_PHYS_SIZE];
    }
    return true;
}

uint64_t paging_fuzz_entry(uint64_t addr, unsigned bytes)
{
    uint8_t raw[8];
    uint64_t value = 0;
    phys_read(NULL, addr, raw, bytes);
    for (unsigned i = 0; i < bytes; i++) {
        value |= (uint64_t)raw[paging_fuzz_big_endian ? bytes - 1 - i : i] << (8 * i);
    }
    return value;
}

typedef struct pieces {
    unsigned count;
    uint64_t addr[MAX_PIECES], length[MAX_PIECES];
} pieces;

static bool collect(void *context, uint64_t addr, uint64_t length)
{
    pieces *p = context;
    if (p->count == MAX_PIECES) {
        __builtin_trap(); /* more pieces than pages: the walk reported too much */
    }
    p->addr[p->count] = addr;
    p->length[p->count++] = length;
    return true;
}

void paging_fuzz_check(const gp_user_paging *paging, paging_fuzz_reference_fn reference,
                       const uint64_t *registers, uint64_t vaddr, uint64_t length,
                       gp_access access)
{
    pieces got = { 0 };
    gp_physical_memory memory = { phys_read, NULL };
    bool allowed = paging->translate_user(registers, &memory, vaddr, length, access, collect,
                                          &got);

    /* The reference, byte by byte at page granularity. */
    bool expected = vaddr + (length - 1) >= vaddr;
    uint64_t at = vaddr, left = length;
    unsigned piece = 0;
    uint64_t piece_offset = 0;
    while (expected && left > 0) {
        uint64_t pa;
        uint64_t in_page = 4096 - (at & 4095);
        uint64_t count = in_page < left ? in_page : left;
        if (!reference(registers, at, access, &pa)) {
            expected = false;
            break;
        }
        if (allowed) {
            /* The walk's pieces, consumed in step: same address for this run. */
            if (piece >= got.count || got.addr[piece] + piece_offset != pa ||
                got.length[piece] - piece_offset < count) {
                __builtin_trap(); /* the pieces do not match the reference */
            }
            piece_offset += count;
            if (piece_offset == got.length[piece]) {
                piece++;
                piece_offset = 0;
            }
        }
        at += count;
        left -= count;
    }
    if (allowed != expected || (allowed && piece != got.count)) {
        __builtin_trap(); /* allowed what the CPU would not, or the reverse */
    }
}
