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

/*
 * How a Linux process makes system calls on this architecture, for the
 * injector (core/inject.c). Numbers and flag values come from the kernel's
 * own headers for the guest ABI, never from memory.
 */
typedef struct gp_syscall_abi {
    /* Is BYTES[0..LENGTH) a user-mode system call instruction? */
    bool (*match_syscall)(const uint8_t *bytes, size_t length);
    const char *number_register;
    const char *argument_registers[6];
    const char *result_register;
    const char *stack_register;
    const char *address_space_register; /* identifies the process: cr3, TTBR0 */
    unsigned pointer_bytes;             /* of the guest ABI (argv entries) */
    struct gp_syscall_numbers {
        long getpid, getuid, mmap, munmap, prctl, memfd_create, openat, unlinkat, write, close,
            vfork, setsid, execve, exit_group;
    } numbers;
    uint64_t prot_read_write;       /* PROT_READ | PROT_WRITE */
    uint64_t map_private_anonymous; /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE */
    uint64_t open_create;           /* O_RDWR | O_CREAT | O_TRUNC */
    int64_t at_fdcwd;
    uint64_t pr_get_name;
} gp_syscall_abi;

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
    const gp_syscall_abi *syscall; /* NULL: no injection on this architecture yet */
} gp_arch;

/* The architecture for a QEMU target name, or NULL when unsupported. */
const gp_arch *gp_arch_for_target(const char *target);

/* "x86_64, i386" for error messages. */
const char *gp_arch_supported_targets(void);

#endif
