# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub of the i386 hermetic test. QEMU's Multiboot loader enters _start
# in 32-bit protected mode with flat segments and paging off, which is all the
# C part needs, except a stack and a GDT of our own (the loader's GDTR is not
# to be trusted once its memory is reused). Paging stays off at first, so the
# C part can look at how the host treats addresses without page tables; it
# then builds the tables of each paging mode it tests (tests/hermetic/
# paging.c: 32-bit with 4 MiB pages, then PAE) and switches to them with
# hermetic_load_paging(), for the memory map of x86.h.
#include "x86.h"

#define CR4_PSE (1 << 4)
#define CR4_PAE (1 << 5)
#define CR0_PG (1 << 31)
#define CODE_SELECTOR 0x08
#define DATA_SELECTOR 0x10

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

    .section .text.boot, "ax"
    .globl _start
_start:
    cli
    # Anything but a Multiboot loader: say so and stop.
    cmp $MULTIBOOT_BOOTLOADER_MAGIC, %eax
    jne no_multiboot

    # Our own GDT, and reload every segment register from it.
    lgdt gdt_pointer
    ljmp $CODE_SELECTOR, $1f
1:  mov $DATA_SELECTOR, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs

    # Zero .bss (page directory, stack, test buffers) before using any of it.
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    mov $stack_top, %esp
    call hermetic_main
    # isa-debug-exit: QEMU exits with (code << 1) | 1.
    mov $HERMETIC_EXIT_PORT, %dx
    out %eax, %dx
2:  hlt
    jmp 2b

no_multiboot:
    mov $HERMETIC_EXIT_NO_BOOT, %eax
    mov $HERMETIC_EXIT_PORT, %dx
    out %eax, %dx
3:  hlt
    jmp 3b

# void hermetic_load_paging(uint32_t cr3, uint32_t cr4_mode): runs on the
# page tables at CR3, in the paging mode CR4_MODE selects (CR4.PSE for 32-bit
# paging with 4 MiB pages, CR4.PAE for PAE). Paging goes off first, since
# CR4.PAE may only change then; the tables identity-map this code, so
# execution simply continues after each CR0 write.
    .text
    .globl hermetic_load_paging
hermetic_load_paging:
    mov %cr0, %eax
    and $~CR0_PG, %eax
    mov %eax, %cr0
    mov %cr4, %eax
    and $~(CR4_PSE + CR4_PAE), %eax
    or 8(%esp), %eax
    mov %eax, %cr4
    mov 4(%esp), %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0
    ret

    .section .rodata
    .balign 8
gdt:
    .quad 0                          # null descriptor
    .quad 0x00CF9A000000FFFF         # 0x08: code, 32-bit, flat, ring 0
    .quad 0x00CF92000000FFFF         # 0x10: data, flat, writable
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .balign 16
stack: .skip 16384
stack_top:
