/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's arm "virt" machine as the arm and aarch64 hermetic programs see it
 * (aarch64_boot.S, arm_boot.S, virt.c, virt.ld). QEMU loads the ELF at its
 * link address, the base of RAM, and starts it at _start in the kernel's
 * privilege level (virt without secure=on or virtualization=on: EL1, or
 * SVC mode on arm) with the MMU off. The arm program keeps it off (the core
 * takes its addresses as physical ones); the aarch64 program turns it on
 * with an identity map once it has checked that the core refuses
 * untranslated addresses (arch_aarch64.c). With the MMU off every data
 * access is to Device memory, which must be aligned: the build forbids
 * unaligned accesses (-mstrict-align, -mno-unaligned-access).
 */
#ifndef HERMETIC_VIRT_H
#define HERMETIC_VIRT_H

#include "hermetic.h" /* exit codes */

/* RAM: the bash test runs QEMU with -m 128M. */
#define VIRT_RAM_BASE 0x40000000
#define VIRT_RAM_END 0x48000000
/* Nothing there on virt with that much RAM: no RAM, no device (RAM would
 * reach it only from 1 GiB of it on). */
#define VIRT_NOTHING 0x80000000
/* 16 MiB + 1 bytes of RAM well above the image, for the library's
 * oversize check. */
#define VIRT_BIG_BUFFER 0x41000000

/* The PL011 UART (-serial): data register, flag register, control. */
#define VIRT_UART 0x09000000
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_CR 0x30
#define PL011_FR_TXFF (1 << 5) /* transmit FIFO full */
#define PL011_CR_ENABLE 0x301  /* UARTEN, TXE, RXE */

/* Semihosting (-semihosting-config enable=on): exit with a status. */
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

#endif
