/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIPS family: the trap, the registers and the tests mips_o32.c and
 * mips_n64.c share. Every instruction is one 4-byte word (MIPS16 and
 * microMIPS code, whose PC the gdbstub reports odd, is neither matched nor
 * taken over), stored in the guest's byte order:
 *
 *   ours and PANDA's   movz $0, $0, $0   0000000a: writes to $zero are
 *                                        discarded, so it is a no-op; the
 *                                        host writes v0 and execution falls
 *                                        through (GP_TRAP_OURS for both)
 *   syscall            0000000c          (the number is in v0)
 *
 * QEMU has no GDB register description for MIPS, so
 * qemu_plugin_get_registers() lists nothing. Its handles are
 * (GDB number + 1) << 1 (plugins/api.c on 11.1), and target/mips/gdbstub.c
 * numbers the registers 0-31 GPRs, 32 status, 33 lo, 34 hi, 35 badvaddr,
 * 36 cause, 37 pc (which reads the block start, as elsewhere), 38-69 FPRs,
 * 70 fcsr, 71 fir, 72 the last; 73 reads nothing. That encoding is QEMU's
 * internal business, so core/registers.c checks it before any use.
 */
#include "mips.h"

#include "page_table.h"


static void *forged_handle(unsigned gdb_number)
{
    return (void *)(uintptr_t)((gdb_number + 1u) << 1);
}

static const gp_named_register named[] = {
    { "zero", 0, false }, { "at", 1, false }, { "v0", 2, false }, { "v1", 3, false },
    { "a0", 4, false }, { "a1", 5, false }, { "a2", 6, false }, { "a3", 7, false },
    { "r8", 8, false }, { "r9", 9, false }, { "r10", 10, false }, { "r11", 11, false },
    { "r12", 12, false }, { "r13", 13, false }, { "r14", 14, false }, { "r15", 15, false },
    { "s0", 16, false }, { "s1", 17, false }, { "s2", 18, false }, { "s3", 19, false },
    { "s4", 20, false }, { "s5", 21, false }, { "s6", 22, false }, { "s7", 23, false },
    { "t8", 24, false }, { "t9", 25, false }, { "k0", 26, false }, { "k1", 27, false },
    { "gp", 28, false }, { "sp", 29, false }, { "s8", 30, false }, { "ra", 31, false },
    { "sr", 32, false }, { "lo", 33, false }, { "hi", 34, false }, { "badvaddr", 35, false },
    { "cause", 36, false },
    /* Writing the PC through the register API aborts QEMU: set_pc does it. */
    { "pc", 37, true },
};

/* The general-purpose registers are named[]'s first 32, in order. */
const char *gp_mips_gpr_name(unsigned n)
{
    return n < 32 ? named[n].name : NULL;
}

#define FIRST_ABSENT 73

/* The vCPU's state at its init is no fixed point (a malta with a 64-bit
 * -kernel starts at the kernel's entry; with -loadvm mips64el already has
 * the snapshot's), so only what holds in every state is checked: the
 * register count and widths, $zero, and a write to lo reading back. */
const gp_forged_registers gp_mips_registers = {
    .list = named, .count = sizeof named / sizeof named[0], .handle = forged_handle,
    .first_absent = FIRST_ABSENT,
    .zero = "zero",
    .probe = "lo",
};

static gp_trap_kind match_trap(const uint8_t *bytes, size_t length, bool big_endian)
{
    return length == 4 && gp_mips_word(bytes, big_endian) == GP_MIPS_TRAP_WORD ? GP_TRAP_OURS
                                                                                : GP_TRAP_NONE;
}

gp_trap_kind gp_mips_match_trap_le(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc)
{
    (void)vaddr;
    (void)resume_pc;
    return match_trap(bytes, length, false);
}

gp_trap_kind gp_mips_match_trap_be(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc)
{
    (void)vaddr;
    (void)resume_pc;
    return match_trap(bytes, length, true);
}

