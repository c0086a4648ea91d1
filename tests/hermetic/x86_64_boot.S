# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub of the x86_64 hermetic test. QEMU's Multiboot loader enters
# _start in 32-bit protected mode (flat segments, paging off, no stack, GDTR
# not to be trusted). Long mode cannot be entered directly, so this stub:
#   - identity-maps the first GiB with 2 MiB pages, user accessible,
#     writable and dirty (leaving the hole of x86.h unmapped for the
#     "bad address" tests); the C part adds the page-protection slots,
#   - enables PAE, sets EFER.LME and turns paging on (the CPU is then in
#     long mode, still running this 32-bit code in compatibility mode);
#     built with HERMETIC_LA57, it first checks that the CPU has 5-level
#     paging and puts a PML5 above the PML4 (CR4.LA57 can only be set
#     while paging is off),
#   - loads a GDT with a 64-bit code segment and far-jumps into it,
#   - calls hermetic_main() and writes its result to isa-debug-exit.
# The object is ELF64 (the C part is 64-bit code); the build converts the
# linked program to ELF32 because QEMU's Multiboot loader takes no other.
#include "x86.h"

#define CR4_PAE (1 << 5)
#define CR4_LA57 (1 << 12)
#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define CODE64_SELECTOR 0x08
#define DATA_SELECTOR 0x10

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    # Anything but a Multiboot loader: say so and stop.
    cmp $MULTIBOOT_BOOTLOADER_MAGIC, %eax
    jne no_multiboot

    # Zero .bss (page tables, stack, test buffers) before using any of it.
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    # PML4[0] -> PDPT, PDPT[0] -> PD: one page directory covers the first GiB.
    movl $(hermetic_pdpt + HERMETIC_PTE_TABLE), hermetic_pml4
    movl $(hermetic_pd + HERMETIC_PTE_TABLE), hermetic_pdpt

    # PD[i] = i * 2 MiB, present, writable, user, dirty, large: an identity map.
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $HERMETIC_PTE_ALL, %eax
    mov %eax, hermetic_pd(, %ecx, 8) # the high dword stays 0 from the bss clear
    inc %ecx
    cmp $512, %ecx
    jne 1b
    # The hole: that 2 MiB page is not present, so the host cannot translate it.
    movl $0, hermetic_pd + (HERMETIC_HOLE_BASE >> 21) * 8

#ifdef HERMETIC_LA57
    # 5-level paging: CPUID.(EAX=7,ECX=0):ECX bit 16, or stop and say so.
    xor %eax, %eax
    cpuid
    cmp $7, %eax
    jb no_la57
    mov $7, %eax
    xor %ecx, %ecx
    cpuid
    test $(1 << 16), %ecx
    jz no_la57
    # PML5[0] -> PML4; CR3 points at the PML5.
    movl $(hermetic_pml4 + HERMETIC_PTE_TABLE), hermetic_pml5
    mov $hermetic_pml5, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(CR4_PAE + CR4_LA57), %eax
    mov %eax, %cr4
#else
    # Long mode needs PAE paging; CR3 points at the PML4.
    mov $hermetic_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
#endif
    # EFER.LME: turning paging on now activates long mode.
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG + CR0_PE), %eax
    mov %eax, %cr0

    # Still running 32-bit code (compatibility mode): a far jump to a 64-bit
    # code segment switches to 64-bit mode.
    lgdt gdt_pointer
    ljmp $CODE64_SELECTOR, $long_mode

    .code64
long_mode:
    # Data segments are mostly ignored in 64-bit mode, but must hold valid
    # selectors (the loader's may point into a GDT we no longer have).
    mov $DATA_SELECTOR, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $stack_top, %rsp
    call hermetic_main
    # isa-debug-exit: QEMU exits with (code << 1) | 1.
    mov $HERMETIC_EXIT_PORT, %dx
    out %eax, %dx
1:  hlt
    jmp 1b

    .code32
no_multiboot:
    mov $HERMETIC_EXIT_NO_BOOT, %eax
    mov $HERMETIC_EXIT_PORT, %dx
    out %eax, %dx
1:  hlt
    jmp 1b

#ifdef HERMETIC_LA57
no_la57:
    mov $HERMETIC_EXIT_NO_LA57, %eax
    mov $HERMETIC_EXIT_PORT, %dx
    out %eax, %dx
1:  hlt
    jmp 1b
#endif

    .section .rodata
    .balign 8
gdt:
    .quad 0                          # null descriptor
    .quad 0x00AF9A000000FFFF         # 0x08: code, 64-bit (L=1), ring 0
    .quad 0x00CF92000000FFFF         # 0x10: data, flat, writable
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt                        # lgdt in 32-bit mode reads a 32-bit base

    # The tables, for the C part to add the page-protection slots to.
    .section .bss
    .balign 4096
    .globl hermetic_pml5, hermetic_pml4, hermetic_pdpt, hermetic_pd
hermetic_pml5: .skip 4096            # used by the HERMETIC_LA57 build only
hermetic_pml4: .skip 4096
hermetic_pdpt: .skip 4096
hermetic_pd: .skip 4096
    .balign 16
stack: .skip 16384
stack_top:
