/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel of the MIPS hermetic program (mips.h), linked in KSEG0 with
 * mips_boot.S: it flushes the TLB, builds the user process's page tables
 * the way 32-bit Linux does (pgd_current[cpu] -> pgd -> PTE tables; empty
 * pgd slots on invalid_pte_table), and checks what the core makes of
 * hypercalls at each step, in kernel mode (the core does not look at the
 * privilege level of a trap; x86 and aarch64 make theirs at ring 0 and EL1
 * too):
 *
 *   no_tables     pgd_current 0, no refill handler ever ran
 *   no_refill     the tables and pgd_current ready, still no handler ran:
 *                 the core must not guess where they are
 *   after_decoy   a near copy of the handler ran at a page of its own
 *   after_refill  the real handler ran once (a kernel read of user memory
 *                 missed in the TLB): now the core knows pgd_current
 *
 * It cannot print through the user process's console yet, nor call its
 * code, so it leaves the results in mips_boot (user memory, through its
 * KSEG0 alias) for arch_mips.c to report. Only its own strings are here:
 * anything the user process reads is in the user image.
 */
#include <stdint.h>

#include "arch.h" /* gp_arch_hypercall */
#include "checks.h"
#include "guestplug/abi.h"
#include "mips.h"

#define PAGE 4096u
#define ENTRIES 1024u
#define RAM_FLAGS (ENTRYLO_CACHED | ENTRYLO_V | ENTRYLO_D)
#define RO_FLAGS (ENTRYLO_CACHED | ENTRYLO_V)

void mips_kernel_main(reg status);
reg mips_kernel_exception(reg cause, reg epc, reg badvaddr, reg status);
void mips_refill_decoy(void); /* mips_boot.S */

extern char __user_start[], __rw_start[], __bss_end[]; /* mips.ld */

/* The refill handler's (mips_boot.S): one CPU. */
uint32_t pgd_current[1];

static uint32_t pgd[ENTRIES] __attribute__((aligned(PAGE)));
static uint32_t empty_pgd[ENTRIES] __attribute__((aligned(PAGE)));
static uint32_t invalid_pte_table[ENTRIES] __attribute__((aligned(PAGE)));
/* Slots 1 (image), 2 (test pages), 4-8 (big buffer), the UART's, 511. */
#define TABLES 9
static uint32_t tables[TABLES][ENTRIES] __attribute__((aligned(PAGE)));
static unsigned tables_used;

static uint32_t kseg0(uintptr_t address)
{
    return (uint32_t)address | MIPS_KSEG0;
}

/* ---- console, through KSEG1 (for unexpected exceptions only) ---- */

static void kernel_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)(MIPS_KSEG1 | MIPS_UART);
    for (unsigned spins = 0; !(uart[UART_LSR] & UART_LSR_THRE) && spins < 1000000; spins++) {
    }
    uart[UART_THR] = (uint8_t)c;
}

static void kernel_puts(const char *s)
{
    while (*s) {
        kernel_putc(*s++);
    }
}

static void kernel_put_hex(reg value)
{
    kernel_puts(" 0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        kernel_putc("0123456789abcdef"[(value >> shift) & 15]);
    }
}

reg mips_kernel_exception(reg cause, reg epc, reg badvaddr, reg status)
{
    kernel_puts("FAIL " ARCH " kernel: unexpected exception, Cause");
    kernel_put_hex(cause);
    kernel_puts(" (ExcCode");
    kernel_put_hex((cause >> 2) & 31);
    kernel_puts(") EPC");
    kernel_put_hex(epc);
    kernel_puts(" BadVAddr");
    kernel_put_hex(badvaddr);
    kernel_puts(" Status");
    kernel_put_hex(status);
    kernel_puts("\n");
    return HERMETIC_EXIT_EXCEPTION;
}

/* ---- the TLB and the page tables ---- */

/* Every TLB entry invalid and on a distinct KSEG0 VPN2, which no lookup
 * matches (KSEG0 bypasses the TLB), as Linux's local_flush_tlb_all. */
static void tlb_flush(void)
{
    reg config1;
    __asm__ volatile("mfc0 %0, $16, 1" : "=r"(config1));
    unsigned entries = ((config1 >> 25) & 63) + 1;
    __asm__ volatile("mtc0 $0, $5\n\t" /* PageMask: 4 KiB */
                     "mtc0 $0, $6\n\t" /* Wired */
                     "mtc0 $0, $2\n\t" /* EntryLo0 */
                     "mtc0 $0, $3"     /* EntryLo1 */
                     ::: "memory");
    for (unsigned i = 0; i < entries; i++) {
        reg hi = MIPS_KSEG0 + (reg)i * 2 * PAGE;
        __asm__ volatile("mtc0 %0, $0\n\t"
                         "mtc0 %1, $10\n\t"
                         "ehb\n\t"
                         "tlbwi"
                         :
                         : "r"(i), "r"(hi)
                         : "memory");
    }
    /* ASID 0, and Context.PTEBase 0: the handler's cpu offset is 0. */
    __asm__ volatile("mtc0 $0, $10\n\t"
                     "mtc0 $0, $4\n\t"
                     "ehb" ::: "memory");
}