/*
 * Does WORD have a delay slot? Every jump and branch of MIPS I to R5: the
 * SPECIAL jr and jalr, the REGIMM branches (rt 0-3 and 16-19), j, jal,
 * jalx, beq to bgtz and their "likely" forms, and the coprocessor branches
 * (rs 8, and cop1's 9, 10 and 13). Saying yes to an instruction that is no
 * branch only costs a site.
 */
static bool has_delay_slot(uint32_t word)
{
    unsigned opcode = word >> 26, rs = (word >> 21) & 31, rt = (word >> 16) & 31;
    switch (opcode) {
    case 0:
        return (word & 0x3f) == 8 || (word & 0x3f) == 9;
    case 1:
        return (rt & 0x0c) == 0;
    case 2: case 3: case 4: case 5: case 6: case 7: case 20: case 21: case 22: case 23: case 29:
        return true;
    case 16: case 17: case 18: case 19:
        return rs == 8 || (opcode == 17 && (rs == 9 || rs == 10 || rs == 13));
    default:
        return false;
    }
}

bool gp_mips_in_delay_slot_le(const uint8_t *previous)
{
    return has_delay_slot(gp_mips_word(previous, false));
}

bool gp_mips_in_delay_slot_be(const uint8_t *previous)
{
    return has_delay_slot(gp_mips_word(previous, true));
}

/* Status: KSU (bits 4:3) is 2 in user mode, and neither EXL (bit 1) nor
 * ERL (bit 2), which force kernel mode, is set. */
bool gp_mips_is_user_mode(uint64_t status)
{
    return ((status >> 3) & 3) == 2 && (status & 0x6) == 0;
}

bool gp_mips_matches_template(const uint8_t *bytes, size_t length, bool big_endian,
                              const gp_mips_template_word *template, size_t count)
{
    if (length < count * 4) {
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if ((gp_mips_word(bytes + 4 * i, big_endian) & template[i].mask) != template[i].value) {
            return false;
        }
    }
    return true;
}

bool gp_mips_read_entry(const gp_physical_memory *memory, uint64_t table, uint64_t index,
                        unsigned entry_bytes, bool big_endian, uint64_t *entry)
{
    uint8_t bytes[8];
    if (!memory->read(memory->context, table + index * entry_bytes, bytes, entry_bytes)) {
        return false;
    }
    *entry = gp_page_table_entry(bytes, 0, entry_bytes, big_endian);
    return true;
}

#define PAGE_BYTES UINT64_C(4096)
#define ENTRYLO_VALID 2u
#define ENTRYLO_DIRTY 4u
#define ENTRYLO_PFN_SHIFT 6
#define PFN_MASK ((UINT64_C(1) << 36) - 1)

bool gp_mips_translate_user(const uint64_t *registers, const gp_physical_memory *memory,
                            uint64_t vaddr, uint64_t length, gp_access access,
                            gp_physical_extent_fn extent, void *context, uint64_t user_limit,
                            unsigned entrylo_shift, gp_mips_pte_lookup lookup)
{
    if (vaddr >= user_limit || length > user_limit - vaddr) {
        return false;
    }
    uint64_t at = vaddr, left = length;
    while (left > 0) {
        uint64_t pte;
        if (!lookup(registers, memory, at, &pte)) {
            return false;
        }
        uint64_t entrylo = pte >> entrylo_shift;
        unsigned needed = ENTRYLO_VALID | (access == GP_ACCESS_WRITE ? ENTRYLO_DIRTY : 0);
        if ((entrylo & needed) != needed) {
            return false;
        }
        uint64_t frame = ((entrylo >> ENTRYLO_PFN_SHIFT) & PFN_MASK) * PAGE_BYTES;
        if (!gp_page_table_emit(extent, context, frame, PAGE_BYTES, &at, &left)) {
            return false;
        }
    }
    return true;
}
