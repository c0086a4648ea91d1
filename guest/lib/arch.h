/* SPDX-License-Identifier: MIT */
/*
 * The architecture-specific pieces of the guest library: the trap
 * instruction with its register convention (include/guestplug/abi.h), an
 * atomic byte touch, and for programs without a C library, system calls
 * and the process entry.
 *
 *   unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
 *                                   unsigned long arg1, unsigned long arg2);
 *
 * returns the magic register after the trap: GP_MAGIC unchanged when no host
 * is there. unsigned long is register width on every Linux ABI we target.
 *
 *   void gp_arch_touch_for_write(unsigned char *p);
 *
 * writes the byte at P without changing it, atomically (no concurrent store
 * to it is lost), so that its page is present, writable and dirty before a
 * READ hypercall fills it.
 *
 *   long gp_arch_syscall6(long number, long a1, ..., long a6);
 *
 * a raw Linux system call for programs without a C library: the result or
 * -errno.
 *
 *   GP_ARCH_DEFINE_START(c_entry)
 *
 * defines _start, which calls c_entry(long *stack) with the kernel's initial
 * stack (argc, argv, envp, auxv); c_entry must not return.
 *
 *   GP_ARCH_KERNEL_SIGSET_BYTES
 *
 * the size of the kernel's signal set, which rt_sig* system calls take
 * (8 where the arch header does not say otherwise; MIPS has 128 signals).
 */
#ifndef GP_GUEST_ARCH_H
#define GP_GUEST_ARCH_H

#include "guestplug/abi.h"

#if defined(__x86_64__)
#include "arch/x86_64.h"
#elif defined(__i386__)
#include "arch/i386.h"
#elif defined(__aarch64__)
#include "arch/aarch64.h"
#elif defined(__arm__)
#include "arch/arm.h"
#elif defined(__mips__)
#include "arch/mips.h"
#else
#error "guestplug's guest library has no hypercall for this architecture yet"
#endif

#ifndef GP_ARCH_KERNEL_SIGSET_BYTES
#define GP_ARCH_KERNEL_SIGSET_BYTES 8
#endif

#endif
