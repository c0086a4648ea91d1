/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between guest architectures, behind one small interface:
 * which instructions are hypercall traps, and which registers carry the
 * hypercall. One file per architecture implements it (x86.c, ...); the rest
 * of the core never asks which architecture it runs.
 */
#ifndef GP_CORE_ARCH_H
#define GP_CORE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum gp_trap_kind {
    GP_TRAP_NONE,
    GP_TRAP_OURS,  /* a no-op: results go to registers, execution falls through */
    GP_TRAP_PANDA, /* would fault or clobber registers: the host skips it */
} gp_trap_kind;

typedef struct gp_arch {
    const char *target;         /* QEMU's target name, qemu_info_t.target_name */
    unsigned register_bytes;    /* width of the hypercall registers */
    bool big_endian;            /* byte order of register values from QEMU */
    /* GDB names of magic, op, channel, arg1, arg2; the result goes to magic. */
    const char *hypercall_registers[5];
    /*
     * Classifies the instruction BYTES[0..LENGTH) at VADDR. For a
     * GP_TRAP_PANDA trap, *RESUME_PC is where execution continues after
     * skipping it, in qemu_plugin_set_pc's terms.
     */
    gp_trap_kind (*match_trap)(const uint8_t *bytes, size_t length, uint64_t vaddr,
                               uint64_t *resume_pc);
} gp_arch;

/* The architecture for a QEMU target name, or NULL when unsupported. */
const gp_arch *gp_arch_for_target(const char *target);

/* "x86_64, i386" for error messages. */
const char *gp_arch_supported_targets(void);

#endif
