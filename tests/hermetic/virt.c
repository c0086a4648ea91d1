/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the arm and aarch64 programs share (virt.h): the virt machine's
 * console (hermetic_arch_putc of hermetic_arch.h), its PL011 UART, which the
 * bash test captures with -serial file:; and the trap checks
 * (hermetic_trap_checks), the same on both with the probes, encodings and
 * names of the arch file's virt_arch_traps, including the UNDEFINED
 * exceptions they cause on purpose.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hermetic_arch.h"
#include "virt.h"

/* ---- console ---- */

static volatile uint32_t *uart_register(unsigned offset)
{
    return (volatile uint32_t *)(uintptr_t)(VIRT_UART + offset);
}

void hermetic_arch_putc(char c)
{
    static int enabled;
    if (!enabled) {
        /* QEMU's PL011 sends even while disabled, but logs a guest error
         * for every byte: enable it as firmware would. */
        *uart_register(PL011_CR) = PL011_CR_ENABLE;
        enabled = 1;
    }
    /* Bounded: a stuck FIFO must not hang the program (the bash test's
     * timeout would say less than a missing line does). */
    for (unsigned spins = 0; (*uart_register(PL011_FR) & PL011_FR_TXFF) && spins < 1000000;
         spins++) {
    }
    *uart_register(PL011_DR) = (uint8_t)c;
}

/* ---- exceptions ---- */

/* Set just before an instruction that must be UNDEFINED; the arch's
 * handler clears it, counts, and notes which instruction it was. Volatile:
 * the handler changes them behind the probe's back. */
static volatile bool undefined_expected;
static volatile unsigned undefined_count;
static volatile uint32_t undefined_word;

bool virt_undefined_expected(void)
{
    return undefined_expected;
}

void virt_undefined_taken(uint32_t word)
{
    undefined_expected = false;
    undefined_count++;
    undefined_word = word;
}

reg virt_unexpected_exception(unsigned kind, const virt_value *values, size_t count,
                              const reg *frame)
{
    put_str("FAIL " ARCH " ");
    put_str(section);
    put_str(": unexpected exception, vector ");
    put_dec(kind);
    for (size_t i = 0; i < count; i++) {
        put_str(" ");
        put_str(values[i].name);
        put_str(" ");
        put_hex(values[i].value);
    }
    put_str(" ");
    put_str(virt_arch_probes.registers);
    put_str(" ");
    for (int i = 0; i < 5; i++) {
        put_hex(frame[i]);
        put_str(i < 4 ? " " : "\n");
    }
    return HERMETIC_EXIT_EXCEPTION;
}

/* PROBE on IN, expected to be UNDEFINED once: the registers after it, and
 * whether exactly one UNDEFINED exception was taken at WORD. */
static regs undefined_once(regs (*probe)(regs), regs in, uint32_t word, bool *once)
{
    unsigned before = undefined_count;
    undefined_expected = true;
    regs out = probe(in);
    *once = !undefined_expected && undefined_count == before + 1 && undefined_word == word;
    undefined_expected = false;
    return out;
}

/* ---- the probes ---- */

regs hermetic_panda_trap(regs in)
{
    return virt_arch_probes.panda(in);
}

/* A check line's text: the PARTS up to a NULL, joined. One buffer: each
 * line is printed before the next one is made. */
static const char *line(const char *const *parts)
{
    static char text[160];
    size_t n = 0;
    for (; *parts; parts++) {
        for (const char *s = *parts; *s && n + 1 < sizeof text; s++) {
            text[n++] = *s;
        }
    }
    text[n] = 0;
    return text;
}
#define LINE(...) line((const char *const[]){ __VA_ARGS__, NULL })

void hermetic_trap_checks(void)
{
    const virt_probes *p = &virt_arch_probes;
    const virt_traps *t = &virt_arch_traps;
    const char *ours = hermetic_ours_name, *panda = hermetic_panda_name;
    section = "trap";
    regs in = { 0x12345678, GP_OP_START, 0x11, 0x22, 0x33 };
    regs magic = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    /* MAGIC is compared at full width: junk in the upper half is no MAGIC
     * (BIT_32 is 0 with 32-bit registers, where the checks do not run). */
    regs wide = { BIT_32 | GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    bool once;

    /* Ours without MAGIC is the move it is: nothing changes. */
    EXPECT_TRUE(LINE(ours, " without MAGIC changes no register"), regs_equal(p->ours(in), in),
                in.magic);
    if (BIT_32) {
        EXPECT_TRUE(LINE(ours, " with MAGIC only in ", t->magic_low_half, " changes nothing"),
                    regs_equal(p->ours(wide), wide), wide.magic);
    }
    /* Matching is by exact bytes: another encoding of the move is none. */
    EXPECT_TRUE(t->ours_near_miss_check, regs_equal(p->ours_near_miss(magic), magic),
                magic.magic);
    if (t->more_ours_checks) {
        t->more_ours_checks();
    }

    /* A hypercall changes only the result register. */
    regs out = p->ours(magic);
    EXPECT_EQ(LINE(ours, " START returns ~MAGIC"), out.magic, ~(reg)GP_MAGIC);
    EXPECT_TRUE(LINE(ours, " START keeps ", p->arguments), regs_args_equal(out, magic), out.op);

    /* PANDA's form: had the host not skipped it, it would have raised an
     * UNDEFINED exception, which ends the run. */
    out = p->panda(magic);
    EXPECT_EQ(LINE(panda, " START returns ~MAGIC"), out.magic, ~(reg)GP_MAGIC);
    EXPECT_TRUE(LINE(panda, " START keeps ", p->arguments, " (", panda, " skipped)"),
                regs_args_equal(out, magic), out.op);

    /* Without MAGIC it is what it is upstream: UNDEFINED. */
    out = undefined_once(p->panda, in, t->panda_word, &once);
    EXPECT_TRUE(LINE(panda, " without MAGIC is UNDEFINED (one exception, at the ", panda, ")"),
                once, undefined_count);
    EXPECT_TRUE("... and changes no register", regs_equal(out, in), out.magic);
    if (BIT_32) {
        undefined_once(p->panda, wide, t->panda_word, &once);
        EXPECT_TRUE(LINE(panda, " with MAGIC only in ", t->magic_low_half, " is UNDEFINED"),
                    once, undefined_count);
    }
    out = undefined_once(p->panda_near_miss, magic, t->panda_near_miss_word, &once);
    EXPECT_TRUE(t->panda_near_miss_check, once, undefined_count);
    EXPECT_TRUE("... and changes no register", regs_equal(out, magic), out.magic);

    EXPECT_EQ(LINE("instructions around the ", panda, " trap run exactly once"),
              p->count_around_panda(), 3);
    EXPECT_EQ(LINE("instructions around the ", ours, " trap run exactly once"),
              p->count_around_ours(), 3);

    info(LINE("N after the ", ours, " trap (all ones = kept)"), p->negative_after_ours());
    info(LINE("N after the ", panda, " trap (all ones = kept)"), p->negative_after_panda());
}
