/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The part of a gp_syscall_abi that the guest's own kernel headers give:
 * numbers and flag values, as core/arch/guest_abi.in evaluates them for
 * one architecture into $(BUILD)/core/arch/abi_ARCH.h. An architecture's
 * file includes its abi_ARCH.h, then this, and puts GP_ABI_FROM_HEADERS in
 * its gp_syscall_abi.
 */
#ifndef GP_CORE_ARCH_GUEST_ABI_H
#define GP_CORE_ARCH_GUEST_ABI_H

#define GP_ABI_FROM_HEADERS                                                                  \
    .numbers = {                                                                             \
        .getpid = GP_ABI_nr_getpid, .getuid = GP_ABI_nr_getuid, .mmap = GP_ABI_nr_mmap,      \
        .munmap = GP_ABI_nr_munmap, .prctl = GP_ABI_nr_prctl,                                \
        .memfd_create = GP_ABI_nr_memfd_create, .openat = GP_ABI_nr_openat,                  \
        .fchmod = GP_ABI_nr_fchmod, .unlinkat = GP_ABI_nr_unlinkat, .write = GP_ABI_nr_write, \
        .close = GP_ABI_nr_close, .vfork = GP_ABI_nr_vfork, .setsid = GP_ABI_nr_setsid,      \
        .execve = GP_ABI_nr_execve, .execveat = GP_ABI_nr_execveat,                          \
        .faccessat = GP_ABI_nr_faccessat, .exit_group = GP_ABI_nr_exit_group,                \
    },                                                                                       \
    .vfork_clone_flags = GP_ABI_vfork_clone_flags,                                           \
    .prot_read_write = GP_ABI_prot_read_write,                                               \
    .map_private_anonymous = GP_ABI_map_private_anonymous,                                   \
    .open_create_exclusive = GP_ABI_open_create_exclusive,                                   \
    .at_fdcwd = GP_ABI_at_fdcwd,                                                             \
    .at_empty_path = GP_ABI_at_empty_path,                                                   \
    .pr_get_name = GP_ABI_pr_get_name,                                                       \
    .pr_get_seccomp = GP_ABI_pr_get_seccomp,                                                 \
    .eexist = GP_ABI_eexist

#endif
