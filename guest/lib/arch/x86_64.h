/* SPDX-License-Identifier: MIT */
/* x86_64: magic rax, op rbx, channel rcx, arg1 rdx, arg2 rdi; result in rax.
 * The trap is `nopl GP_X86_NOP_DISP(%rax)`. Flags count as clobbered. */
static inline unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
                                              unsigned long arg1, unsigned long arg2)
{
    unsigned long result = GP_MAGIC;
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]"
                     : "+a"(result)
                     : "b"(op), "c"(channel), "d"(arg1), "D"(arg2), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return result;
}
