/* SPDX-License-Identifier: MIT */
/* arm (EABI, A32 or Thumb-2): magic r0, op r1, channel r2, arg1 r3, arg2 r4;
 * result in r0. The trap is `orr r4, r4, r4` in A32 code and the 16-bit
 * `mov r4, r4` in Thumb code (Debian's armhf compiler emits Thumb-2 unless
 * told -marm), each written as its encoding so that no assembler picks
 * another form of the same move (the host matches bytes). */
#if defined(__thumb__)
#define GP_ARM_TRAP ".inst.n 0x4624" /* mov r4, r4 */
/* The entry symbol must be marked Thumb, or the ELF's entry point would
 * start it in A32 state. */
#define GP_ARM_START_MODE ".thumb_func\n"
#else
#define GP_ARM_TRAP ".inst 0xe1844004" /* orr r4, r4, r4 */
#define GP_ARM_START_MODE ""
#endif

/* "memory": the host reads and fills our buffers behind the compiler's
 * back. "cc": the ABI says flags count as clobbered, though this trap
 * keeps them. */
static inline unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
                                              unsigned long arg1, unsigned long arg2)
{
    register unsigned long r0 __asm__("r0") = GP_MAGIC;
    register unsigned long r1 __asm__("r1") = op;
    register unsigned long r2 __asm__("r2") = channel;
    register unsigned long r3 __asm__("r3") = arg1;
    register unsigned long r4 __asm__("r4") = arg2;
    __asm__ volatile(GP_ARM_TRAP
                     : "+r"(r0)
                     : "r"(r1), "r"(r2), "r"(r3), "r"(r4)
                     : "memory", "cc");
    return r0;
}

/* Writes the byte at P without changing it (an exclusive load and store
 * of the same value, retried if anything else wrote it in between), so its
 * page is present, writable (copy-on-write broken) and dirty. */
static inline void gp_arch_touch_for_write(unsigned char *p)
{
    unsigned long value, failed;
    __asm__ volatile("1: ldrexb %0, %2\n\t"
                     "strexb %1, %0, %2\n\t"
                     "cmp %1, #0\n\t"
                     "bne 1b"
                     : "=&r"(value), "=&r"(failed), "+Q"(*p)
                     :
                     : "memory", "cc");
}

/*
 * Raw Linux system calls (EABI): number in r7, arguments r0-r5, result (or
 * -errno) in r0; the kernel keeps every other register. r7 is the frame
 * pointer of Thumb code, which gcc refuses to give to an asm in a function
 * that keeps a frame, so the number travels in another register and r7 is
 * swapped out and back around the svc (as i386 does with ebp).
 */
static inline long gp_arch_syscall6(long number, long a1, long a2, long a3, long a4, long a5,
                                    long a6)
{
    register long r0 __asm__("r0") = a1;
    register long r1 __asm__("r1") = a2;
    register long r2 __asm__("r2") = a3;
    register long r3 __asm__("r3") = a4;
    register long r4 __asm__("r4") = a5;
    register long r5 __asm__("r5") = a6;
    long saved_r7;
    __asm__ volatile("mov %[saved], r7\n\t"
                     "mov r7, %[number]\n\t"
                     "svc #0\n\t"
                     "mov r7, %[saved]"
                     : "+r"(r0), [saved] "=&r"(saved_r7)
                     : [number] "r"(number), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
                     : "memory");
    (void)saved_r7;
    return r0;
}

/* Process entry without a C library: hand the initial stack to C, with
 * the stack aligned as the AAPCS wants it at a call. A zero frame pointer
 * (r11 in A32, r7 in Thumb) and link register end the frame chain for
 * debuggers. */
#define GP_ARCH_DEFINE_START(c_entry)                          \
    __asm__(".syntax unified\n.text\n.align 2\n"               \
            ".globl _start\n.type _start, %function\n"         \
            GP_ARM_START_MODE "_start:\n"                      \
            "mov r7, #0\n"                                     \
            "mov r11, #0\n"                                    \
            "mov lr, #0\n"                                     \
            "mov r0, sp\n"                                     \
            "bic r1, r0, #7\n"                                 \
            "mov sp, r1\n"                                     \
            "bl " #c_entry "\n"                                \
            "udf #0\n")