/* Maps the user page at VA onto physical PA with EntryLo bits FLAGS. */
static void map(uint32_t va, uint32_t pa, uint32_t flags)
{
    uint32_t *slot = &pgd[va >> 22];
    if (*slot == (uint32_t)(uintptr_t)invalid_pte_table) {
        if (tables_used == TABLES) {
            kernel_puts("FAIL " ARCH " kernel: out of PTE tables\n");
            return;
        }
        *slot = (uint32_t)(uintptr_t)tables[tables_used++];
    }
    ((uint32_t *)(uintptr_t)*slot)[(va >> 12) & (ENTRIES - 1)] = (pa & ~(PAGE - 1)) | flags << 6;
}

/* A user page's bytes, through its KSEG0 alias. */
static void fill(uint32_t va, uint8_t byte)
{
    volatile uint8_t *bytes = (volatile uint8_t *)(uintptr_t)kseg0(va);
    for (unsigned i = 0; i < PAGE; i++) {
        bytes[i] = byte;
    }
}

static void build_tables(void)
{
    for (unsigned i = 0; i < ENTRIES; i++) {
        pgd[i] = empty_pgd[i] = (uint32_t)(uintptr_t)invalid_pte_table;
    }
    /* The image: code and read-only data read-only, the rest of its slot
     * up to the hole writable. */
    for (uint32_t va = (uint32_t)(uintptr_t)__user_start; va < MIPS_HOLE; va += PAGE) {
        map(va, va, va < (uint32_t)(uintptr_t)__rw_start ? RO_FLAGS : RAM_FLAGS);
    }
    /* The hole's page has PTE 0 (its table is there: the test pages). */
    map(MIPS_PAGE_READ_ONLY, MIPS_PAGE_READ_ONLY, RO_FLAGS);
    map(MIPS_PAGE_INVALID, MIPS_PAGE_INVALID, ENTRYLO_CACHED | ENTRYLO_D);
    map(MIPS_PAGE_WRITABLE, MIPS_PAGE_WRITABLE, RAM_FLAGS);
    map(MIPS_PAGE_BEFORE_RO, MIPS_PAGE_BEFORE_RO, RAM_FLAGS);
    map(MIPS_PAGE_AFTER_RW, MIPS_PAGE_AFTER_RW, RO_FLAGS);
    for (unsigned page = 0; page < MIPS_TEST_PAGES; page++) {
        fill(MIPS_PAGE_READ_ONLY + page * PAGE, (uint8_t)(0xa0 + page));
    }
    for (unsigned page = 0; page < MIPS_BIG_PAGES; page++) {
        uint32_t va = MIPS_BIG_BUFFER + page * PAGE;
        map(va, va, RAM_FLAGS);
    }
    map(MIPS_UART_PAGE, MIPS_UART_PAGE, ENTRYLO_UNCACHED | ENTRYLO_V | ENTRYLO_D);
    map(MIPS_LAST_USER_PAGE, MIPS_LAST_FRAME, RAM_FLAGS);
    volatile uint8_t *last = (volatile uint8_t *)(uintptr_t)kseg0(MIPS_LAST_FRAME);
    for (unsigned i = 0; i < PAGE; i++) {
        last[i] = 0xee;
    }
}

/* ---- the kernel's checks ---- */

static reg *record_alias(reg *field)
{
    return (reg *)(uintptr_t)kseg0((uintptr_t)field);
}

static void stage(reg *results)
{
    reg out[MIPS_STAGE_CALLS] = {
        gp_arch_hypercall(GP_OP_START, 0, 0, 0),
        gp_arch_hypercall(GP_OP_GET_MANAGER, 0, 0, 0),
        gp_arch_hypercall(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg)mips_echo_name, 4),
        gp_arch_hypercall(GP_OP_ERROR, 0, (reg)mips_error_text,
                          sizeof MIPS_ERROR_TEXT - 1),
    };
    for (unsigned i = 0; i < MIPS_STAGE_CALLS; i++) {
        *record_alias(&results[i]) = out[i];
    }
}

static reg name_lookup(reg name)
{
    return gp_arch_hypercall(GP_OP_GET_CHANNEL_BY_NAME, 0, name, 4);
}

void mips_kernel_main(reg status)
{
    mips_boot_record *record = &mips_boot;
    *record_alias(&record->status_at_entry) = status;
    tlb_flush();
    reg host = gp_arch_hypercall(GP_OP_START, 0, 0, 0);
    *record_alias(&record->host) = host;
    bool checks = host != GP_MAGIC; /* no host: the user process says so */
    if (checks) {
        stage(record->no_tables);
    }
    build_tables();
    pgd_current[0] = (uint32_t)(uintptr_t)pgd;
    if (checks) {
        stage(record->no_refill);
        mips_refill_decoy();
        stage(record->after_decoy);
    }
    /* A kernel read of user memory: the TLB misses, the refill handler
     * runs (and QEMU translates its block, where the core finds it). */
    (void)*(volatile uint32_t *)(uintptr_t)__user_start;
    if (checks) {
        stage(record->after_refill);
        *record_alias(&record->kseg0_name) = name_lookup(kseg0((uintptr_t)mips_echo_name));
        pgd_current[0] = (uint32_t)(uintptr_t)empty_pgd;
        *record_alias(&record->other_pgd_name) = name_lookup((reg)mips_echo_name);
        pgd_current[0] = (uint32_t)(uintptr_t)pgd;
        *record_alias(&record->restored_name) = name_lookup((reg)mips_echo_name);
    }
}
