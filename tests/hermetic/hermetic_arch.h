/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each architecture gives the shared hypercall test (hypercall_test.c),
 * one file per family: arch_x86.c (x86_64 and i386), arch_aarch64.c,
 * arch_arm.c (A32 and Thumb), the last two with what they share in virt.c
 * (console and trap checks; virt.h). The op checks are shared and
 * identical; only the console, PANDA's trap form, the register-level
 * probes of both traps and the memory model differ. The makefile
 * (hermetic.mk) picks the files and names the program with
 * -DHERMETIC_ARCH="..." (the label every check line starts with: "x86_64",
 * "arm-thumb", ...).
 */
#ifndef HERMETIC_ARCH_H
#define HERMETIC_ARCH_H

#include <stdbool.h>

/* A register: unsigned long is register width on every target here (LP64
 * and ILP32). */
typedef unsigned long reg;

/* The five hypercall registers by their role (guestplug/abi.h), as the
 * trap probes put them in and read them back; each arch binds them to its
 * own registers (x86: eax, ebx, ecx, edx, edi; aarch64 x0..x4; arm
 * r0..r4). */
typedef struct regs {
    reg magic, op, channel, arg1, arg2;
} regs;

/* A hypercall through one trap form: op, channel, arg1, arg2 in; the magic
 * register out (GP_MAGIC unchanged when no host answered). */
typedef reg (*hypercall_fn)(reg op, reg channel, reg arg1, reg arg2);

/* One character to the console the bash test captures (x86: debugcon; arm
 * and aarch64: the virt machine's PL011). */
void hermetic_arch_putc(char c);

/* The names of the two trap forms in check lines and host messages: ours,
 * emitted by the guest library ("nop", "orr", "mov"), and PANDA's, which
 * the host must skip ("cpuid", "msr", "mcr"). */
extern const char hermetic_ours_name[];
extern const char hermetic_panda_name[];

/* PANDA's trap with IN in the hypercall registers: what they hold after it.
 * The host must skip the instruction, so only MAGIC changes (a trap it did
 * not skip would have overwritten the argument registers, or faulted). */
regs hermetic_panda_trap(regs in);
/* The check line for "every PANDA hypercall kept its argument registers". */
extern const char hermetic_panda_kept_check[];

/* Register-level probes of both traps, in section "trap": what a trap
 * without MAGIC does, what near-misses do, what survives a trap. */
void hermetic_trap_checks(void);

/*
 * The memory map the op checks use, all at register width: addresses are
 * the program's own (virtual with paging on, physical with it off).
 */
typedef struct hermetic_memory {
    /* Nothing the host may use starts here, and the 4 bytes below it are
     * RAM the program may write: the "hole" of the op checks. */
    reg hole;
    /* Whether the page tables leave the hole unmapped, so that the host
     * refuses a READ straddling into it before writing a byte. false: a
     * physical hole with translation off, which the host can only find by
     * trying, and may write the bytes before it first (core/guest_memory.c
     * says why): the check then only reports. */
    bool hole_in_page_tables;
    /* Another address with nothing usable behind it, and its description
     * for the check line ("beyond the identity map (1 GiB)"). */
    reg unmapped;
    const char *unmapped_what;
    /* 16 MiB + 1 bytes of readable RAM from here (the library's oversize
     * check touches every page before the host refuses it). */
    reg big_buffer;
    /* The end of RAM (the bash tests run QEMU with -m 128M). */
    reg ram_end;
} hermetic_memory;
extern const hermetic_memory hermetic_memory_map;

/* Before any trap probe: sets up the memory map above (paging on x86) and
 * runs the checks of the state before it (i386: paging off). Prints a
 * "hermetic: ARCH ..." line saying which memory model the op checks see. */
void hermetic_arch_memory_setup(void);
/* After the op and library checks: the checks of the memory model itself
 * (x86: page protections, in every paging mode the program sets up). */
void hermetic_arch_memory_checks(void);

#endif
