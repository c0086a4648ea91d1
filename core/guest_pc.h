/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the guest runs, in callbacks.
 *
 * QEMU translates x86 (and arm) code position-independently (CF_PCREL):
 * one translated block serves every virtual address its physical code is
 * mapped at, as a shared library's is, at a different address in each
 * process. So an address captured at translation time
 * (qemu_plugin_insn_vaddr, qemu_plugin_tb_vaddr) is only where the first
 * process to run the code had it, and steering another process there
 * sends it to an unmapped page (a SIGSEGV, with error 0x14). What is the
 * same for every process is an instruction's offset from the start of its
 * block; the start of the running block is what the PC register reads
 * inside the block's callbacks (at its entry exactly, and still in a
 * mid-block callback, where it is not updated per instruction).
 */
#ifndef GP_CORE_GUEST_PC_H
#define GP_CORE_GUEST_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* Looks up the PC register; at vCPU init, after gp_registers_load. False
 * if QEMU has none (then nothing may use gp_guest_pc_block_start). */
bool gp_guest_pc_init(const gp_arch *arch);

/* In a callback with register access: the start of the running block. */
uint64_t gp_guest_pc_block_start(void);

#endif
