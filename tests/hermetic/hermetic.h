/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Constants shared by the hermetic test programs' boot stubs (.S) and their
 * C part. Both programs are Multiboot v1 images that QEMU's pc machine loads
 * with -kernel at 1 MiB; they have no OS, no interrupts and no C library.
 *
 * Memory map once paging is on (both arches): the first GiB is identity
 * mapped with large pages, except one page at HERMETIC_HOLE_BASE, left not
 * present so that the host's "bad guest address" (-2) path can be hit with
 * an address the guest chose. Everything from 1 GiB up is unmapped too.
 */
#ifndef HERMETIC_H
#define HERMETIC_H

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

/* I/O ports of the devices the bash test adds. */
#define HERMETIC_DEBUGCON_PORT 0xe9 /* -debugcon: text out */
#define HERMETIC_EXIT_PORT 0xf4     /* isa-debug-exit: QEMU exits with (code << 1) | 1 */

/* Exit codes written to isa-debug-exit. */
#define HERMETIC_EXIT_PASS 0x31     /* QEMU status 99 */
#define HERMETIC_EXIT_FAIL 0x32     /* QEMU status 101: a check failed */
#define HERMETIC_EXIT_NO_BOOT 0x33  /* QEMU status 103: not started by Multiboot */

#endif
