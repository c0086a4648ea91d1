/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the x86 page walk (core/arch/x86_paging.c) against a
 * plain reference walk written from the SDM, one page at a time. The input
 * gives the paging registers, the access (read or write), the virtual
 * range and the bytes of a small physical memory that holds the page
 * tables; physical addresses wrap around in it, so every entry leads
 * somewhere. The walk under test reads the upper levels once per table and
 * the leaf entries in batches; the reference does none of that. They must
 * agree on whether the range is allowed and, when it is, on the physical
 * address of every byte of it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/x86_paging.h"

#define PHYS_SIZE 0x8000u /* 8 pages of tables */
#define MAX_PIECES 64

static uint8_t phys[PHYS_SIZE];

static bool phys_read(void *context, uint64_t addr, void *buf, size_t len)
{
    (void)context;
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = phys[(addr + i) % PHYS_SIZE];
    }
    return true;
}

static uint64_t entry(uint64_t addr, unsigned bytes)
{
    uint64_t value = 0;
    phys_read(NULL, addr, &value, bytes); /* little-endian host, like x86 */
    return value;
}

/* ---- the reference: one page, straight from the SDM ------------------- */

#define P 0x1u
#define RW 0x2u
#define US 0x4u
#define D 0x40u
#define PS 0x80u
#define ADDR64 UINT64_C(0x000ffffffffff000)

/* The physical address of VA for a user access (WRITE), or false. */
static bool reference(const uint64_t *r, uint64_t va, bool write, uint64_t *pa)
{
    uint64_t cr0 = r[GP_X86_CR0], cr3 = r[GP_X86_CR3], cr4 = r[GP_X86_CR4];
    uint64_t efer = r[GP_X86_EFER];
    uint64_t need = P | US | (write ? RW : 0);
    bool lma = efer & (1u << 10);

    if (!lma && va > UINT32_MAX) {
        return false;
    }
    if (!(cr0 & (UINT64_C(1) << 31)) && !lma) {
        *pa = va;
        return true;
    }
    if (!lma && !(cr4 & (1u << 5))) { /* 32-bit paging */
        uint64_t pde = entry((cr3 & 0xfffff000) + ((va >> 22) & 1023) * 4, 4);
        if ((pde & need) != need) {
            return false;
        }
        if ((pde & PS) && (cr4 & (1u << 4))) {
            if (write && !(pde & D)) {
                return false;
            }
            *pa = (pde & 0xffc00000) + ((pde >> 13) & 0xff) * (UINT64_C(1) << 32) +
                  (va & 0x3fffff);
            return true;
        }
        uint64_t pte = entry((pde & 0xfffff000) + ((va >> 12) & 1023) * 4, 4);
        if ((pte & need) != need || (write && !(pte & D))) {
            return false;
        }
        *pa = (pte & 0xfffff000) + (va & 0xfff);
        return true;
    }
    uint64_t table;
    int level;
    if (!lma) { /* PAE: the PDPTE has only a present bit; PS is reserved */
        uint64_t pdpte = entry((cr3 & 0xffffffe0) + ((va >> 30) & 3) * 8, 8);
        if (!(pdpte & P) || (pdpte & PS)) {
            return false;
        }
        table = pdpte & ADDR64;
        level = 2;
    } else {
        bool la57 = cr4 & (1u << 12);
        int bits = la57 ? 57 : 48;
        if ((uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) != va) {
            return false;
        }
        table = cr3 & ADDR64;
        level = la57 ? 5 : 4;
    }
    for (; level >= 1; level--) {
        int shift = 12 + 9 * (level - 1);
        uint64_t e = entry(table + ((va >> shift) & 511) * 8, 8);
        if ((e & need) != need) {
            return false;
        }
        if (level == 1 || (e & PS)) {
            if (level >= 4 || (level == 3 && !lma)) {
                return false; /* reserved PS */
            }
            if (write && !(e & D)) {
                return false;
            }
            uint64_t size = UINT64_C(1) << shift;
            *pa = (e & ADDR64 & ~(size - 1)) + (va & (size - 1));
            return true;
        }
        table = e & ADDR64;
    }
    return false;
}

/* ---- the walk under test ---------------------------------------------- */

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

static uint64_t take(const uint8_t **data, size_t *size, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes && *size; i++, (*data)++, (*size)--) {
        value |= (uint64_t)**data << (8 * i);
    }
    return value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    uint8_t mode = (uint8_t)take(&data, &size, 1);
    registers[GP_X86_CR0] = mode & 1 ? UINT64_C(1) << 31 : 0;
    registers[GP_X86_CR4] = (mode & 2 ? 1u << 4 : 0) | (mode & 4 ? 1u << 5 : 0) |
                            (mode & 8 ? 1u << 12 : 0);
    registers[GP_X86_EFER] = mode & 16 ? 1u << 10 : 0;
    if (registers[GP_X86_EFER]) {
        registers[GP_X86_CR0] |= UINT64_C(1) << 31; /* long mode implies paging */
    }
    bool write = mode & 32;
    registers[GP_X86_CR3] = take(&data, &size, 2) << 5;
    uint64_t vaddr = take(&data, &size, 8);
    /* Mostly small ranges near the start of a page, now and then a wrap. */
    uint64_t length = 1 + take(&data, &size, 2) % (8 * 4096);
    if (mode & 64) {
        vaddr = (uint64_t)((int64_t)(vaddr << 16) >> 16); /* canonical for 4 levels */
    }
    if (mode & 128) {
        /* Just below a 4 MiB boundary (so also a 2 MiB one): the range
         * crosses from one last-level table into the next. */
        vaddr = (vaddr | 0x3fffff) - (vaddr & 0x7fff);
    }
    uint8_t shape = (uint8_t)take(&data, &size, 1);
    memset(phys, 0, sizeof phys);
    memcpy(phys, data, size < PHYS_SIZE ? size : PHYS_SIZE);
    /* Random entries rarely grant anything; now and then make most of them
     * grant all (present, writable, user, dirty), with or without large
     * pages, so that long walks and batches that span tables happen. */
    for (unsigned at = 0; (shape & 3) && at < PHYS_SIZE; at += 4) {
        if (phys[at] & 0x10) {
            continue; /* leave some entries as they are */
        }
        phys[at] |= P | RW | US | D;
        if (shape & 2) {
            phys[at] &= (uint8_t)~PS;
        }
    }

    pieces got = { 0 };
    gp_physical_memory memory = { phys_read, NULL };
    bool allowed = gp_x86_user_paging.translate_user(registers, &memory, vaddr, length, write,
                                                     collect, &got);

    /* The reference, byte by byte at page granularity. */
    bool expected = vaddr + (length - 1) >= vaddr;
    uint64_t at = vaddr, left = length;
    unsigned piece = 0;
    uint64_t piece_offset = 0;
    while (expected && left > 0) {
        uint64_t pa;
        uint64_t in_page = 4096 - (at & 4095);
        uint64_t count = in_page < left ? in_page : left;
        if (!reference(registers, at, write, &pa)) {
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
    return 0;
}
