/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Long-descriptor table walk, 4 KiB granule, for an unprivileged access.
 * The format is the one of the Arm ARM for A-profile (DDI 0487, issue A
 * numbering) D4.3 "VMSAv8-64 translation table format descriptors" and of
 * the ARMv7-A ARM (DDI 0406C) B3.6 "Long-descriptor translation table
 * format"; the permission rules are D4.4 "Access controls and memory
 * region attributes" and B3.7 "Memory access control".
 *
 *   bits[1:0]  0b01 at level 1 or 2: a block (1 GiB, 2 MiB); 0b11 above
 *              level 3: a table, at level 3: a 4 KiB page; bit 0 clear, or
 *              0b01 at level 0 or 3: a translation fault
 *   table      next-level table address [47:12]; PXNTable 59, UXNTable
 *              (XNTable on arm) 60, APTable 62:61: bit 61 takes EL0 access
 *              away below, bit 62 write access
 *   block/page output address [47:12] (down to the block's size); AP[2:1]
 *              at 7:6 (AP[1] = EL0 may access, AP[2] = read-only), AF 10,
 *              PXN 53, UXN (XN) 54
 *
 * What an EL0 access needs:
 *   read       AP[1] set, no APTable[0] on the way
 *   write      also AP[2] clear, no APTable[1] on the way
 *   fetch      UXN clear and no UXNTable on the way; on AArch32 also read
 *              permission (B3.7.2 "Execute-never restrictions on
 *              instruction fetching"); with SCTLR.WXN, no EL0 write
 *              permission. AArch64 EL0 may execute what it cannot read.
 *   all        the Access flag set. Without hardware management of it
 *              (TCR_EL1.HA, which neither a cortex-a57 nor a cortex-a15
 *              has) AF = 0 is an Access flag fault that the kernel takes to
 *              age pages; with it, the CPU would set AF atomically, which a
 *              plugin cannot do against the guest kernel, so AF = 0 is
 *              refused either way. The guest library touches its buffers
 *              before a hypercall, which sets AF.
 *
 * Writes need AP[2] clear, which is also the x86 walk's dirty rule
 * (x86_paging.c): Linux keeps a clean writable page read-only (AP[2] = 1;
 * the software write permission lives in bit 51, DBM) until the write
 * fault that marks it dirty, or until the hardware clears AP[2] itself
 * with TCR_EL1.HD. A page with AP[2] = 0 is dirty, so writing it hides
 * nothing from the kernel; a clean one is refused, as copy-on-write pages,
 * the zero page and read-only mappings are.
 *
 * TCR_EL1.HPD0 (FEAT_HPDS) would make the CPU ignore the table bits; they
 * are honoured anyway, which is stricter, never looser (Linux does not set
 * it, and a cortex-a57 has no HPDS). Output addresses at or above the
 * regime's physical address size are Address size faults.
 *
 * As in x86_paging.c, the levels above the last are read once per
 * last-level table, and the entries a range needs from that table in one
 * physical read.
 */
#include "arm_long_descriptor.h"

#include "page_table.h"

#define DESCRIPTOR_VALID UINT64_C(1)
#define DESCRIPTOR_TABLE UINT64_C(2) /* or a page, at level 3 */
#define AP_EL0 (UINT64_C(1) << 6)       /* AP[1] */
#define AP_READ_ONLY (UINT64_C(1) << 7) /* AP[2] */
#define ACCESS_FLAG (UINT64_C(1) << 10)
#define UXN (UINT64_C(1) << 54)
#define UXN_TABLE (UINT64_C(1) << 60)
#define AP_TABLE_NO_EL0 (UINT64_C(1) << 61)
#define AP_TABLE_READ_ONLY (UINT64_C(1) << 62)
/* Output address bits [47:12]; below the block size they are RES0. */
#define OUTPUT_ADDRESS UINT64_C(0x0000fffffffff000)

#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
#define LAST_LEVEL 3
#define ENTRIES 512u
#define DESCRIPTOR_BYTES 8u

/* Address bits one entry of LEVEL covers: 39 at level 0, 12 at level 3. */
static unsigned level_shift(unsigned level)
{
    return PAGE_SHIFT + 9 * (LAST_LEVEL - level);
}

unsigned gp_long_descriptor_start_level(unsigned input_bits)
{
    /* Each level resolves 9 bits above the 12 of the page offset; the
     * start level takes what is left (D4.2 "The VMSAv8-64 address
     * translation system", B3.6.6 "Translation table walks,
     * Long-descriptor format"). */
    return 4 - (input_bits - 4) / 9;
}

uint64_t gp_long_descriptor_root(uint64_t ttbr_address, unsigned input_bits)
{
    unsigned index_bits = input_bits - level_shift(gp_long_descriptor_start_level(input_bits));
    uint64_t table_bytes = (uint64_t)DESCRIPTOR_BYTES << index_bits;
    return ttbr_address & ~(table_bytes - 1);
}

typedef struct walk {
    const gp_long_descriptor_regime *regime;
    const gp_physical_memory *memory;
    gp_access access;
    gp_physical_extent_fn extent;
    void *context;
} walk;

/* The table bits met on the way down, as the leaf sees them. */
typedef struct inherited {
    bool no_el0, read_only, no_execute;
} inherited;

static bool read_descriptors(const walk *w, uint64_t table, uint64_t index, uint64_t count,
                             uint8_t *bytes)
{
    return w->memory->read(w->memory->context, table + index * DESCRIPTOR_BYTES, bytes,
                           count * DESCRIPTOR_BYTES);
}

static bool fits_output(const walk *w, uint64_t address)
{
    return (address >> w->regime->output_bits) == 0;
}

/* Does the block or page DESCRIPTOR let this walk's EL0 access through? */
static bool leaf_allows(const walk *w, uint64_t descriptor, const inherited *above)
{
    bool el0_reads = (descriptor & AP_EL0) && !above->no_el0;
    bool el0_writes = el0_reads && !(descriptor & AP_READ_ONLY) && !above->read_only;

    if (!(descriptor & ACCESS_FLAG) || !fits_output(w, descriptor & OUTPUT_ADDRESS)) {
        return false;
    }
    switch (w->access) {
    case GP_ACCESS_READ:
        return el0_reads;
    case GP_ACCESS_WRITE:
        return el0_writes;
    case GP_ACCESS_EXECUTE:
        return !(descriptor & UXN) && !above->no_execute &&
               (!w->regime->fetch_needs_read || el0_reads) &&
               !(w->regime->writable_never_executes && el0_writes);
    }
    return false;
}

/* Translates the pages of [*AT, *AT + *LEFT) that share one last-level
 * table with *AT (or the one block *AT lies in). */
static bool walk_some(const walk *w, uint64_t *at, uint64_t *left)
{
    const gp_long_descriptor_regime *regime = w->regime;
    uint8_t bytes[ENTRIES * DESCRIPTOR_BYTES];
    uint64_t table = regime->root;
    inherited above = { false, false, false };

    for (unsigned level = regime->start_level; level < LAST_LEVEL; level++) {
        uint64_t index = (*at >> level_shift(level)) & (ENTRIES - 1);
        if (!read_descriptors(w, table, index, 1, bytes)) {
            return false;
        }
        uint64_t descriptor = gp_page_table_entry(bytes, 0, DESCRIPTOR_BYTES, regime->big_endian);
        if (!(descriptor & DESCRIPTOR_VALID)) {
            return false;
        }
        if (!(descriptor & DESCRIPTOR_TABLE)) {
            /* A block: 1 GiB at level 1, 2 MiB at level 2; at level 0 it
             * exists only with 52-bit addresses (FEAT_LPA2), not here. */
            uint64_t size = UINT64_C(1) << level_shift(level);
            return level > 0 && leaf_allows(w, descriptor, &above) &&
                   gp_page_table_emit(w->extent, w->context,
                                      descriptor & OUTPUT_ADDRESS & ~(size - 1), size, at, left);
        }
        above.no_el0 |= (descriptor & AP_TABLE_NO_EL0) != 0;
        above.read_only |= (descriptor & AP_TABLE_READ_ONLY) != 0;
        above.no_execute |= (descriptor & UXN_TABLE) != 0;
        table = descriptor & OUTPUT_ADDRESS;
        if (!fits_output(w, table)) {
            return false;
        }
    }

    /* Level 3: every descriptor the range needs from this table at once. */
    uint64_t first = (*at >> PAGE_SHIFT) & (ENTRIES - 1);
    uint64_t in_first_page = PAGE_SIZE - (*at & (PAGE_SIZE - 1));
    uint64_t pages =
        1 + (*left > in_first_page ? (*left - in_first_page + PAGE_SIZE - 1) / PAGE_SIZE : 0);
    uint64_t count = ENTRIES - first < pages ? ENTRIES - first : pages;
    if (!read_descriptors(w, table, first, count, bytes)) {
        return false;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t descriptor = gp_page_table_entry(bytes, i, DESCRIPTOR_BYTES, regime->big_endian);
        /* 0b01 at level 3 is reserved: a translation fault. */
        if ((descriptor & (DESCRIPTOR_VALID | DESCRIPTOR_TABLE)) !=
                (DESCRIPTOR_VALID | DESCRIPTOR_TABLE) ||
            !leaf_allows(w, descriptor, &above) ||
            !gp_page_table_emit(w->extent, w->context, descriptor & OUTPUT_ADDRESS, PAGE_SIZE,
                                at, left)) {
            return false;
        }
    }
    return true;
}

bool gp_long_descriptor_translate(const gp_long_descriptor_regime *regime,
                                  const gp_physical_memory *memory, uint64_t vaddr,
                                  uint64_t length, gp_access access,
                                  gp_physical_extent_fn extent, void *context)
{
    uint64_t last = vaddr + (length - 1);
    walk w = { .regime = regime, .memory = memory, .access = access, .extent = extent,
               .context = context };
    if (length == 0 || last < vaddr || regime->input_bits > 48 || regime->output_bits > 48 ||
        (last >> regime->input_bits) != 0 || regime->start_level > LAST_LEVEL ||
        !fits_output(&w, regime->root)) {
        return false;
    }
    uint64_t at = vaddr, left = length;
    while (left > 0) {
        if (!walk_some(&w, &at, &left)) {
            return false;
        }
    }
    return true;
}
