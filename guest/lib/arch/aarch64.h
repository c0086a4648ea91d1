/* SPDX-License-Identifier: MIT */
/* aarch64: magic x0, op x1, channel x2, arg1 x3, arg2 x4; result in x0.
 * The trap is `orr x4, x4, x4`, written as its encoding so that no
 * assembler picks another form of the same move (the host matches bytes).
 * "memory": the host reads and fills our buffers behind the compiler's
 * back. "cc": the ABI says flags count as clobbered, though this trap keeps
 * them. */
static inline unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
                                              unsigned long arg1, unsigned long arg2)
{
    register unsigned long x0 __asm__("x0") = GP_MAGIC;
    register unsigned long x1 __asm__("x1") = op;
    register unsigned long x2 __asm__("x2") = channel;
    register unsigned long x3 __asm__("x3") = arg1;
    register unsigned long x4 __asm__("x4") = arg2;
    __asm__ volatile(".inst 0xaa040084" /* orr x4, x4, x4 */
                     : "+r"(x0)
                     : "r"(x1), "r"(x2), "r"(x3), "r"(x4)
                     : "memory", "cc");
    return x0;
}

/* Writes the byte at P without changing it (an exclusive load and store
 * of the same value, retried if anything else wrote it in between), so its
 * page is present, writable (copy-on-write broken) and dirty. Not an
 * __atomic builtin: gcc outlines those into libgcc helpers
 * (-moutline-atomics), which a program without libraries lacks. */
static inline void gp_arch_touch_for_write(unsigned char *p)
{
    unsigned int value, failed;
    __asm__ volatile("1: ldxrb %w0, %2\n\t"
                     "stxrb %w1, %w0, %2\n\t"
                     "cbnz %w1, 1b"
                     : "=&r"(value), "=&r"(failed), "+Q"(*p)
                     :
                     : "memory");
}

/* Raw Linux system calls: number in x8, arguments x0-x5, result (or
 * -errno) in x0; the kernel keeps every other register. */
static inline long gp_arch_syscall6(long number, long a1, long a2, long a3, long a4, long a5,
                                    long a6)
{
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a1;
    register long x1 __asm__("x1") = a2;
    register long x2 __asm__("x2") = a3;
    register long x3 __asm__("x3") = a4;
    register long x4 __asm__("x4") = a5;
    register long x5 __asm__("x5") = a6;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

/* Process entry without a C library: hand the initial stack to C. A zero
 * frame pointer and link register end the frame chain for debuggers. */
#define GP_ARCH_DEFINE_START(c_entry)                          \
    __asm__(".text\n.globl _start\n.type _start, %function\n"  \
            "_start:\n"                                        \
            "mov x29, #0\n"                                    \
            "mov x30, #0\n"                                    \
            "mov x0, sp\n"                                     \
            "and sp, x0, #-16\n"                               \
            "bl " #c_entry "\n"                                \
            "brk #0\n")
