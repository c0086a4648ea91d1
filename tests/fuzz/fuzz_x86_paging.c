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
 * address of every byte of it (paging_fuzz.c, shared with the arm and
 * aarch64 targets).
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_paging.h"
#include "paging_fuzz.h"


/* ---- the reference: one page, straight from the SDM ------------------- */

/* (x86 tables are little-endian: paging_fuzz_big_endian stays false.) */

#define P 0x1u
#define RW 0x2u
#define US 0x4u
#define D 0x40u
#define PS 0x80u
#define ADDR64 UINT64_C(0x000ffffffffff000)

/* The physical address of VA for a user ACCESS (read or write), or false. */
static bool reference(const uint64_t *r, uint64_t va, gp_access access, uint64_t *pa)
{
    bool write = access == GP_ACCESS_WRITE;
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
        uint64_t pde = paging_fuzz_entry((cr3 & 0xfffff000) + ((va >> 22) & 1023) * 4, 4);
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
        uint64_t pte = paging_fuzz_entry((pde & 0xfffff000) + ((va >> 12) & 1023) * 4, 4);
        if ((pte & need) != need || (write && !(pte & D))) {
            return false;
        }
        *pa = (pte & 0xfffff000) + (va & 0xfff);
        return true;
    }
    uint64_t table;
    int level;
    if (!lma) { /* PAE: the PDPTE has only a present bit; PS is reserved */
        uint64_t pdpte = paging_fuzz_entry((cr3 & 0xffffffe0) + ((va >> 30) & 3) * 8, 8);
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
        uint64_t e = paging_fuzz_entry(table + ((va >> shift) & 511) * 8, 8);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    uint8_t mode = (uint8_t)paging_fuzz_take(&data, &size, 1);
    registers[GP_X86_CR0] = mode & 1 ? UINT64_C(1) << 31 : 0;
    registers[GP_X86_CR4] = (mode & 2 ? 1u << 4 : 0) | (mode & 4 ? 1u << 5 : 0) |
                            (mode & 8 ? 1u << 12 : 0);
    registers[GP_X86_EFER] = mode & 16 ? 1u << 10 : 0;
    if (registers[GP_X86_EFER]) {
        registers[GP_X86_CR0] |= UINT64_C(1) << 31; /* long mode implies paging */
    }
    gp_access access = mode & 32 ? GP_ACCESS_WRITE : GP_ACCESS_READ;
    registers[GP_X86_CR3] = paging_fuzz_take(&data, &size, 2) << 5;
    uint64_t vaddr = paging_fuzz_take(&data, &size, 8);
    /* Mostly small ranges near the start of a page, now and then a wrap. */
    uint64_t length = 1 + paging_fuzz_take(&data, &size, 2) % (8 * 4096);
    if (mode & 64) {
        vaddr = (uint64_t)((int64_t)(vaddr << 16) >> 16); /* canonical for 4 levels */
    }
    if (mode & 128) {
        /* Just below a 4 MiB boundary (so also a 2 MiB one): the range
         * crosses from one last-level table into the next. */
        vaddr = (vaddr | 0x3fffff) - (vaddr & 0x7fff);
    }
    uint8_t shape = (uint8_t)paging_fuzz_take(&data, &size, 1);
    paging_fuzz_load(data, size);
    uint8_t *phys = paging_fuzz_phys;
    /* Random entries rarely grant anything; now and then make most of them
     * grant all (present, writable, user, dirty), with or without large
     * pages, so that long walks and batches that span tables happen. */
    for (unsigned at = 0; (shape & 3) && at < PAGING_FUZZ_PHYS_SIZE; at += 4) {
        if (phys[at] & 0x10) {
            continue; /* leave some entries as they are */
        }
        phys[at] |= P | RW | US | D;
        if (shape & 2) {
            phys[at] &= (uint8_t)~PS;
        }
    }

    paging_fuzz_check(&gp_x86_user_paging, reference, registers, vaddr, length, access);
    return 0;
}
