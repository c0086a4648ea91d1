/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trap.h"

#include "guest_memory.h"
#include "guest_pc.h"
#include "guestplug/abi.h"
#include "log.h"
#include "registers.h"

enum { REG_MAGIC, REG_OP, REG_CHANNEL, REG_ARG1, REG_ARG2, REG_COUNT };

static struct {
    const gp_arch *arch;
    gp_channel_table *table;
    gp_hypercall_limits limits;
    gp_register registers[REG_COUNT];
    bool registers_ok;
    /* The register that says which instruction set runs, where a PANDA
     * trap's bytes can also be an instruction of another (arch.h). */
    gp_register instruction_set;
    bool check_instruction_set, instruction_set_found;
} trap;

static uint64_t read_register(int which)
{
    return gp_register_read(&trap.registers[which]);
}

/* Does the vCPU run the instruction set a PANDA trap resuming at
 * RESUME_OFFSET was matched for? Bit 0 of a resume pc is that set's bit in
 * qemu_plugin_set_pc's terms (block starts are even, so offsets keep it). */
static bool in_trap_instruction_set(uint64_t resume_offset)
{
    uint64_t mode;
    if (!trap.instruction_set_found || !gp_register_try_read(&trap.instruction_set, &mode)) {
        return false;
    }
    return ((mode & trap.arch->instruction_set_flag) != 0) == ((resume_offset & 1) != 0);
}

static void on_trap(unsigned int vcpu_index, void *userdata)
{
    uint64_t resume_offset = (uint64_t)(uintptr_t)userdata; /* in the block; 0: ours */

    if (!trap.registers_ok || read_register(REG_MAGIC) != GP_MAGIC ||
        (resume_offset && trap.check_instruction_set && !in_trap_instruction_set(resume_offset))) {
        return; /* not a hypercall: the instruction runs as what it is */
    }
    gp_hypercall call = {
        .op = read_register(REG_OP),
        .channel = read_register(REG_CHANNEL),
        .arg1 = read_register(REG_ARG1),
        .arg2 = read_register(REG_ARG2),
    };
    /* Guest memory as this process's page tables have it now. */
    gp_guest_memory_enter(vcpu_index);
    gp_guest_view view = GP_GUEST_VIEW_INIT;
    gp_guest_memory memory = gp_guest_memory_of(&view);
    uint64_t result = gp_hypercall_dispatch(trap.table, &trap.limits, &call, &memory,
                                            trap.arch->register_bytes);
    gp_register_write(&trap.registers[REG_MAGIC], result);
    if (resume_offset) {
        qemu_plugin_set_pc(gp_guest_pc_block_start() + resume_offset); /* does not return */
    }
}

void gp_trap_translate_insn(struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t size,
                            uint64_t offset)
{
    uint64_t resume_offset = 0;
    gp_trap_kind kind = trap.arch->match_trap(bytes, size, offset, &resume_offset);
    if (kind != GP_TRAP_NONE) {
        qemu_plugin_register_vcpu_insn_exec_cb(
            insn, on_trap, QEMU_PLUGIN_CB_RW_REGS_PC,
            (void *)(uintptr_t)(kind == GP_TRAP_PANDA ? resume_offset : 0));
    }
}

/* Looks up the hypercall registers once QEMU's register list is loaded. */
void gp_trap_vcpu_init(void)
{
    static gsize done;
    if (!g_once_init_enter(&done)) {
        return;
    }
    int found = 0;
    for (int which = 0; which < REG_COUNT; which++) {
        found += gp_register_find(trap.arch->hypercall_registers[which],
                                  trap.arch->register_bytes, trap.arch->big_endian,
                                  &trap.registers[which]);
    }
    trap.registers_ok = found == REG_COUNT;
    if (!trap.registers_ok) {
        gp_log("QEMU exposes only %d of the 5 hypercall registers of %s; hypercalls are "
               "disabled (is this QEMU 11.1?)", found, trap.arch->target);
    }
    const char *set_register = trap.arch->instruction_set_register;
    if (set_register) {
        /* Without it no PANDA trap is taken (the check fails), rather
         * than one taken from the bytes of another instruction set. */
        trap.check_instruction_set = true;
        trap.instruction_set_found =
            gp_register_find(set_register, 8, trap.arch->big_endian, &trap.instruction_set);
        if (!trap.instruction_set_found) {
            gp_log("QEMU exposes no %s register on %s: PANDA-style hypercalls are ignored",
                   set_register, trap.arch->target);
        }
    }
    g_once_init_leave(&done, 1);
}

void gp_trap_init(const gp_arch *arch, gp_channel_table *table,
                  const gp_hypercall_limits *limits)
{
    trap.arch = arch;
    trap.table = table;
    trap.limits = *limits;
}
