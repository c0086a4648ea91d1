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

/* Writes the byte at P without changing it (a locked OR of 0), so its page
 * is present, writable (copy-on-write broken) and dirty. */
static inline void gp_arch_touch_for_write(unsigned char *p)
{
    __asm__ volatile("lock orb $0, %0" : "+m"(*p) : : "memory", "cc");
}

/* Raw Linux system calls: number in rax, arguments rdi rsi rdx r10 r8 r9,
 * result (or -errno) in rax; the kernel clobbers rcx and r11. */
static inline long gp_arch_syscall6(long number, long a1, long a2, long a3, long a4, long a5,
                                    long a6)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long result = number;
    __asm__ volatile("syscall"
                     : "+a"(result)
                     : "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

/* Process entry without a C library: hand the initial stack to C. */
#define GP_ARCH_DEFINE_START(c_entry)                          \
    __asm__(".text\n.globl _start\n_start:\n"                  \
            "xor %rbp, %rbp\n"                                 \
            "mov %rsp, %rdi\n"                                 \
            "and $-16, %rsp\n"                                 \
            "call " #c_entry "\n"                              \
            "hlt\n")
