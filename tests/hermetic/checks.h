/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the shared hypercall test (hypercall_test.c) gives the architecture
 * files and protection.c: console output, the check lines ("ok ..." /
 * "FAIL ..." in the current section) and the hypercall helpers of the op
 * checks, so every check line is written the same way.
 */
#ifndef HERMETIC_CHECKS_H
#define HERMETIC_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "guestplug/abi.h"
#include "hermetic_arch.h"

#ifndef HERMETIC_ARCH
#error "hermetic.mk names the program with -DHERMETIC_ARCH=\"...\""
#endif
#define ARCH HERMETIC_ARCH

/* A failure as the host returns it: negative at register width. */
#define ERR(code) ((reg) - (long)(code))
#define MIB (1024ul * 1024ul)
/* The host's default cap on one guest message (SPEC §4). */
#define MAX_MESSAGE (16 * MIB)
/* A pointer to a fixed guest address. */
#define AT(address) ((void *)(reg)(address))
/* Bits 32 and 63 of a register: 0 where registers have 32 bits, so that
 * the checks of 64-bit registers run only where they have 64. */
#define BIT_32 ((reg)(1ull << 32))
#define BIT_63 ((reg)(1ull << 63))

void put_str(const char *s);
void put_hex(reg value);
void put_dec(reg value);

/* DEST = A B C (any may be NULL); DEST has room for SIZE bytes. */
char *join(char *dest, size_t size, const char *a, const char *b, const char *c);

/* The section the next check lines belong to ("trap", "nop", "prot-pae"). */
extern const char *section;

/* One check line; WANT is shown on failure if SHOW_WANT. */
void report(bool ok, const char *what, reg got, reg want, bool show_want);
#define EXPECT_EQ(what, got, want)                                                  \
    do {                                                                            \
        reg got_ = (reg)(got), want_ = (reg)(want);                                 \
        report(got_ == want_, what, got_, want_, true);                             \
    } while (0)
/* VALUE is shown for context; COND decides. */
#define EXPECT_TRUE(what, cond, value) report((cond), what, (reg)(value), 0, false)
/* A line about QEMU behaviour the ABI leaves open: never a failure. */
void info(const char *what, reg value);

/* Whether A and B hold the same values in all five hypercall registers, or
 * in the four argument registers (op, channel, arg1, arg2: what a
 * hypercall must keep). */
bool regs_equal(regs a, regs b);
bool regs_args_equal(regs a, regs b);

/* Our trap form, through the guest library (gp_arch_hypercall). */
reg ours_hypercall(reg op, reg channel, reg arg1, reg arg2);
reg lookup(hypercall_fn hc, const char *name);
reg send(hypercall_fn hc, reg channel, const void *data, size_t length);
reg send_text(hypercall_fn hc, reg channel, const char *message);
reg receive(hypercall_fn hc, reg channel, void *into, size_t capacity);

/* A test buffer in .bss: RAM the program owns, always present. */
#define BUFFER_SIZE 8192
extern char buffer[BUFFER_SIZE];

/*
 * With no translation (x86 paging off, arm MMU off) every address is its
 * own physical address; where no RAM answers the host must still say -2
 * and keep the message. Runs in SECTION ("paging-off", "mmu-off").
 */
void translation_off_checks(const char *section_name);

#endif
