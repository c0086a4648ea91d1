# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub of the aarch64 hermetic test. QEMU's virt machine starts the
# ELF's _start at EL1 with the MMU off (virt.h). This stub:
#   - checks it runs at EL1 (the C part reads EL1's exception registers),
#   - installs the exception vectors below: the C part expects one kind of
#     exception (an UNDEFINED instruction it runs on purpose) and resumes
#     after it; any other means a trap went wrong, and ends the run,
#   - zeroes .bss, sets the stack, calls hermetic_main(),
#   - exits QEMU through semihosting with status (code << 1) | 1, as x86's
#     isa-debug-exit does (hermetic.h).
#include "virt.h"

#define CURRENT_EL_EL1 (1 << 2)
#define FRAME_BYTES (32 * 8)  /* x0..x30 and a pad: sp stays 16-aligned */

    .section .text.boot, "ax"
    .globl _start
_start:
    ldr x0, =stack_top
    mov sp, x0
    mrs x0, CurrentEL
    cmp x0, #CURRENT_EL_EL1
    b.eq 1f
    mov w0, #HERMETIC_EXIT_NO_BOOT
    b hermetic_exit
1:  ldr x0, =vectors
    msr vbar_el1, x0
    isb
    # Zero .bss (the stack is there, still unused).
    ldr x0, =__bss_start
    ldr x1, =__bss_end
2:  cmp x0, x1
    b.hs 3f
    str xzr, [x0], #8
    b 2b
3:  bl hermetic_main
    # Falls through with the code in w0.

# hermetic_exit(code): SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit
# and the subcode (code << 1) | 1, which QEMU makes its exit status. The
# parameter block (two 64-bit words) goes on the stack.
    .globl hermetic_exit
hermetic_exit:
    lsl w1, w0, #1
    orr w1, w1, #1
    ldr x2, =ADP_STOPPED_APPLICATION_EXIT
    sub sp, sp, #16
    stp x2, x1, [sp]
    mov x1, sp
    mov x0, #SEMIHOSTING_SYS_EXIT_EXTENDED
    hlt #0xf000
    # Semihosting off: nothing can end QEMU from here; the test's timeout will.
4:  wfi
    b 4b

# Exception vectors: 16 entries of 0x80 bytes, kind = entry index (4 is a
# synchronous exception at EL1 on SP_EL1, the one the C part expects).
# Every entry saves the general registers and calls
# hermetic_exception(kind, frame); 0 means resume (ELR_EL1 as it left it),
# anything else is the exit code.
.macro vector kind
    .balign 0x80
    sub sp, sp, #FRAME_BYTES
    stp x0, x1, [sp]
    mov x0, #\kind
    b exception_common
.endm

    .text
    .balign 2048
vectors:
    .irp kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vector \kind
    .endr

exception_common:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #240]
    mov x1, sp
    bl hermetic_exception
    cbnz w0, hermetic_exit
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
    ldp x0, x1, [sp]
    add sp, sp, #FRAME_BYTES
    eret

    .section .bss
    .balign 16
stack: .skip 16384
stack_top:
