/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIPS part of the hermetic hypercall test (hermetic_arch.h): the user
 * process of the program mips.h describes, which runs the shared checks in
 * user mode, in kuseg, on the page tables mips_kernel.c built. Registers:
 * magic v0, op a0, channel a1, arg1 a2, arg2 a3, result in v0.
 *
 *   ours     movz $0, $0, $0 (0x0000000a), through the guest library
 *   PANDA's  the same instruction (core/arch/mips.c): the second suite
 *            ("panda-movz") runs it from this file's asm with all five
 *            registers bound, and checks a0..a3 come back unchanged
 *
 * The core finds the page tables only through the kernel's refill handler
 * (core/arch/mips32_paging.c); the kernel's own checks of that (before the
 * handler ran, after a decoy, after the real one) are in mips_boot, and
 * are reported here first. The page checks at the end are those of a user
 * process: D = 0 refuses a READ, V = 0 refuses both directions, the kernel
 * segments are never the process's memory.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "checks.h"
#include "mips.h"

mips_boot_record mips_boot;
const char mips_echo_name[] = "echo";
const char mips_error_text[] = MIPS_ERROR_TEXT;

/* ---- console: the UART, mapped uncached at its physical address ---- */

void hermetic_arch_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)MIPS_UART;
    /* Bounded: a stuck UART must not hang the program. */
    for (unsigned spins = 0; !(uart[UART_LSR] & UART_LSR_THRE) && spins < 1000000; spins++) {
    }
    uart[UART_THR] = (uint8_t)c;
}

/* ---- the traps ---- */

const char hermetic_ours_name[] = "movz";
const char hermetic_panda_name[] = "panda-movz";
const char hermetic_panda_kept_check[] = "every panda-movz hypercall kept a0..a3";

#define TRAP ".word 0x0000000a" /* movz $0, $0, $0 */

#define BIND(in)                                                                    \
    register reg r_v0 __asm__("$2") = (in).magic;                                   \
    register reg r_a0 __asm__("$4") = (in).op;                                      \
    register reg r_a1 __asm__("$5") = (in).channel;                                 \
    register reg r_a2 __asm__("$6") = (in).arg1;                                    \
    register reg r_a3 __asm__("$7") = (in).arg2
#define OPERANDS "+r"(r_v0), "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3)
#define VALUE ((regs){ r_v0, r_a0, r_a1, r_a2, r_a3 })
#define RAW_PROBE(name, insn)                                                       \
    static regs name(regs in)                                                       \
    {                                                                               \
        BIND(in);                                                                   \
        __asm__ volatile(insn : OPERANDS : : "memory");                             \
        return VALUE;                                                               \
    }

RAW_PROBE(trap_raw, TRAP)
/* Near misses, all no-ops: other registers in the same move. */
RAW_PROBE(movz_rt1_raw, ".word 0x0001000a") /* movz $0, $0, $1 */
RAW_PROBE(movz_rs1_raw, ".word 0x0020000a") /* movz $0, $1, $0 */
RAW_PROBE(movn_raw, ".word 0x0000000b")     /* movn $0, $0, $0 */

regs hermetic_panda_trap(regs in)
{
    return trap_raw(in);
}

/* Instructions before and after a START trap in one block run once each. */
static reg count_around(void)
{
    const regs start = { GP_MAGIC, GP_OP_START, 0, 0, 0 };
    BIND(start);
    reg count;
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "move %[n], $0\n\t"
                     "addiu %[n], %[n], 1\n\t" TRAP "\n\t"
                     "addiu %[n], %[n], 1\n\t"
                     "addiu %[n], %[n], 1\n\t"
                     ".set pop"
                     : OPERANDS, [n] "=&r"(count)
                     :
                     : "memory");
    return count;
}

/* A START trap in the delay slot of a taken branch: the hypercall happens,
 * and the branch still goes (1: taken, 3: fell through). */
static regs in_delay_slot(regs in, reg *path)
{
    BIND(in);
    reg n;
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "move %[n], $0\n\t"
                     "b 1f\n\t" TRAP "\n\t"
                     "addiu %[n], %[n], 2\n"
                     "1:\n\t"
                     "addiu %[n], %[n], 1\n\t"
                     ".set pop"
                     : OPERANDS, [n] "=&r"(n)
                     :
                     : "memory");
    *path = n;
    return VALUE;
}

void hermetic_trap_checks(void)
{
    section = "trap";
    regs in = { 0x12345678, GP_OP_START, 0x11, 0x22, 0x33 };
    regs magic = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };

    EXPECT_TRUE("movz without MAGIC changes no register", regs_equal(trap_raw(in), in),
                in.magic);
    regs out = trap_raw(magic);
    EXPECT_EQ("movz START returns ~MAGIC", out.magic, ~(reg)GP_MAGIC);
    EXPECT_TRUE("movz START keeps a0..a3", regs_args_equal(out, magic), out.op);
    EXPECT_TRUE("movz $0, $0, $1 with MAGIC changes nothing",
                regs_equal(movz_rt1_raw(magic), magic), magic.magic);
    EXPECT_TRUE("movz $0, $1, $0 with MAGIC changes nothing",
                regs_equal(movz_rs1_raw(magic), magic), magic.magic);
    EXPECT_TRUE("movn $0, $0, $0 with MAGIC changes nothing",
                regs_equal(movn_raw(magic), magic), magic.magic);
    EXPECT_EQ("instructions around the movz trap run exactly once", count_around(), 3);
    reg path = 0;
    out = in_delay_slot(magic, &path);
    EXPECT_EQ("movz START in a branch delay slot returns ~MAGIC", out.magic, ~(reg)GP_MAGIC);
    EXPECT_EQ("... and the branch is taken", path, 1);
    path = 0;
    out = in_delay_slot(in, &path);
    EXPECT_TRUE("movz without MAGIC in a delay slot changes no register", regs_equal(out, in),
                out.magic);
}

/* ---- memory ---- */

const hermetic_memory hermetic_memory_map = {
    /* The end of the image's slot: the next page has PTE 0. */
    .hole = MIPS_HOLE,
    .hole_in_page_tables = true,
    .unmapped = MIPS_UNMAPPED,
    .unmapped_what = "1 GiB (a pgd slot on the invalid PTE table)",
    .big_buffer = MIPS_BIG_BUFFER,
    .ram_end = MIPS_RAM_END,
};

extern char __user_start[]; /* mips.ld */

/* One kernel stage's four results (mips_boot_record): before the core may
 * know the tables, or after. */
static void stage_checks(const char *when, const reg *results, bool known)
{
    static char what[160];
    EXPECT_EQ(join(what, sizeof what, when, ": START -> ~MAGIC", NULL), results[0],
              ~(reg)GP_MAGIC);
    if (!known) {
        EXPECT_EQ(join(what, sizeof what, when, ": GET_MANAGER -> -1 (no address space)", NULL),
                  results[1], ERR(GP_ERR_NOT_FOUND));
        EXPECT_EQ(join(what, sizeof what, when, ": GET_CHANNEL_BY_NAME -> -2", NULL),
                  results[2], ERR(GP_ERR_BAD_ADDRESS));
        EXPECT_EQ(join(what, sizeof what, when, ": ERROR -> -2", NULL), results[3],
                  ERR(GP_ERR_BAD_ADDRESS));
    } else {
        EXPECT_TRUE(join(what, sizeof what, when, ": GET_MANAGER -> a channel id", NULL),
                    (long)results[1] > 0, results[1]);
        EXPECT_EQ(join(what, sizeof what, when, ": GET_CHANNEL_BY_NAME echo -> echo's id", NULL),
                  results[2], lookup(ours_hypercall, "echo"));
        EXPECT_EQ(join(what, sizeof what, when, ": ERROR -> 0", NULL), results[3], 0);
    }
}

void hermetic_arch_memory_setup(void)
{
    const mips_boot_record *k = &mips_boot;
    section = "kernel";
    info("CP0 Status as malta started the program", k->status_at_entry);
    EXPECT_EQ("START at boot -> ~MAGIC", k->host, ~(reg)GP_MAGIC);
    stage_checks("pgd_current 0, no refill handler ran", k->no_tables, false);
    stage_checks("tables and pgd_current ready, no refill handler ran", k->no_refill, false);
    stage_checks("after a decoy handler (last 3 words jr ra; nop) at a page of its own",
                 k->after_decoy, false);
    stage_checks("after the refill handler ran once", k->after_refill, true);
    reg echo = lookup(ours_hypercall, "echo");
    EXPECT_EQ("kernel mode: GET_CHANNEL_BY_NAME with the name at its KSEG0 alias -> -2",
              k->kseg0_name, ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("pgd_current on an empty pgd: GET_CHANNEL_BY_NAME -> -2", k->other_pgd_name,
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("pgd_current back: GET_CHANNEL_BY_NAME -> echo's id", k->restored_name, echo);
    put_str("hermetic: " ARCH " user mode: kuseg through the kernel's page tables\n");
}

static bool page_holds(reg page, uint8_t byte)
{
    const volatile uint8_t *bytes = AT(page);
    for (unsigned i = 0; i < 4096; i++) {
        if (bytes[i] != byte) {
            return false;
        }
    }
    return true;
}

void hermetic_arch_memory_checks(void)
{
    section = "tlb";
    hypercall_fn hc = ours_hypercall;
    reg echo = lookup(hc, "echo");
    const char *message = "kept across refusals";
    size_t length = strlen(message);
    uint8_t code[8];
    memcpy(code, __user_start, sizeof code);
    memset(buffer, 'x', 64);

    EXPECT_EQ("WRITE echo the message", send_text(hc, echo, message), length);
    EXPECT_EQ("READ into the program's code (read-only: D = 0) -> -2",
              receive(hc, echo, __user_start, 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_TRUE("... which kept its bytes", memcmp(code, __user_start, sizeof code) == 0, 0);
    EXPECT_EQ("READ into a read-only page (V, not D) -> -2",
              receive(hc, echo, AT(MIPS_PAGE_READ_ONLY), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into a page with D and a frame but not V -> -2",
              receive(hc, echo, AT(MIPS_PAGE_INVALID), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ from a writable page on into a read-only one -> -2",
              receive(hc, echo, AT(MIPS_PAGE_AFTER_RW - 4), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into KSEG0 (the buffer's own frame) -> -2",
              receive(hc, echo, AT((reg)buffer | MIPS_KSEG0), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into KSEG1 (the buffer's own frame) -> -2",
              receive(hc, echo, AT((reg)buffer | MIPS_KSEG1), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into KSEG2 (0xc0000000) -> -2", receive(hc, echo, AT(MIPS_KSEG2), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into 0xfffff000 -> -2", receive(hc, echo, AT(0xfffff000), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ straddling the last kuseg page into KSEG0 -> -2",
              receive(hc, echo, AT(0x7ffffffc), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_TRUE("the refused READs wrote nothing",
                page_holds(MIPS_PAGE_READ_ONLY, 0xa0) && page_holds(MIPS_PAGE_BEFORE_RO, 0xa3) &&
                    page_holds(MIPS_PAGE_AFTER_RW, 0xa4) && page_holds(MIPS_LAST_USER_PAGE, 0xee) &&
                    buffer[0] == 'x' && buffer[63] == 'x',
                0);
    EXPECT_EQ("then READ into a writable page -> the whole message",
              receive(hc, echo, AT(MIPS_PAGE_WRITABLE), 64), length);
    EXPECT_TRUE("... the same bytes", memcmp(AT(MIPS_PAGE_WRITABLE), message, length) == 0, 0);

    EXPECT_EQ("WRITE from a read-only page -> 4", send(hc, echo, AT(MIPS_PAGE_READ_ONLY), 4), 4);
    EXPECT_EQ("READ it back -> 4", receive(hc, echo, buffer, 64), 4);
    EXPECT_TRUE("... its bytes", page_holds(MIPS_PAGE_READ_ONLY, 0xa0) && buffer[0] == '\xa0', 0);
    EXPECT_EQ("WRITE from the page without V -> -2", send(hc, echo, AT(MIPS_PAGE_INVALID), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from KSEG0 (the buffer's own frame) -> -2",
              send(hc, echo, AT((reg)buffer | MIPS_KSEG0), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from the kernel's page tables' frames (KSEG0 0x80100000) -> -2",
              send(hc, echo, AT(0x80100000), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name at its KSEG0 alias -> -2",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg)mips_echo_name | MIPS_KSEG0, 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("ERROR with its text in KSEG0 -> -2",
              hc(GP_OP_ERROR, echo, (reg)mips_error_text | MIPS_KSEG0, 8),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from the last 8 bytes of kuseg -> 8", send(hc, echo, AT(0x7ffffff8), 8), 8);
    EXPECT_EQ("READ it back into the last 8 bytes of kuseg -> 8",
              receive(hc, echo, AT(0x7ffffff8), 8), 8);
    EXPECT_TRUE("... which hold what they held", page_holds(MIPS_LAST_USER_PAGE, 0xee), 0);
    EXPECT_EQ("echo is empty at the end", receive(hc, echo, buffer, 64), 0);
}
