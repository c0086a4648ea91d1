/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest registers by GDB name. QEMU hands out the register list per vCPU,
 * but the handles encode the GDB register number, so they are the same for
 * every vCPU: the list is read once, at the first vCPU's init. Where QEMU
 * lists none (MIPS), the arch's forged handles stand in, checked first
 * (gp_forged_registers in arch/arch.h).
 */
#ifndef GP_CORE_REGISTERS_H
#define GP_CORE_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "qemu/qemu-plugin-api.h"

typedef struct gp_register {
    struct qemu_plugin_register *handle;
    unsigned bytes;       /* how many bytes of the value to use */
    bool big_endian;
    bool read_only;       /* writing it would abort QEMU (the PC) */
} gp_register;

/* Reads QEMU's register list, or checks ARCH's forged handles; call on a
 * vCPU thread (vcpu_init). False, with the reason in WHY, when the forged
 * handles do not read the registers they name: nothing may use them. */
bool gp_registers_load(const gp_arch *arch, char *why, size_t why_size);

/* The writable register named NAME, using BYTES bytes of it; false if
 * QEMU has none. */
bool gp_register_find(const char *name, unsigned bytes, bool big_endian, gp_register *out);
/* A register QEMU only lets us read (the PC: writing it aborts QEMU). */
bool gp_register_find_read_only(const char *name, unsigned bytes, bool big_endian,
                                gp_register *out);

/* Only from callbacks registered with R_REGS (read) or RW_REGS (write).
 * gp_register_read gives 0 for a register QEMU could not read; where 0
 * would mean something (a control register), use gp_register_try_read. */
uint64_t gp_register_read(const gp_register *reg);
bool gp_register_try_read(const gp_register *reg, uint64_t *value);
void gp_register_write(const gp_register *reg, uint64_t value);

#endif
