/* SPDX-License-Identifier: MIT */
/*
 * guestplug wire ABI, shared by the host (QEMU plugin) and the guest library.
 *
 * A hypercall is a trap instruction executed with five registers set:
 * magic, op, channel, arg1, arg2 (table below). The host writes the result
 * into the magic register. Registers, magic and op numbers follow PANDA's
 * guest plugin manager, so guest code written for it keeps its meaning.
 *
 *   arch                    magic op  chan arg1 arg2 result
 *   x86_64                  rax   rbx rcx  rdx  rdi  rax
 *   i386                    eax   ebx ecx  edx  edi  eax
 *   arm                     r0    r1  r2   r3   r4   r0
 *   aarch64                 x0    x1  x2   x3   x4   x0
 *   mips, mipsel, mips64el  v0    a0  a1   a2   a3   v0
 *
 * Trap instructions (both forms are recognised by the host):
 *
 *   arch      ours (harmless without a host)        PANDA's (skipped by the host)
 *   x86       nopl GP_X86_NOP_DISP(%rax):           cpuid with MAGIC in eax
 *             0f 1f 80 <disp32 little-endian>
 *   aarch64   orr x4, x4, x4 (0xaa040084)           msr S0_0_c5_c0_0, xzr
 *   arm       orr r4, r4, r4 (0xe1844004);          mcr p7, 0, r0, c0, c0, 0
 *             Thumb: mov r4, r4 (0x4624)
 *   mips      movz $0, $0, $0 (0x0000000a)          same
 *
 * A trap whose magic register does not hold GP_MAGIC (compared at full
 * register width, zero-extended) runs as the instruction it is. Treat the
 * flags as clobbered by a hypercall.
 */
#ifndef GUESTPLUG_ABI_H
#define GUESTPLUG_ABI_H

#define GP_MAGIC 0x1337c0d3u

/* The displacement that marks our x86 NOP; padding NOPs use 0. */
#define GP_X86_NOP_DISP 0x67706870u /* "phpg": bytes 70 68 70 67 */

/* Ops. */
#define GP_OP_START 1               /* -> ~MAGIC at register width: a host is here */
#define GP_OP_STOP 2                /* -> 0 */
#define GP_OP_READ 3                /* chan, arg1 = buffer, arg2 = capacity -> bytes, 0 = none */
#define GP_OP_WRITE 4               /* chan, arg1 = buffer, arg2 = length -> length */
#define GP_OP_ERROR 5               /* chan, arg1 = text, arg2 = length -> 0 */
#define GP_OP_GET_MANAGER 6         /* -> id of a new anonymous channel */
#define GP_OP_GET_CHANNEL_BY_NAME 7 /* arg1 = name, arg2 = length -> id or -1 */
#define GP_OP_CLAIM 8               /* arg1 = token, arg2 = GP_TOKEN_LENGTH -> id or -1 */
#define GP_OP_RELEASE 9             /* chan -> 0, or -1 if this address space does not own it */

/*
 * Channels belong to whoever was given them. The host hands a guest program
 * a channel as a token: 128 random bits written as GP_TOKEN_LENGTH lowercase
 * hex digits, in the program's environment as GP_TOKEN_ENV (guest_daemon
 * puts each plugin's there). CLAIM with it binds the channel to the calling
 * process's address space; every op from an address space that owns no
 * channel of that id is answered as if there were none (-1). A process's
 * children (a new address space after fork) claim again with the token they
 * inherit. RELEASE gives the caller's claim back (the guest library does it
 * at exit), so that a process that later gets the same page directory does
 * not find the channel its own; an anonymous channel (GET_MANAGER) left with
 * no owner is freed. Looking a channel up by name without a token (op 7 and the
 * manager's GET_CHANNEL_FROM_NAME) finds only channels the caller owns,
 * unless the host runs with the core setting channels=open (PANDA's way).
 */
#define GP_TOKEN_LENGTH 32
#define GP_TOKEN_ENV "GUESTPLUG_TOKEN"

/* Failures, returned negative (two's complement at register width). */
#define GP_ERR_NOT_FOUND 1   /* no such channel / name / token, or a channel this address
                              * space does not own */
#define GP_ERR_BAD_ADDRESS 2 /* a page of the buffer is not one the calling process could
                              * access itself: not present, supervisor only, or (for a
                              * buffer the host writes) read-only or not yet dirty */
#define GP_ERR_TOO_LARGE 3   /* message or name over the host's limit */
#define GP_ERR_FULL 4        /* queue full, or no more channels: the table's, the guest's
                              * or this address space's share is used up */
#define GP_ERR_UNKNOWN_OP 5

/* Host limits the guest can rely on. */
#define GP_MAX_NAME_LENGTH 256
#define GP_MAX_ERROR_TEXT 4096

/*
 * The manager protocol, spoken on channels from GP_OP_GET_MANAGER (as
 * PANDA's): each guest message is a 4-byte little-endian op and a payload.
 */
#define GP_MANAGER_GET_CHANNEL_FROM_NAME 0 /* payload: name; reply: 4-byte LE id */
#define GP_MANAGER_DEBUG_OUTPUT 2          /* payload: text for the host log */

#endif
