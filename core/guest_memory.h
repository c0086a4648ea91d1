/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest virtual memory as the calling process could use it, for the
 * hypercall dispatcher (as its gp_guest_memory) and the injector.
 *
 * QEMU's vaddr API (read/write_memory_vaddr, translate_vaddr) ignores the
 * user/supervisor bit, read-only pages and copy-on-write, so an
 * unprivileged guest process could make the host write into page cache or
 * kernel memory and read kernel memory (SPEC §9). It is not used. Instead
 * every access walks the calling process's page tables with the
 * architecture's gp_user_paging (core/arch), from the vCPU's registers and
 * physical reads, and moves the bytes with QEMU's physical-address API to
 * the pages the walk allowed.
 *
 * Only on a vCPU thread, inside a callback registered with register access.
 */
#ifndef GP_CORE_GUEST_MEMORY_H
#define GP_CORE_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "hypercall.h"

/*
 * One hypercall's (or one injector step's) view of guest memory: the
 * translation registers, read on first use, and the range last allowed,
 * whose translation the read or write that follows reuses instead of
 * walking again. Valid for one callback only: start each from
 * GP_GUEST_VIEW_INIT, never keep one across callbacks (the guest changes
 * its page tables in between).
 */
typedef struct gp_guest_view {
    bool registers_read, registers_ok;
    uint64_t registers[GP_PAGING_REGISTERS];
    uint64_t translation; /* the thread's translation of this range; 0 = none */
    uint64_t addr, length;
    gp_access access;
} gp_guest_view;

#define GP_GUEST_VIEW_INIT { 0 }

/* The walk's registers for the process on VCPU, where the arch has no
 * registers for them (gp_kernel_roots: kernel_watch.h). */
typedef bool (*gp_kernel_roots_fn)(unsigned vcpu, const gp_physical_memory *memory,
                                   uint64_t *registers);

/* Once, before any vCPU runs: whose page tables to walk, and (for an arch
 * with kernel_roots) where their roots come from. */
void gp_guest_memory_init(const gp_arch *arch, gp_kernel_roots_fn kernel_roots);

/* At the start of every callback that reaches guest memory: which vCPU it
 * runs for (an architecture whose roots come from the kernel keeps them
 * per vCPU: gp_kernel_roots). */
void gp_guest_memory_enter(unsigned vcpu_index);

/* Guest physical memory through QEMU, for the kernel watch. */
gp_physical_memory gp_guest_physical_memory(void);

/* May the calling process access every byte of [ADDR, ADDR+LEN) from user
 * mode (WRITE: write it too)? Always true for LEN 0. In these three, a
 * NULL VIEW means a fresh one for this call alone. */
bool gp_guest_accessible(gp_guest_view *view, uint64_t addr, size_t len, bool write);

/* May the process fetch instructions from every byte of [ADDR, ADDR+LEN)?
 * False for LEN 0. (The injector's, to steer a thread; never a hypercall's.) */
bool gp_guest_executable(gp_guest_view *view, uint64_t addr, size_t len);

/* Copies LEN bytes at ADDR into BUF, if the process may read them all. */
bool gp_guest_read(gp_guest_view *view, uint64_t addr, void *buf, size_t len);

/*
 * Writes BUF over [ADDR, ADDR+LEN), if the process may write every byte of
 * it; otherwise writes nothing. (A range the page tables allow but that is
 * not memory at all, such as a hole of the physical address space a root
 * process mapped through /dev/mem, fails half way: see guest_memory.c.)
 */
bool gp_guest_write(gp_guest_view *view, uint64_t addr, const void *buf, size_t len);

/* The calling process's address space, from the registers VIEW reads for
 * the walk anyway (read once per view): which channels it owns. */
bool gp_guest_address_space(gp_guest_view *view, uint64_t *space);

/* The dispatcher's interface over VIEW. */
gp_guest_memory gp_guest_memory_of(gp_guest_view *view);

#endif
