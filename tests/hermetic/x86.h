/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 hermetic programs' machine (x86_64_boot.S, i386_boot.S, paging.c,
 * protection.c, arch_x86.c). Both are Multiboot v1 images that QEMU's pc
 * machine loads with -kernel at 1 MiB; they have no OS, no interrupts and no
 * C library.
 *
 * Memory map once paging is on (every paging mode): the first GiB is
 * identity mapped with large pages (4 MiB in 32-bit paging, 2 MiB in PAE
 * and long mode), user accessible, writable and dirty, so that the host,
 * which allows only what a user-mode access could do, may use it. One
 * large page at HERMETIC_HOLE_BASE is left not present, so that the host's
 * "bad guest address" (-2) path can be hit with an address the guest chose.
 *
 * Three 4 MiB-aligned slots hold 4 KiB pages with page protections
 * (paging.c builds them, protection.c checks them): HERMETIC_WINDOW has one
 * page of each kind (HERMETIC_PAGE_*), HERMETIC_SUPERVISOR_TABLE user pages
 * under a supervisor-only directory entry, HERMETIC_READ_ONLY_TABLE user
 * read-write pages under a read-only one. Their pages are backed by frames
 * at HERMETIC_FRAMES (slot k, page i at + k * 64 KiB + i * 4 KiB), which
 * the program reads and writes through the identity map, so checking them
 * never touches the slots' own entries (nor sets their dirty bits).
 *
 * HERMETIC_ALIAS maps physical 0 again with one large page of the mode's
 * biggest size (4 MiB; 2 MiB in PAE; 1 GiB in long mode), so the host's
 * large-page translation can be checked byte for byte. Everything else
 * from 1 GiB up is unmapped.
 */
#ifndef HERMETIC_X86_H
#define HERMETIC_X86_H

#include "hermetic.h" /* exit codes */

/* Multiboot v1 header: magic, flags (none: QEMU reads our ELF headers). */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_HEADER_FLAGS 0
/* What a Multiboot loader leaves in eax, so the stub knows who started it. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* The hole: one large page (2 MiB on x86_64, 4 MiB on i386) left unmapped.
 * 12 MiB is aligned for both page sizes and well above the image (the linker
 * script asserts that the image ends below it). */
#define HERMETIC_HOLE_BASE 0x00C00000
/* End of the identity map. */
#define HERMETIC_MAPPED_END 0x40000000
/* End of RAM: the bash test runs QEMU with -m 128M. */
#define HERMETIC_RAM_END 0x08000000
/* Mapped RAM the library's oversize test may read (16 MiB + 1 bytes from
 * here; the pc machine has 128 MiB by default). */
#define HERMETIC_BIG_BUFFER 0x01000000

/* Page-protection slots (see the top), and the frames behind them. */
#define HERMETIC_WINDOW 0x04000000
#define HERMETIC_SUPERVISOR_TABLE 0x04400000
#define HERMETIC_READ_ONLY_TABLE 0x04800000
#define HERMETIC_FRAMES 0x05000000
#define HERMETIC_SLOT_FRAMES 0x10000 /* frame bytes per slot */
/* The pages of HERMETIC_WINDOW, by index. */
#define HERMETIC_PAGE_USER_RW 0     /* user, writable, dirty */
#define HERMETIC_PAGE_USER_RO 1     /* user, read-only (zero page, COW, file) */
#define HERMETIC_PAGE_SUPERVISOR 2  /* supervisor only, writable (kernel data) */
#define HERMETIC_PAGE_ABSENT 3      /* not present */
#define HERMETIC_PAGE_CLEAN 4       /* user, writable, dirty bit clear */
#define HERMETIC_PAGE_RW_BEFORE_RO 5 /* user, writable, dirty, just before ... */
#define HERMETIC_PAGE_RO_AFTER_RW 6  /* ... a user read-only page */
#define HERMETIC_WINDOW_PAGES 7
/* A large page at 2 GiB onto physical 0 (see the top). */
#define HERMETIC_ALIAS 0x80000000u

/* I/O ports of the devices the bash test adds. */
#define HERMETIC_DEBUGCON_PORT 0xe9 /* -debugcon: text out */
#define HERMETIC_EXIT_PORT 0xf4     /* isa-debug-exit: QEMU exits with (code << 1) | 1 */

/* Page table entry bits (every mode; bit 7 is PS in a directory entry). */
#define HERMETIC_PTE_PRESENT 0x01
#define HERMETIC_PTE_WRITE 0x02
#define HERMETIC_PTE_USER 0x04
#define HERMETIC_PTE_ACCESSED 0x20
#define HERMETIC_PTE_DIRTY 0x40
#define HERMETIC_PTE_LARGE 0x80
/* What the identity map and the tables above it use. */
#define HERMETIC_PTE_ALL 0xe7 /* present, write, user, accessed, dirty, large */
#define HERMETIC_PTE_TABLE 0x27 /* present, write, user, accessed */

#endif
