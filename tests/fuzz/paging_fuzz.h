/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the page-walk fuzz targets (fuzz_x86_paging.c, fuzz_aarch64_paging.c,
 * fuzz_arm_paging.c) share: the input read field by field, a small physical
 * memory holding the tables, in which physical addresses wrap around so
 * that every entry leads somewhere, and the comparison of the walk under
 * test with the target's reference walk. Each target keeps what is its
 * architecture's: the registers it makes of the input, how it shapes the
 * tables so that long walks happen, and the reference itself.
 */
#ifndef GP_TESTS_PAGING_FUZZ_H
#define GP_TESTS_PAGING_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

#define PAGING_FUZZ_PHYS_SIZE 0x8000u /* 8 pages of tables */

/* The physical memory the walks read, filled by paging_fuzz_load; the
 * target may shape its entries afterwards. */
extern uint8_t paging_fuzz_phys[PAGING_FUZZ_PHYS_SIZE];
/* The byte order of paging_fuzz_entry (arm's and aarch64's SCTLR.EE); x86
 * leaves it false. */
extern bool paging_fuzz_big_endian;

/* The next BYTES bytes of the input as a little-endian number; zeros once
 * the input runs out. */
uint64_t paging_fuzz_take(const uint8_t **data, size_t *size, unsigned bytes);

/* The rest of the input becomes the physical memory, zeros beyond it. */
void paging_fuzz_load(const uint8_t *data, size_t size);

/* The BYTES-byte (at most 8) table entry at physical ADDR, for the
 * reference walk. */
uint64_t paging_fuzz_entry(uint64_t addr, unsigned bytes);

/* The reference: the physical address of VA for one ACCESS of the page it
 * is in, or false where the CPU would fault. */
typedef bool (*paging_fuzz_reference_fn)(const uint64_t *registers, uint64_t va,
                                         gp_access access, uint64_t *pa);

/* Walks [VADDR, VADDR + LENGTH) with PAGING and, page by page, with
 * REFERENCE; traps unless they agree on whether the range is allowed and,
 * when it is, on the physical address of every byte of it. */
void paging_fuzz_check(const gp_user_paging *paging, paging_fuzz_reference_fn reference,
                       const uint64_t *registers, uint64_t vaddr, uint64_t length,
                       gp_access access);

#endif
