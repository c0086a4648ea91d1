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

/* Writes the byte at P without changing it (a locked OR of 0), so its page
 * is present, writable (copy-on-write broken) and dirty. */
static inline void gp_arch_touch_for_write(unsigned char *p)
{
    __asm__ volatile("lock orb $0, %0" : "+m"(*p) : : "memory", "cc");
}

/* Raw Linux system calls through int 0x80: number in eax, arguments ebx ecx
 * edx esi edi ebp, result (or -errno) in eax. The sixth argument travels on
 * the stack into ebp, which is saved around the call (frame pointer). Only
 * for code built without PIC, where ebx is free. */
static inline long gp_arch_syscall6(long number, long a1, long a2, long a3, long a4, long a5,
                                    long a6)
{
    long result = number;
    __asm__ volatile("push %[a6]\n\t"
                     "push %%ebp\n\t"
                     "mov 4(%%esp), %%ebp\n\t"
                     "int $0x80\n\t"
                     "pop %%ebp\n\t"
                     "add $4, %%esp"
                     : "+a"(result)
                     : "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5), [a6] "g"(a6)
                     : "memory");
    return result;
}

/* Process entry without a C library: hand the initial stack to C. */
#define GP_ARCH_DEFINE_START(c_entry)                          \
    __asm__(".text\n.globl _start\n_start:\n"                  \
            "xor %ebp, %ebp\n"                                 \
            "mov %esp, %eax\n"                                 \
            "and $-16, %esp\n"                                 \
            "sub $12, %esp\n"                                  \
            "push %eax\n"                                      \
            "call " #c_entry "\n"                              \
            "hlt\n")
