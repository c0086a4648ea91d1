/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the arm page walk (core/arch/arm_paging.c with
 * arm_long_descriptor.c and arm_short_descriptor.c) against a plain
 * reference walk written from the ARMv7-A ARM (B3.5 to B3.7 of DDI 0406C),
 * one page at a time, in both table formats, as fuzz_x86_paging.c does
 * for x86. The input gives SCTLR, TTBCR, TTBR0 and DACR, the access, the
 * virtual range and the bytes of a small physical memory that holds the
 * tables; physical addresses wrap around in it. They must agree on
 * whether the range is allowed and, when it is, on the physical address
 * of every byte of it (paging_fuzz.c, shared with the x86 and aarch64
 * targets).
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/arm_paging.h"
#include "paging_fuzz.h"

/* ---- the reference: one page, straight from the ARM ARM --------------- */

#define LONG_OA UINT64_C(0x0000fffffffff000)

static bool permitted(gp_access access, bool read, bool write, bool xn, bool wxn)
{
    switch (access) {
    case GP_ACCESS_READ:
        return read;
    case GP_ACCESS_WRITE:
        return write;
    case GP_ACCESS_EXECUTE:
        return read && !xn && !(wxn && write); /* PL0 fetches need read permission */
    }
    return false;
}

static bool long_reference(const uint64_t *r, uint32_t va, gp_access access, uint64_t *pa)
{
    uint64_t ttbcr = r[GP_ARM_TTBCR], ttbr0 = r[GP_ARM_TTBR0];
    unsigned t0sz = ttbcr & 7, t1sz = (ttbcr >> 16) & 7;
    bool wxn = (r[GP_ARM_SCTLR] >> 19) & 1;
    /* B3.6.4: which TTBR, if any, translates VA. */
    bool ttbr1 = t1sz == 0 ? (t0sz > 0 && va > (UINT32_MAX >> t0sz))
                           : va >= (uint32_t)~(UINT32_MAX >> t1sz);
    if (ttbr1 || (t0sz > 0 && (va >> (32 - t0sz))) || ((ttbcr >> 7) & 1) ||
        ((ttbr0 >> 40) & 0xff)) {
        return false;
    }
    /* B3.6.6: level 1 for T0SZ 0 and 1, level 2 above; TTBR0 aligned to
     * 2^x with x = 5 - T0SZ or 14 - T0SZ. */
    int level = t0sz <= 1 ? 1 : 2;
    unsigned x = t0sz <= 1 ? 5 - t0sz : 14 - t0sz;
    uint64_t table = ttbr0 & UINT64_C(0xffffffffff) & ~((UINT64_C(1) << x) - 1);
    bool no_pl0 = false, read_only = false, no_exec = false;
    for (;; level++) {
        unsigned shift = (unsigned)(12 + 9 * (3 - level));
        uint64_t d = paging_fuzz_entry(table + ((va >> shift) & 511) * 8, 8);
        if (!(d & 1)) {
            return false;
        }
        if ((d & 2) && level < 3) {
            no_pl0 |= (d >> 61) & 1;
            read_only |= (d >> 62) & 1;
            no_exec |= (d >> 60) & 1;
            table = d & LONG_OA;
            if (table >> 40) {
                return false;
            }
            continue;
        }
        if ((level == 3 && !(d & 2)) || !((d >> 10) & 1) || ((d & LONG_OA) >> 40)) {
            return false;
        }
        bool read = ((d >> 6) & 1) && !no_pl0;
        bool write = read && !((d >> 7) & 1) && !read_only;
        if (!permitted(access, read, write, ((d >> 54) & 1) || no_exec, wxn)) {
            return false;
        }
        uint64_t size = UINT64_C(1) << shift;
        *pa = (d & LONG_OA & ~(size - 1)) + (va & (size - 1));
        return true;
    }
}

static bool short_reference(const uint64_t *r, uint32_t va, gp_access access, uint64_t *pa)
{
    uint64_t sctlr = r[GP_ARM_SCTLR], ttbcr = r[GP_ARM_TTBCR];
    unsigned n = ttbcr & 7;
    if (((ttbcr >> 4) & 1) || (n > 0 && (va >> (32 - n)))) {
        return false;
    }
    uint32_t l1 = (uint32_t)r[GP_ARM_TTBR0] & ~((UINT32_C(1) << (14 - n)) - 1);
    uint32_t d = (uint32_t)paging_fuzz_entry(l1 + (va >> 20) * 4, 4);
    uint64_t base, size;
    unsigned domain, ap;
    bool xn;
    switch (d & 3) {
    case 0:
        return false;
    case 1: {
        domain = (d >> 5) & 15;
        unsigned access_of_domain = (r[GP_ARM_DACR] >> (2 * domain)) & 3;
        if (access_of_domain == 0 || access_of_domain == 2) {
            return false;
        }
        uint32_t p = (uint32_t)paging_fuzz_entry((d & 0xfffffc00) + ((va >> 12) & 0xff) * 4, 4);
        if ((p & 3) == 0) {
            return false;
        }
        if ((p & 3) == 1) {
            base = p & 0xffff0000, size = 0x10000, xn = (p >> 15) & 1;
        } else {
            base = p & 0xfffff000, size = 0x1000, xn = p & 1;
        }
        ap = ((p >> 4) & 3) | ((p >> 7) & 4);
        break;
    }
    default:
        if ((d >> 18) & 1) {
            base = (d & 0xff000000) | (uint64_t)((d >> 20) & 15) << 32 |
                   (uint64_t)((d >> 5) & 15) << 36;
            size = 0x1000000, domain = 0;
        } else {
            base = d & 0xfff00000, size = 0x100000, domain = (d >> 5) & 15;
        }
        ap = ((d >> 10) & 3) | ((d >> 13) & 4);
        xn = (d >> 4) & 1;
        break;
    }
    unsigned access_of_domain = (r[GP_ARM_DACR] >> (2 * domain)) & 3;
    if (access_of_domain == 0 || access_of_domain == 2) {
        return false;
    }
    if (access_of_domain == 1) { /* client: check AP and XN (B3.7.1, B3.7.2) */
        bool read, write;
        if ((sctlr >> 29) & 1) { /* AFE */
            if (!(ap & 1)) {
                return false;
            }
            read = (ap >> 1) & 1;
            write = read && !(ap >> 2);
        } else {
            read = ap == 2 || ap == 3 || ap == 6 || ap == 7;
            write = ap == 3;
        }
        if (!permitted(access, read, write, xn, (sctlr >> 19) & 1)) {
            return false;
        }
    }
    *pa = base + (va & (size - 1));
    return true;
}

