# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot stub of the i386 hermetic test. QEMU's Multiboot loader enters _start
# in 32-bit protected mode with flat segments and paging off, which is all the
# C part needs, except a stack and a GDT of our own (the loader's GDTR is not
# to be trusted once its memory is reused). Paging stays off at first, so the
# C part can look at how the host treats addresses without page tables; it
# then calls hermetic_enable_paging() to get the same memory map as the x86_64
# program (hermetic.h), hole included.
#include "hermetic.h"

#define PDE_PRESENT 0x1
#define PDE_WRITE 0x2
#define PDE_LARGE 0x80              /* a 4 MiB page (needs CR4.PSE) */
#define CR4_PSE (1 << 4)
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

# void hermetic_enable_paging(void): identity-maps the first GiB with 4 MiB
# pages, except the hole, and turns paging on. Called with paging off; since
# the map is the identity, execution simply continues after the CR0 write.
    .text
    .globl hermetic_enable_paging
hermetic_enable_paging:
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $22, %eax
    or $(PDE_PRESENT + PDE_WRITE + PDE_LARGE), %eax
    mov %eax, page_directory(, %ecx, 4)
    inc %ecx
    cmp $(HERMETIC_MAPPED_END >> 22), %ecx
    jne 1b
    # The hole: that 4 MiB page is not present. Entries above 1 GiB stay 0.
    movl $0, page_directory + (HERMETIC_HOLE_BASE >> 22) * 4

    # 4 MiB pages need PSE; CR3 points at the page directory.
    mov %cr4, %eax
    or $CR4_PSE, %eax
    mov %eax, %cr4
    mov $page_directory, %eax
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
    .balign 4096
page_directory: .skip 4096
    .balign 16
stack: .skip 16384
stack_top:
