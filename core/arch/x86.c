/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 and x86_64. Our trap is `nopl disp32(%rax)` (0f 1f 80 + disp32) with
 * GP_X86_NOP_DISP: a true no-op, so the host just writes eax/rax and the
 * guest falls through with its flags intact. PANDA's trap is `cpuid` with
 * MAGIC in eax; cpuid would overwrite eax..edx, so the host skips it.
 */
#include <asm/unistd_64.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <string.h>
#include <sys/mman.h>

#include "arch.h"
#include "guestplug/abi.h"
#include "x86_paging.h"

/* cpuid and syscall are 2 bytes, our nopl 7. */
#define X86_MATCHED_SIZES ((UINT32_C(1) << 2) | (UINT32_C(1) << 7))

static gp_trap_kind x86_match_trap(const uint8_t *bytes, size_t length, uint64_t vaddr,
                                   uint64_t *resume_pc)
{
    static const uint8_t nop[7] = { 0x0f, 0x1f, 0x80,
                                    (uint8_t)GP_X86_NOP_DISP,
                                    (uint8_t)(GP_X86_NOP_DISP >> 8),
                                    (uint8_t)(GP_X86_NOP_DISP >> 16),
                                    (uint8_t)(GP_X86_NOP_DISP >> 24) };

    if (length == sizeof nop && memcmp(bytes, nop, sizeof nop) == 0) {
        return GP_TRAP_OURS;
    }
    if (length == 2 && bytes[0] == 0x0f && bytes[1] == 0xa2) {
        *resume_pc = vaddr + 2;
        return GP_TRAP_PANDA;
    }
    return GP_TRAP_NONE;
}

static bool x86_64_match_syscall(const uint8_t *bytes, size_t length)
{
    return length == 2 && bytes[0] == 0x0f && bytes[1] == 0x05; /* syscall */
}

/* The requested privilege level of cs is the CPL: 3 is user mode. */
static bool x86_is_user_mode(uint64_t cs)
{
    return (cs & 3) == 3;
}

/* The host is x86_64 Linux too, so its headers hold the guest's numbers. */
static const gp_syscall_abi x86_64_syscall = {
    .match_syscall = x86_64_match_syscall,
    .syscall_bytes = { 0x0f, 0x05 },
    .syscall_length = 2,
    .syscall_alignment = 1,
    .number_register = "rax",
    .argument_registers = { "rdi", "rsi", "rdx", "r10", "r8", "r9" },
    .result_register = "rax",
    .stack_register = "rsp",
    /* syscall puts the return address in rcx and rflags in r11 */
    .clobbered_registers = { "rcx", "r11" },
    .mode_register = "cs",
    .is_user_mode = x86_is_user_mode,
    .pointer_bytes = 8,
    .numbers = {
        .getpid = __NR_getpid, .getuid = __NR_getuid, .mmap = __NR_mmap, .munmap = __NR_munmap,
        .prctl = __NR_prctl, .memfd_create = __NR_memfd_create, .openat = __NR_openat,
        .fchmod = __NR_fchmod, .unlinkat = __NR_unlinkat, .write = __NR_write, .close = __NR_close,
        .vfork = __NR_vfork, .setsid = __NR_setsid, .execve = __NR_execve,
        .execveat = __NR_execveat, .faccessat = __NR_faccessat, .exit_group = __NR_exit_group,
    },
    .prot_read_write = PROT_READ | PROT_WRITE,
    .map_private_anonymous = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
    .open_create_exclusive = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
    .at_fdcwd = AT_FDCWD,
    .at_empty_path = AT_EMPTY_PATH,
    .pr_get_name = PR_GET_NAME,
    .pr_get_seccomp = PR_GET_SECCOMP,
    .eexist = EEXIST,
};

const gp_arch gp_arch_x86_64 = {
    .target = "x86_64",
    .register_bytes = 8,
    .pc_register = "rip",
    .hypercall_registers = { "rax", "rbx", "rcx", "rdx", "rdi" },
    .match_trap = x86_match_trap,
    .matched_sizes = X86_MATCHED_SIZES,
    .syscall = &x86_64_syscall,
    .paging = &gp_x86_user_paging,
};

const gp_arch gp_arch_i386 = {
    .target = "i386",
    .register_bytes = 4,
    .pc_register = "eip",
    .hypercall_registers = { "eax", "ebx", "ecx", "edx", "edi" },
    .match_trap = x86_match_trap,
    .matched_sizes = X86_MATCHED_SIZES,
    .paging = &gp_x86_user_paging,
};
