/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIPS hermetic program's machine (mips_boot.S, mips_kernel.c,
 * arch_mips.c, mips.ld): QEMU's malta with a 24Kf, which loads the ELF with
 * -kernel (its entry must be in KSEG0) and starts it in kernel mode. The
 * program is a tiny kernel and one user process, as Linux would have them:
 *
 *   kernel   KSEG0 from 0x80100000 (physical 1 MiB): the boot stub, the
 *            exception vectors (EBase), an exact copy of Linux's TLB refill
 *            handler (the only place the core learns where the page tables
 *            are: core/arch/mips32_paging.c), pgd_current and the page
 *            tables, built like Linux's: a pgd of 1024 KSEG0 pointers to
 *            PTE tables of 1024 PTEs, PTE = EntryLo << 6, empty slots on an
 *            all-zero invalid_pte_table.
 *   user     kuseg from MIPS_USER_BASE, linked there and mapped onto the same
 *            physical addresses (so the kernel reaches any user page at
 *            its KSEG0 alias): code and read-only data read-only (D = 0),
 *            data, bss and the rest of the 4 MiB slot up to MIPS_HOLE
 *            writable; the page tables' test pages (MIPS_PAGE_*) behind it;
 *            the 16 MiB + 1 big buffer; the UART, uncached, for the console;
 *            the last kuseg page.
 *
 * The kernel runs its own checks (hypercalls before the refill handler ever
 * ran, after a decoy, after the real one) and leaves the results in a
 * record in user memory (mips_boot_record), which the user part reports;
 * then it drops to user mode (Status.KSU = 2 through eret), where the
 * shared test runs. The user process ends the run with a syscall (code in
 * a0), and the kernel ends QEMU through UHI semihosting (sdbbp 1, op
 * UHI_exit in t9), with status (code << 1) | 1 as on every other arch.
 */
#ifndef HERMETIC_MIPS_H
#define HERMETIC_MIPS_H

#include "hermetic.h" /* exit codes */

#define MIPS_KSEG0 0x80000000
#define MIPS_KSEG1 0xa0000000
#define MIPS_KSEG2 0xc0000000

/* The malta's console: the PIIX4 super I/O's COM1 at ISA port 0x3f8, in
 * the GT-64120's PCI I/O window at physical 0x18000000 (Linux's ttyS0;
 * not 0x1f0003f8). The kernel uses it through KSEG1, the user process
 * through an uncached mapping of its page at the same kuseg address. */
#define MIPS_UART_PAGE 0x18000000
#define MIPS_UART (MIPS_UART_PAGE + 0x3f8)
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

/* UHI semihosting (-semihosting-config enable=on): sdbbp 1, op in t9. */
#define UHI_EXIT 1

/* RAM: the bash test runs QEMU with -m 128M. */
#define MIPS_RAM_END 0x08000000
/* The user image's 4 MiB slot (pgd slot 1), mapped up to the hole. */
#define MIPS_USER_BASE 0x00400000
#define MIPS_HOLE 0x00800000
/* In the next slot, after the hole's page (PTE 0): one page of each kind. */
#define MIPS_PAGE_READ_ONLY (MIPS_HOLE + 0x1000) /* V, not D */
#define MIPS_PAGE_INVALID (MIPS_HOLE + 0x2000)   /* D and a frame, not V */
#define MIPS_PAGE_WRITABLE (MIPS_HOLE + 0x3000)  /* V and D */
#define MIPS_PAGE_BEFORE_RO (MIPS_HOLE + 0x4000) /* V and D, then ... */
#define MIPS_PAGE_AFTER_RW (MIPS_HOLE + 0x5000)  /* ... V, not D */
#define MIPS_TEST_PAGES 5
/* The big buffer: 16 MiB + 1 page, writable. */
#define MIPS_BIG_BUFFER 0x01000000
#define MIPS_BIG_PAGES 4097
/* A pgd slot left on the invalid PTE table. */
#define MIPS_UNMAPPED 0x40000000
/* The last kuseg page, mapped writable onto the frame MIPS_LAST_FRAME. */
#define MIPS_LAST_USER_PAGE 0x7ffff000
#define MIPS_LAST_FRAME (MIPS_HOLE + 0x10000)

/* EntryLo bits (PTE = EntryLo << 6 | software bits). */
#define ENTRYLO_G 1
#define ENTRYLO_V 2
#define ENTRYLO_D 4
#define ENTRYLO_CACHED (3 << 3)
#define ENTRYLO_UNCACHED (2 << 3)

#ifndef __ASSEMBLER__
#include "hermetic_arch.h"

/* What the kernel saw, for the user part to report (arch_mips.c). Each
 * stage: START, GET_MANAGER, GET_CHANNEL_BY_NAME "echo" (the name in user
 * memory), ERROR (its text there too). */
enum { MIPS_STAGE_CALLS = 4 };
typedef struct mips_boot_record {
    reg host;                            /* START at boot; GP_MAGIC: no host */
    reg no_tables[MIPS_STAGE_CALLS];     /* pgd_current still 0 */
    reg no_refill[MIPS_STAGE_CALLS];     /* tables and pgd_current set */
    reg after_decoy[MIPS_STAGE_CALLS];   /* a near copy of the handler ran */
    reg after_refill[MIPS_STAGE_CALLS];  /* the real one ran */
    reg kseg0_name;        /* kernel mode: the name at its KSEG0 alias */
    reg other_pgd_name;    /* pgd_current on an empty pgd */
    reg restored_name;     /* and back */
    reg status_at_entry;   /* CP0 Status as malta started us */
} mips_boot_record;
extern mips_boot_record mips_boot;
/* The names the kernel's hypercalls use, in user memory (arch_mips.c). */
extern const char mips_echo_name[];
extern const char mips_error_text[];
#define MIPS_ERROR_TEXT "kernel error text from " HERMETIC_ARCH
#endif

#endif
