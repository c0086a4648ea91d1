/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the aarch64 page walk (core/arch/aarch64_paging.c and
 * arm_long_descriptor.c) against a plain reference walk written from the
 * Arm ARM (D4.2 to D4.4 of DDI 0487A), one page at a time, as
 * fuzz_x86_paging.c does for x86. The input gives SCTLR_EL1, TCR_EL1 and
 * TTBR0_EL1, the access, the virtual range and the bytes of a small
 * physical memory that holds the tables; physical addresses wrap around
 * in it, so every descriptor leads somewhere. The walk under test reads
 * the upper levels once per table and the last level in batches; the
 * reference does none of that. They must agree on whether the range is
 * allowed and, when it is, on the physical address of every byte of it
 * (paging_fuzz.c, shared with the x86 and arm targets).
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64_paging.h"
#include "paging_fuzz.h"

/* ---- the reference: one page, straight from the Arm ARM --------------- */

#define OA UINT64_C(0x0000fffffffff000)

static unsigned shift(int level)
{
    return (unsigned)(12 + 9 * (3 - level));
}

static bool reference(const uint64_t *r, uint64_t va, gp_access access, uint64_t *pa)
{
    static const unsigned pa_bits[8] = { 32, 36, 40, 42, 44, 48, 48, 0 };
    uint64_t sctlr = r[GP_AARCH64_SCTLR_EL1], tcr = r[GP_AARCH64_TCR_EL1];
    unsigned t0sz = tcr & 63, obits = pa_bits[(tcr >> 32) & 7];

    if (!(sctlr & 1) || (tcr & (1u << 7)) || ((tcr >> 14) & 3) || ((tcr >> 59) & 1) ||
        t0sz < 16 || t0sz > 39 || obits == 0) {
        return false;
    }
    bool tbi = ((tcr >> 37) & 1) && (access != GP_ACCESS_EXECUTE || !((tcr >> 51) & 1));
    if (tbi) {
        va &= UINT64_C(0x00ffffffffffffff);
    }
    unsigned inbits = 64 - t0sz;
    if (va >> inbits) {
        return false; /* TTBR1 or a translation fault */
    }
    /* The initial lookup level of the 4 KiB granule, by input size. */
    int level = inbits > 39 ? 0 : inbits > 30 ? 1 : inbits > 21 ? 2 : 3;
    uint64_t table = r[GP_AARCH64_TTBR0_EL1] & UINT64_C(0x0000fffffffffffe);
    table &= ~((UINT64_C(8) << (inbits - shift(level))) - 1);
    if (table >> obits) {
        return false;
    }
    bool no_el0 = false, read_only = false, no_exec = false;
    for (;; level++) {
        uint64_t d = paging_fuzz_entry(table + ((va >> shift(level)) & 511) * 8, 8);
        if (!(d & 1)) {
            return false;
        }
        if ((d & 2) && level < 3) {
            no_el0 |= (d >> 61) & 1;
            read_only |= (d >> 62) & 1;
            no_exec |= (d >> 60) & 1;
            table = d & OA;
            if (table >> obits) {
                return false;
            }
            continue;
        }
        if ((level == 3 && !(d & 2)) || level == 0 || !((d >> 10) & 1) || ((d & OA) >> obits)) {
            return false;
        }
        bool user_read = ((d >> 6) & 1) && !no_el0;
        bool user_write = user_read && !((d >> 7) & 1) && !read_only;
        bool ok = access == GP_ACCESS_READ    ? user_read
                  : access == GP_ACCESS_WRITE ? user_write
                                              : !((d >> 54) & 1) && !no_exec &&
                                                    !(((sctlr >> 19) & 1) && user_write);
        if (!ok) {
            return false;
        }
        uint64_t size = UINT64_C(1) << shift(level);
        *pa = (d & OA & ~(size - 1)) + (va & (size - 1));
        return true;
    }
}

/* ---- the walk under test ---------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned t0szs[8] = { 16, 16, 25, 25, 33, 39, 30, 20 };
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    uint8_t mode = (uint8_t)paging_fuzz_take(&data, &size, 1);
    uint8_t tweaks = (uint8_t)paging_fuzz_take(&data, &size, 1);
    paging_fuzz_big_endian = mode & 8;
    bool big_endian = paging_fuzz_big_endian;
    registers[GP_AARCH64_SCTLR_EL1] = (tweaks & 1 ? 0 : 1) | (big_endian ? 1u << 25 : 0) |
                                      (mode & 16 ? 1u << 19 : 0);
    uint64_t tcr = t0szs[mode & 7] | (uint64_t)((tweaks >> 1) & 7) << 32; /* IPS */
    tcr |= mode & 32 ? UINT64_C(1) << 37 : 0;                            /* TBI0 */
    tcr |= tweaks & 16 ? UINT64_C(1) << 51 : 0;                          /* TBID0 */
    if ((tweaks & 0xe0) == 0xe0) {
        tcr ^= paging_fuzz_take(&data, &size, 8); /* anything: EPD0, other granules, DS, ... */
    }
    registers[GP_AARCH64_TCR_EL1] = tcr;
    registers[GP_AARCH64_TTBR0_EL1] = paging_fuzz_take(&data, &size, 2) << 4 |
                                      paging_fuzz_take(&data, &size, 2) << 48;
    gp_access access = (gp_access)(paging_fuzz_take(&data, &size, 1) % 3);
    uint64_t vaddr = paging_fuzz_take(&data, &size, 8);
    /* Mostly small ranges near the start of a page, now and then a wrap. */
    uint64_t length = 1 + paging_fuzz_take(&data, &size, 2) % (8 * 4096);
    if (mode & 64) {
        /* In TTBR0's range, with a tag now and then. */
        uint64_t tag = vaddr & UINT64_C(0xff00000000000000);
        vaddr &= (UINT64_C(1) << (64 - t0szs[mode & 7])) - 1;
        vaddr |= tweaks & 2 ? tag : 0;
    }
    if (mode & 128) {
        /* Just below a 2 MiB boundary: the range crosses into the next
         * last-level table. */
        vaddr = (vaddr | 0x1fffff) - (vaddr & 0x7fff);
    }
    uint8_t shape = (uint8_t)paging_fuzz_take(&data, &size, 1);
    paging_fuzz_load(data, size);
    uint8_t *phys = paging_fuzz_phys;
    /* Random descriptors rarely grant anything; now and then make most of
     * them valid tables or pages EL0 may use, with the Access flag and an
     * output address that fits, so that long walks and batches happen. */
    for (unsigned at = 0; (shape & 3) && at < PAGING_FUZZ_PHYS_SIZE; at += 8) {
        unsigned low = big_endian ? at + 7 : at;
        if (phys[low] & 0x10) {
            continue; /* leave some as they are */
        }
        phys[low] |= 0x1 | 0x40 | (shape & 2 ? 0x2 : 0);
        phys[big_endian ? at + 6 : at + 1] |= 0x04; /* AF, bit 10 */
        phys[big_endian ? at + 3 : at + 4] = 0;     /* bits 39:32 */
        phys[big_endian ? at + 2 : at + 5] = 0;     /* bits 47:40 */
    }

    /* A range whose tag changes on the way starts beyond any TTBR0 range,
     * so the reference refuses it without looking at tags. */
    paging_fuzz_check(&gp_aarch64_user_paging, reference, registers, vaddr, length, access);
    return 0;
}