static bool reference(const uint64_t *r, uint64_t va, gp_access access, uint64_t *pa)
{
    if (va > UINT32_MAX) {
        return false;
    }
    if (!(r[GP_ARM_SCTLR] & 1)) {
        *pa = va;
        return true;
    }
    return (r[GP_ARM_TTBCR] >> 31) & 1 ? long_reference(r, (uint32_t)va, access, pa)
                                       : short_reference(r, (uint32_t)va, access, pa);
}

/* ---- the walk under test ---------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t registers[GP_PAGING_REGISTERS] = { 0 };
    uint8_t mode = (uint8_t)paging_fuzz_take(&data, &size, 1);
    uint8_t tweaks = (uint8_t)paging_fuzz_take(&data, &size, 1);
    bool lpae = mode & 1;
    paging_fuzz_big_endian = mode & 2;
    bool big_endian = paging_fuzz_big_endian;
    registers[GP_ARM_SCTLR] = (tweaks & 1 ? 0 : 1) | (big_endian ? 1u << 25 : 0) |
                              (mode & 4 ? 1u << 19 : 0) | (mode & 8 ? 1u << 29 : 0);
    uint64_t ttbcr = paging_fuzz_take(&data, &size, 1);
    if (lpae) {
        /* T0SZ and T1SZ, EPD0 (bit 7) now and then. */
        ttbcr = (ttbcr & 7) | ((ttbcr >> 3) & 7) << 16 | (tweaks & 2 ? 1u << 7 : 0) |
                UINT64_C(1) << 31;
        if (!(tweaks & 4)) {
            ttbcr &= ~UINT64_C(0x70007); /* mostly Linux's split or none */
            ttbcr |= tweaks & 8 ? UINT64_C(2) << 16 : 0;
        }
    } else {
        ttbcr = (ttbcr & 7) | (tweaks & 2 ? 1u << 4 : 0);
        if (!(tweaks & 4)) {
            ttbcr &= ~UINT64_C(7);
        }
    }
    registers[GP_ARM_TTBCR] = ttbcr;
    registers[GP_ARM_TTBR0] = paging_fuzz_take(&data, &size, 2) << 3 |
                              paging_fuzz_take(&data, &size, 1) << 48 |
                              (tweaks & 16 ? paging_fuzz_take(&data, &size, 1) << 40 : 0);
    registers[GP_ARM_DACR] = tweaks & 32 ? paging_fuzz_take(&data, &size, 4) : 0x55555555;
    gp_access access = (gp_access)(paging_fuzz_take(&data, &size, 1) % 3);
    uint64_t vaddr = paging_fuzz_take(&data, &size, 4);
    uint64_t length = 1 + paging_fuzz_take(&data, &size, 2) % (8 * 4096);
    if (tweaks & 64) {
        vaddr |= paging_fuzz_take(&data, &size, 1) << 32; /* beyond 32 bits */
    }
    if (mode & 16) {
        /* Just below a 2 MiB boundary (so a 1 MiB one): into the next
         * last-level table in both formats. */
        vaddr = (vaddr | 0x1fffff) - (vaddr & 0x7fff);
    }
    uint8_t shape = (uint8_t)paging_fuzz_take(&data, &size, 1);
    paging_fuzz_load(data, size);
    uint8_t *phys = paging_fuzz_phys;
    /* Now and then make most entries valid and user-accessible, so that
     * walks go deep and batches span pages. */
    unsigned step = lpae ? 8 : 4;
    for (unsigned at = 0; (shape & 3) && at < PAGING_FUZZ_PHYS_SIZE; at += step) {
        unsigned low = big_endian ? at + step - 1 : at;
        if (phys[low] & 0x80) {
            continue;
        }
        if (lpae) {
            phys[low] |= 0x1 | 0x40 | (shape & 2 ? 0x2 : 0);
            phys[big_endian ? at + 6 : at + 1] |= 0x04; /* AF */
            phys[big_endian ? at + 2 : at + 5] = 0;     /* bits 47:40 */
        } else {
            /* Page tables or sections, small pages; AP[1:0] = 0b11. */
            phys[low] = (uint8_t)((phys[low] & ~3u) | (shape & 2 ? 1 : 2) | 0x30);
        }
    }

    paging_fuzz_check(&gp_arm_user_paging, reference, registers, vaddr, length, access);
    return 0;
}
