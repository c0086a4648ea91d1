/* SPDX-License-Identifier: MIT */
/* i386: magic eax, op ebx, channel ecx, arg1 edx, arg2 edi; result in eax.
 * ebx may be the PIC register, so op travels in another register and is
 * swapped into ebx only around the trap. Flags count as clobbered. */
static inline unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
                                              unsigned long arg1, unsigned long arg2)
{
    unsigned long result = GP_MAGIC;
    __asm__ volatile("xchg %%ebx, %[op]\n\t"
                     ".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]\n\t"
                     "xchg %%ebx, %[op]"
                     : "+a"(result), [op] "+S"(op)
                     : "c"(channel), "d"(arg1), "D"(arg2), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return result;
}
