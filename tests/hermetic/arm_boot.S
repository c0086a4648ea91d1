# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub of the arm hermetic test, for both programs: the C part built
# -marm (A32) or -mthumb (Thumb-2); this stub is A32 in both (calls into
# the C part interwork, the linker makes them blx where needed). QEMU's virt
# machine starts _start in SVC mode with interrupts masked and the MMU off
# (virt.h). This stub:
#   - gives the Undefined and Abort modes stacks of their own and installs
#     the exception vectors below (VBAR): the C part expects one kind of
#     exception (an UNDEFINED instruction it runs on purpose) and resumes
#     after it; any other means a trap went wrong, and ends the run,
#   - zeroes .bss, sets the stack, calls hermetic_main(),
#   - exits QEMU through semihosting with status (code << 1) | 1, as x86's
#     isa-debug-exit does (hermetic.h).
#include "virt.h"

#define MODE_MASK 0x1f
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1b

    .syntax unified
    .arm
    .section .text.boot, "ax"
    .globl _start
_start:
    cpsid aif
    # Anything but SVC mode: not started the way virt starts a kernel.
    mrs r0, cpsr
    and r0, r0, #MODE_MASK
    ldr sp, =stack_top
    cmp r0, #MODE_SVC
    movne r0, #HERMETIC_EXIT_NO_BOOT
    bne hermetic_exit
    cps #MODE_UND
    ldr sp, =undefined_stack_top
    cps #MODE_ABT
    ldr sp, =abort_stack_top
    cps #MODE_SVC
    ldr r0, =vectors
    mcr p15, 0, r0, c12, c0, 0      @ VBAR
    isb
    # Zero .bss (the stacks are there, still unused).
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl hermetic_main
    # Falls through with the code in r0.

# hermetic_exit(code): SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit
# and the subcode (code << 1) | 1, which QEMU makes its exit status (the
# A32 SYS_EXIT could only say success or failure). The parameter block (two
# words) goes on the stack; svc 0x123456 is the A32 semihosting call.
    .globl hermetic_exit
hermetic_exit:
    lsl r3, r0, #1
    orr r3, r3, #1
    ldr r2, =ADP_STOPPED_APPLICATION_EXIT
    push {r2, r3}
    mov r1, sp
    mov r0, #SEMIHOSTING_SYS_EXIT_EXTENDED
    svc 0x123456
    # Semihosting off: nothing can end QEMU from here; the test's timeout will.
2:  wfi
    b 2b
    .ltorg

# Exception vectors (A32: SCTLR.TE is 0), kind = vector index. The
# Undefined Instruction one saves r0-r12 and lr (the address after the
# instruction) and calls hermetic_exception(kind, spsr, frame); 0 means
# resume at the frame's lr, in the state SPSR gives back (A32 or Thumb),
# anything else is the exit code. The others cannot resume.
    .text
    .balign 32
vectors:
    b unexpected_reset
    b undefined_instruction
    b unexpected_svc
    b unexpected_prefetch_abort
    b unexpected_data_abort
    b unexpected_reserved
    b unexpected_irq
    b unexpected_fiq

undefined_instruction:
    push {r0-r12, lr}
    mov r0, #1
    mrs r1, spsr
    mov r2, sp
    bl hermetic_exception
    cmp r0, #0
    bne hermetic_exit
    ldm sp!, {r0-r12, pc}^

.macro unexpected name, kind
\name:
    push {r0-r12, lr}
    mov r0, #\kind
    mrs r1, spsr
    mov r2, sp
    bl hermetic_exception
    b hermetic_exit
.endm
    unexpected unexpected_reset, 0
    unexpected unexpected_svc, 2
    unexpected unexpected_prefetch_abort, 3
    unexpected unexpected_data_abort, 4
    unexpected unexpected_reserved, 5
    unexpected unexpected_irq, 6
    unexpected unexpected_fiq, 7

    .section .bss
    .balign 16
stack: .skip 16384
stack_top:
undefined_stack: .skip 4096
undefined_stack_top:
abort_stack: .skip 4096
abort_stack_top:
