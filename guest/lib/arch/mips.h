/* SPDX-License-Identifier: MIT */
/*
 * mips (o32, big-endian), mipsel (o32) and mips64el (n64): magic v0 ($2),
 * op a0 ($4), channel a1 ($5), arg1 a2 ($6), arg2 a3 ($7); result in v0.
 * The trap is `movz $0, $0, $0` (SPECIAL, rs = rt = rd = 0, funct 0x0a),
 * written as its encoding so that no assembler picks another form or drops
 * it as a no-op (the host matches the word; `.word` stores it in the
 * target's byte order, as the CPU fetches it). It writes $zero, so it does
 * nothing without a host. "memory": the host reads and fills our buffers
 * behind the compiler's back. The host changes v0 only, and MIPS has no
 * flags, so nothing else is clobbered.
 */
#if !defined(_MIPS_SIM) || (_MIPS_SIM != _ABIO32 && _MIPS_SIM != _ABI64)
#error "guestplug's guest library supports the MIPS o32 and n64 ABIs only"
#endif

/* The kernel's sigset_t has 128 signals on MIPS, not 64 (rt_sig* calls
 * check the size). */
#define GP_ARCH_KERNEL_SIGSET_BYTES 16

static inline unsigned long gp_arch_hypercall(unsigned long op, unsigned long channel,
                                              unsigned long arg1, unsigned long arg2)
{
    register unsigned long v0 __asm__("$2") = GP_MAGIC;
    register unsigned long a0 __asm__("$4") = op;
    register unsigned long a1 __asm__("$5") = channel;
    register unsigned long a2 __asm__("$6") = arg1;
    register unsigned long a3 __asm__("$7") = arg2;
    __asm__ volatile(".word 0x0000000a" /* movz $0, $0, $0 */
                     : "+r"(v0)
                     : "r"(a0), "r"(a1), "r"(a2), "r"(a3)
                     : "memory");
    return v0;
}

/* Writes the byte at P without changing it: a load-linked and
 * store-conditional of the aligned word that holds it, storing back the
 * value loaded (so byte order does not matter), retried if anything else
 * wrote the word in between. Its page is then present, writable
 * (copy-on-write broken) and dirty. */
static inline void gp_arch_touch_for_write(unsigned char *p)
{
    unsigned int *word = (unsigned int *)((unsigned long)p & ~3ul);
    unsigned int stored;
    __asm__ volatile("1: ll %0, %1\n\t"
                     "sc %0, %1\n\t"
                     "beqz %0, 1b"
                     : "=&r"(stored), "+ZC"(*word)
                     :
                     : "memory");
}

/*
 * Raw Linux system calls: number in v0, arguments in a0-a3 and, on o32, on
 * the stack at 16(sp) and 20(sp) (the kernel reads 16..31(sp) on every
 * call), on n64 in a4-a5 ($8, $9). The result is in v0, with a3 = 1 when it
 * is an errno (positive): returned as -errno at once, from the asm's
 * outputs (a register variable is not kept across anything else). The
 * kernel keeps the other argument registers, s0-s7, gp, sp, fp and ra; it
 * may change at, v1, the temporaries, hi and lo (measured:
 * docs/mips-porting.md), all clobbered here, t9 too, as glibc does.
 */
#define GP_MIPS_SYSCALL_CLOBBERS                                                            \
    "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo", "memory"

static inline long gp_arch_syscall6(long number, long a1, long a2, long a3, long a4, long a5,
                                    long a6)
{
    register long v0 __asm__("$2") = number;
    register long r4 __asm__("$4") = a1;
    register long r5 __asm__("$5") = a2;
    register long r6 __asm__("$6") = a3;
    register long r7 __asm__("$7") = a4;
#if _MIPS_SIM == _ABIO32
    /* Room for the 16-byte argument save area and arguments 5 to 8, keeping
     * sp 8-byte aligned; nothing of the caller's frame is written. */
    __asm__ volatile("addiu $sp, $sp, -32\n\t"
                     "sw %[a5], 16($sp)\n\t"
                     "sw %[a6], 20($sp)\n\t"
                     "syscall\n\t"
                     "addiu $sp, $sp, 32"
                     : "+r"(v0), "+r"(r7)
                     : "r"(r4), "r"(r5), "r"(r6), [a5] "r"(a5), [a6] "r"(a6)
                     : "$8", "$9", GP_MIPS_SYSCALL_CLOBBERS);
#else
    register long r8 __asm__("$8") = a5;
    register long r9 __asm__("$9") = a6;
    __asm__ volatile("syscall"
                     : "+r"(v0), "+r"(r7)
                     : "r"(r4), "r"(r5), "r"(r6), "r"(r8), "r"(r9)
                     : GP_MIPS_SYSCALL_CLOBBERS);
#endif
    return r7 ? -v0 : v0;
}

/*
 * Process entry without a C library: hand the initial stack to C, with sp
 * aligned as the ABI wants it at a call (16 bytes; o32 also wants the
 * 16-byte argument save area a callee may use above it). A zero fp and ra
 * end the frame chain for debuggers. gcc compiles n64 code PIC even with
 * -fno-pie, and such a function computes gp from its own address in t9:
 * so gp is set up from our address (bal gives it; .cpload and .cpsetup
 * are ignored in code that is not PIC), c_entry's address comes from the
 * GOT, or from an absolute one without PIC, and the jump is through t9.
 * A jump, not a call: c_entry never returns, and gas wants a .cprestore
 * (stack room for gp) for a call in o32 PIC code. MIPS linkers enter at
 * __start, so that names the same place.
 */
#if _MIPS_SIM == _ABIO32
#define GP_MIPS_START_GP "1: .cpload $ra\n"
#define GP_MIPS_START_LA "la"
#define GP_MIPS_START_FRAME "addiu $sp, $sp, -16\n"
#else
#define GP_MIPS_START_GP "1: .cpsetup $ra, $t8, 1b\n"
#define GP_MIPS_START_LA "dla"
#define GP_MIPS_START_FRAME ""
#endif
#define GP_ARCH_DEFINE_START(c_entry)                               \
    __asm__(".text\n.globl _start\n.type _start, @function\n"       \
            ".globl __start\n.type __start, @function\n"           \
            ".set push\n.set noreorder\n"                           \
            "_start:\n"                                             \
            "__start:\n"                                            \
            "move $fp, $0\n"                                        \
            "move $a0, $sp\n"                                       \
            "bal 1f\n"                                              \
            "nop\n"                                                 \
            GP_MIPS_START_GP                                        \
            "move $ra, $0\n"                                        \
            "li $t9, -16\n"                                         \
            "and $sp, $sp, $t9\n"                                   \
            GP_MIPS_START_FRAME                                     \
            GP_MIPS_START_LA " $t9, " #c_entry "\n"                 \
            "jr $t9\n"                                              \
            "nop\n"                                                 \
            "break\n"                                               \
            ".set pop\n")
