/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest virtual memory through QEMU's debug accesses: the current vCPU's page
 * tables, no faults raised. Only on a vCPU thread, inside a callback. Used by
 * the hypercall dispatcher (as its gp_guest_memory) and by the injector.
 */
#ifndef GP_CORE_GUEST_MEMORY_H
#define GP_CORE_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"

/* Copies LEN bytes at ADDR into BUF; false if any page is missing. */
bool gp_guest_read(uint64_t addr, void *buf, size_t len);

/* Writes BUF over ADDR; ignores page protection and copy-on-write, so only
 * for memory the caller knows is private to the process. */
bool gp_guest_write(uint64_t addr, const void *buf, size_t len);

/* Is every page of [ADDR, ADDR+LEN) mapped and present? */
bool gp_guest_mapped(uint64_t addr, size_t len);

/* The three above, for gp_hypercall_dispatch. */
extern const gp_guest_memory gp_qemu_guest_memory;

#endif
