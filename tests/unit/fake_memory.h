/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake guest physical memory for the page-walk unit tests
 * (test_x86_paging.c, test_aarch64_paging.c, test_arm_paging.c): a plain
 * array the tests build page tables in, the gp_physical_memory the walk
 * reads them through, and the extents the walk reports, collected so that
 * the tests can ask where each byte of a walked range went. What differs
 * between the architectures, the table formats, stays in each test.
 */
#ifndef GP_TESTS_FAKE_MEMORY_H
#define GP_TESTS_FAKE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "arch/arch.h"

/* Where the tables live; beyond it no memory answers. */
#define FAKE_MEMORY_SIZE (UINT64_C(4) << 20)
/* The first table: from 1 MiB up, like a kernel's. */
#define FAKE_MEMORY_FIRST_TABLE UINT64_C(0x100000)

typedef struct fake_memory {
    uint8_t *phys;       /* FAKE_MEMORY_SIZE bytes of guest physical memory */
    uint64_t next_table; /* bump allocator for tables */
    bool big_endian;     /* byte order of fake_memory_get and _put (arm's SCTLR.EE) */
    unsigned reads;      /* physical reads the last walk made */
    GArray *extents;     /* what the last walk reported, as (addr, length) pairs */
} fake_memory;

/* Zeroed memory, little-endian, tables from FAKE_MEMORY_FIRST_TABLE. */
void fake_memory_init(fake_memory *m);
void fake_memory_free(fake_memory *m);
/* Zeroes the memory again and restarts the tables at the first one, for a
 * test that builds a second set of tables of another shape. */
void fake_memory_clear(fake_memory *m);

/* A new table of SIZE bytes (a power of two), aligned to its size. */
uint64_t fake_memory_table(fake_memory *m, uint64_t size);

/* The BYTES-byte (at most 8) table entry at ADDR, in the memory's byte
 * order. */
uint64_t fake_memory_get(const fake_memory *m, uint64_t addr, unsigned bytes);
void fake_memory_put(fake_memory *m, uint64_t addr, unsigned bytes, uint64_t value);

/* gp_physical_memory.read and gp_physical_extent_fn on a fake_memory
 * CONTEXT, for a test that calls translate_user itself. */
bool fake_memory_read(void *context, uint64_t addr, void *buf, size_t len);
bool fake_memory_collect(void *context, uint64_t addr, uint64_t length);

/* PAGING's walk of [VADDR, VADDR + LENGTH) for ACCESS with REGISTERS over
 * this memory; the extents and reads it made are left in M. Whenever the
 * walk allows the range, every byte of it must have been reported. */
bool fake_memory_walk(fake_memory *m, const gp_user_paging *paging, const uint64_t *registers,
                      uint64_t vaddr, uint64_t length, gp_access access);

/* The physical address of byte OFFSET of the last walked range. */
uint64_t fake_memory_physical_of(const fake_memory *m, uint64_t offset);

#endif
