# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub and exception vectors of the MIPS hermetic test (mips.h says
# how the program is laid out). The malta's boot code jumps to _start in
# kernel mode; this stub:
#   - sets EBase to the vector page below and Status to kernel mode with
#     BEV, ERL, EXL and interrupts off (malta starts us with ERL set, where
#     kuseg is unmapped),
#   - zeroes the kernel's and the user image's .bss (the latter through its
#     KSEG0 alias), sets the kernel stack and calls mips_kernel_main(),
#   - enters the user process at user_entry in user mode (KSU = 2) by eret.
# The vector page holds at EBase + 0x000 an exact copy of the refill
# handler Debian's malta kernel writes (core/arch/mips32_paging.c) and at
# + 0x180 the general exception vector: a syscall from the user process
# ends the run with the code in a0; anything else is unexpected, and
# mips_kernel_exception() says what it was.
#include "mips.h"

#define CP0_INDEX $0
#define CP0_ENTRYLO0 $2
#define CP0_ENTRYLO1 $3
#define CP0_CONTEXT $4
#define CP0_BADVADDR $8
#define CP0_ENTRYHI $10
#define CP0_STATUS $12
#define CP0_CAUSE $13
#define CP0_EPC $14
#define CP0_EBASE $15, 1
#define STATUS_CU0 0x10000000
#define STATUS_USER_EXL 0x12 /* KSU = 2 (user), EXL: eret drops to user mode */
#define EXCCODE_SYS 8

# Zeroes the words from $t0 up to $t1 (clobbers $t0, $t2).
.macro zero_words
1:  sltu $t2, $t0, $t1
    beqz $t2, 2f
    nop
    sw $zero, 0($t0)
    b 1b
    addiu $t0, $t0, 4
2:
.endm

# The first 20 words of the refill handler below, also the decoy's.
.macro refill_walk
    mfc0 $k1, CP0_CONTEXT
    lui $k0, %hi(pgd_current)
    srl $k1, $k1, 23
    addu $k1, $k0, $k1
    mfc0 $k0, CP0_BADVADDR
    lw $k1, %lo(pgd_current)($k1)
    srl $k0, $k0, 22
    sll $k0, $k0, 2
    addu $k1, $k1, $k0
    mfc0 $k0, CP0_CONTEXT
    lw $k1, 0($k1)
    srl $k0, $k0, 1
    andi $k0, $k0, 0xff8
    addu $k1, $k1, $k0
    lw $k0, 0($k1)
    lw $k1, 4($k1)
    srl $k0, $k0, 6
    mtc0 $k0, CP0_ENTRYLO0
    srl $k1, $k1, 6
    mtc0 $k1, CP0_ENTRYLO1
.endm

    .set noreorder
    .set noat

    .section .text.boot, "ax"
    .globl _start
_start:
    la $k0, vectors
    mtc0 $k0, CP0_EBASE
    mfc0 $s0, CP0_STATUS           # for the record: how malta started us
    li $k0, STATUS_CU0
    mtc0 $k0, CP0_STATUS
    ehb
    la $sp, kernel_stack_top
    # Zero the kernel's .bss (its stack is there, still unused) ...
    la $t0, __kbss_start
    la $t1, __kbss_end
    zero_words
    # ... and the user image's, through KSEG0 (kuseg is not mapped yet).
    la $t0, __bss_start
    la $t1, __bss_end
    li $t3, MIPS_KSEG0
    or $t0, $t0, $t3
    or $t1, $t1, $t3
    zero_words
    jal mips_kernel_main
    move $a0, $s0
    # Into the user process: EPC = user_entry, Status user mode with EXL.
    la $k0, user_entry
    mtc0 $k0, CP0_EPC
    li $k0, STATUS_USER_EXL
    mtc0 $k0, CP0_STATUS
    ehb
    eret
    nop

# hermetic_exit(code): UHI_exit with status (code << 1) | 1, which QEMU
# makes its exit status (hermetic.h).
    .globl hermetic_exit
hermetic_exit:
    sll $a0, $a0, 1
    ori $a0, $a0, 1
    li $t9, UHI_EXIT
    sdbbp 1
    # Semihosting off: nothing ends QEMU from here; the test's timeout will.
5:  b 5b
    nop

# The vector page (EBase, 4 KiB aligned, as Linux has it).
    .text
    .balign 4096
    .globl vectors
vectors:
# The refill handler, word for word what Debian's 4kc-malta kernel writes
# for a 24Kf (arch/mips/mm/tlbex.c), with our pgd_current in the two
# immediates. pgd_current[cpu] (cpu from Context.PTEBase, 0 here) -> pgd,
# pgd[va >> 22] -> PTE table, the even and odd PTEs >> 6 -> EntryLo0/1.
refill:
    refill_walk
    ehb
    tlbwr
    eret
refill_end:

# The general exception vector.
    .org vectors + 0x180
general_exception:
    mfc0 $k0, CP0_CAUSE
    andi $k0, $k0, 0x7c
    xori $k0, $k0, EXCCODE_SYS << 2
    bnez $k0, unexpected
    nop
    # A syscall from user mode (Status.KSU = 2: the eret above dropped to
    # user mode) ends the run with the code in a0; from the kernel it is
    # unexpected.
    mfc0 $k1, CP0_STATUS
    andi $k1, $k1, 0x18
    xori $k1, $k1, 0x10
    bnez $k1, unexpected
    nop
    b hermetic_exit
    nop
unexpected:
    la $sp, kernel_stack_top
    mfc0 $a0, CP0_CAUSE
    mfc0 $a1, CP0_EPC
    mfc0 $a2, CP0_BADVADDR
    jal mips_kernel_exception
    mfc0 $a3, CP0_STATUS
    b hermetic_exit
    move $a0, $v0

# A decoy at a page of its own: the handler's first 20 words, then a
# return instead of ehb; tlbwr; eret. Called as a function (once
# pgd_current and the tables exist, so its loads are harmless), its block
# is a kernel block at a 4 KiB-aligned address that is no refill handler
# the core knows: it must keep memory unreachable.
    .balign 4096
    .globl mips_refill_decoy
mips_refill_decoy:
    refill_walk
    jr $ra
    nop

# The user process's entry, in the user image: its stack, hermetic_main(),
# and its result to the kernel through syscall (a0 = the code).
    .section .user.text, "ax"
    .globl user_entry
user_entry:
    la $sp, user_stack_top
    addiu $sp, $sp, -16            # the o32 argument save area
    jal hermetic_main
    nop
    move $a0, $v0
    syscall
6:  b 6b
    nop

    .section .bss
    .balign 16
kernel_stack: .skip 8192
kernel_stack_top:

    .section .user.bss, "aw", @nobits
    .balign 16
user_stack: .skip 16384
user_stack_top:
