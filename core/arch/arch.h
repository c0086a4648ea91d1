/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between guest architectures, behind one small interface:
 * which instructions are hypercall traps, which registers carry the
 * hypercall, how a process makes system calls (for the injector) and how
 * its page tables are walked (so hypercalls touch only the memory the
 * calling process could). One file per architecture implements it (x86.c,
 * with x86_paging.c; arm.c and aarch64.c, with arm_paging.c and
 * aarch64_paging.c; mips.c with mips_o32.c, mips_n64.c and their page
 * walks); the rest of the core never asks which architecture it runs.
 */
#ifndef GP_CORE_ARCH_H
#define GP_CORE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum gp_trap_kind {
    GP_TRAP_NONE,
    GP_TRAP_OURS,  /* a no-op: results go to registers, execution falls through */
    GP_TRAP_PANDA, /* would fault or clobber registers: the host skips it */
} gp_trap_kind;

/* A system call instruction as it sits in a process's code. */
#define GP_CLOBBERED_REGISTERS 16

typedef struct gp_syscall_instruction {
    uint8_t bytes[4];
    unsigned length;    /* 0: no such instruction */
    unsigned alignment; /* of its address, to look for it in memory */
    /* ORed into its address for qemu_plugin_set_pc: the instruction set it
     * belongs to (arm: 1 for Thumb). */
    uint64_t pc_flag;
} gp_syscall_instruction;

/*
 * How a Linux process makes system calls on this architecture, for the
 * injector (core/inject.c). Numbers and flag values come from the kernel's
 * own headers for the guest ABI (core/arch/guest_abi.in), never from memory.
 */
typedef struct gp_syscall_abi {
    /* The system call instructions the chain of injected calls runs at: a
     * thread stopped at one is taken there; one taken over elsewhere is
     * steered to the nearest one in its own code. */
    gp_syscall_instruction sites[2];
    /* System call instructions after which the kernel does not return to
     * the next instruction (i386 sysenter: the vDSO's landing pad), so no
     * chain can run at them: a thread stopped at one is taken over, as an
     * idle one is, and gets back to it afterwards. */
    gp_syscall_instruction elsewhere[1];
    const char *number_register;
    /* The first arguments' registers; the rest (MIPS o32: the 5th and 6th)
     * are words of pointer_bytes on the stack, from stack_arguments_offset
     * above the stack pointer (o32: 16, past the a0-a3 home slots). */
    const char *argument_registers[6];
    unsigned stack_arguments_offset;
    const char *result_register;
    /* Where the result alone does not say "error" (MIPS: a3 is 1 and the
     * result is a positive errno): that register; NULL: -4095..-1 is an
     * error. */
    const char *error_flag_register;
    const char *stack_register;
    /* Registers the system call instruction itself overwrites besides the
     * result (x86_64: rcx and r11; MIPS: the temporaries, hi and lo). A
     * thread stopped at its own system call loses them anyway; one taken
     * over elsewhere gets them back. */
    const char *clobbered_registers[GP_CLOBBERED_REGISTERS];
    /* A system call instruction that executes as a branch's delay slot
     * (MIPS) cannot be run again on its own: given the 4 bytes before
     * one, does it sit in a delay slot? NULL: no delay slots. */
    bool (*in_delay_slot)(const uint8_t *previous);
    /* A thread is taken over only where its PC is a multiple of this (MIPS:
     * 4, leaving MIPS16 and microMIPS code, whose PCs are odd, alone); 0:
     * anywhere. */
    unsigned takeover_alignment;
    /* Which privilege level the vCPU runs at: a register and the test of
     * its value for user mode (x86: cs, RPL 3). */
    const char *mode_register;
    bool (*is_user_mode)(uint64_t mode_register_value);
    unsigned pointer_bytes;             /* of the guest ABI (argv entries) */
    struct gp_syscall_numbers {
        long getpid, getuid, mmap, munmap, prctl, memfd_create, openat, fchmod, unlinkat, write,
            close, vfork, setsid, execve, execveat, faccessat, exit_group;
    } numbers;
    /* 0 where numbers.vfork is vfork; where it is clone (arm64, which has
     * no vfork), the flags that make clone a vfork. */
    uint64_t vfork_clone_flags;
    uint64_t prot_read_write;       /* PROT_READ | PROT_WRITE */
    uint64_t map_private_anonymous; /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE */
    /* O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC: a file of our
     * own in a world-writable tmpfs, never one planted there before */
    uint64_t open_create_exclusive;
    int64_t at_fdcwd;
    uint64_t at_empty_path; /* execveat of the descriptor itself (Linux 3.19) */
    uint64_t pr_get_name, pr_get_seccomp;
    int64_t eexist; /* the errno of a name that is taken */
    /* The name of a guest errno value ("ENOENT"), and the host's number
     * for it (0: none the host has); NULL: the host's numbers are the
     * guest's (every architecture but MIPS). */
    const char *(*errno_name)(int value);
    int (*errno_to_host)(int value);
} gp_syscall_abi;

/*
 * Guest physical memory as a page walk sees it: copies LEN bytes at guest
 * physical address ADDR into BUF, false where no memory answers. QEMU's
 * hwaddr reads in the core, a plain array in the unit tests.
 */
typedef struct gp_physical_memory {
    bool (*read)(void *context, uint64_t addr, void *buf, size_t len);
    void *context;
} gp_physical_memory;

/* Receives the translation of a virtual range piece by piece, in order:
 * LENGTH bytes of it are at guest physical ADDR. False stops the walk. */
typedef bool (*gp_physical_extent_fn)(void *context, uint64_t addr, uint64_t length);

#define GP_PAGING_REGISTERS 4

/* What a user-mode instruction of the process would do with a page. */
typedef enum gp_access {
    GP_ACCESS_READ,
    GP_ACCESS_WRITE,
    GP_ACCESS_EXECUTE, /* fetch instructions from it */
} gp_access;

/*
 * Where no register holds the page-table root (MIPS: a software-managed
 * TLB, and QEMU exposes no CP0 register but the status), the kernel's own
 * code says where it is: the TLB refill handler the kernel wrote for this
 * CPU encodes the table format and where the root pointer lives, and the
 * kernel-mode instruction that loads a root (mips64: dmtc0 to Context at
 * each switch_mm) shows its value. core/kernel_watch.c watches both; these
 * decoders are pure, so unit tests run them on recorded handlers.
 */
typedef struct gp_kernel_facts {
    uint64_t root_pointer; /* kernel virtual address of the per-CPU root array; 0: none */
} gp_kernel_facts;

typedef struct gp_kernel_roots {
    /* Code at VADDR runs in kernel mode (user code faults there). */
    bool (*is_kernel_address)(uint64_t vaddr);
    /* The physical address of a kernel address that bypasses the TLB
     * (MIPS KSEG0, CKSEG0, XKPHYS); false for any other. */
    bool (*kernel_physical)(uint64_t vaddr, uint64_t *physical);
    /* Could a kernel block at VADDR be the refill handler (MIPS: EBase +
     * 0x000 or 0x080, EBase 4 KiB aligned)? Then REFILL_BYTES bytes are
     * read there and given to recognise_refill. */
    bool (*is_refill_candidate)(uint64_t vaddr);
    size_t refill_bytes;
    /* Is BYTES exactly the refill handler whose table format the walk
     * knows? Fills FACTS. Anything else (another page size, another PTE
     * layout, RIXI) is not recognised, and memory stays unreachable. */
    bool (*recognise_refill)(const uint8_t *bytes, size_t length, gp_kernel_facts *facts);
    /* The name of the register a kernel instruction BYTES[0..4) writes into
     * the CP0 register that holds the root, or NULL. NULL field: the root
     * is only in memory (facts.root_pointer). */
    const char *(*root_write_source)(const uint8_t *bytes);
    /* Where the refill handler holds that same value in a register: the
     * block at the vector plus REFILL_ROOT_OFFSET starts with it in
     * REFILL_ROOT_REGISTER (mips64: k1 = Context, past the handler's branch
     * for kernel addresses). Read there while a vCPU's root is unknown (a
     * snapshot revert: the next switch_mm may be far off in a busy guest);
     * NULL: not needed. */
    size_t refill_root_offset;
    const char *refill_root_register;
    /* The walk's registers for CPU: from the root pointer in MEMORY, or
     * from RECORDED (the last root_write_source value on that vCPU; NULL
     * if none was seen since the last reset). */
    bool (*roots)(const gp_kernel_facts *facts, const uint64_t *recorded, unsigned cpu,
                  const gp_physical_memory *memory, uint64_t *registers);
} gp_kernel_roots;

/*
 * The guest MMU, for hypercalls: what the calling process could do itself.
 * A hypercall runs inside the process that made it, so the vCPU's current
 * translation registers are that process's page tables.
 */
typedef struct gp_user_paging {
    /* GDB names of the registers the walk needs; translate_user gets their
     * values in this order (unused slots NULL). */
    const char *registers[GP_PAGING_REGISTERS];
    /* Instead of registers: the values from the kernel (above). */
    const gp_kernel_roots *kernel_roots;
    /*
     * Translates [VADDR, VADDR + LENGTH) the way the CPU would for a
     * user-mode ACCESS, walking the page tables through MEMORY: every page
     * must be present and user-accessible at every level, for a write also
     * writable and for an instruction fetch also executable at every
     * level. Calls EXTENT for the whole range, in
     * order, and returns true only if every byte is allowed; on false some
     * extents may have been reported, and the caller must not use them.
     * LENGTH is at least 1.
     */
    bool (*translate_user)(const uint64_t *registers, const gp_physical_memory *memory,
                           uint64_t vaddr, uint64_t length, gp_access access,
                           gp_physical_extent_fn extent, void *context);
    /*
     * The address space these registers select, as one number that is the
     * same for every thread of a process and every hypercall it makes, and
     * differs between processes alive at the same time: the physical
     * address of the top table, without the bits that are not part of it
     * (x86: PCID and flag bits in cr3). Channels belong to address spaces
     * (core/channel_table.h). A process that dies frees its top table, and
     * a new process may get the same one: see docs/security.md.
     */
    uint64_t (*address_space)(const uint64_t *registers);
} gp_user_paging;

/*
 * Registers QEMU does not list (MIPS has no GDB description, so
 * qemu_plugin_get_registers() returns none). The arch builds a handle per
 * GDB number, which relies on QEMU's internal encoding, so the core checks
 * it at the first vCPU's init and refuses to run if any check fails:
 * every number below first_absent reads register_bytes bytes,
 * first_absent reads nothing, zero reads 0 and probe reads back what was
 * written to it (checks that hold in any CPU state).
 */
typedef struct gp_named_register {
    const char *name;
    unsigned gdb_number;
    bool read_only;
} gp_named_register;

typedef struct gp_forged_registers {
    const gp_named_register *list;
    size_t count;
    void *(*handle)(unsigned gdb_number);
    unsigned first_absent;
    const char *zero; /* reads 0 in every state */
    const char *probe;
} gp_forged_registers;

typedef struct gp_arch {
    const char *target;         /* QEMU's target name, qemu_info_t.target_name */
    unsigned register_bytes;    /* width of the hypercall registers */
    const char *pc_register;    /* GDB name of the program counter (core/guest_pc.h) */
    bool big_endian;            /* byte order of register values from QEMU */
    /* GDB names of magic, op, channel, arg1, arg2; the result goes to magic. */
    const char *hypercall_registers[5];
    /*
     * Classifies the instruction BYTES[0..LENGTH) at VADDR. For a
     * GP_TRAP_PANDA trap, *RESUME_PC is where execution continues after
     * skipping it, in qemu_plugin_set_pc's terms, relative to the same
     * base as VADDR (the core passes offsets in the block: guest_pc.h).
     */
    gp_trap_kind (*match_trap)(const uint8_t *bytes, size_t length, uint64_t vaddr,
                               uint64_t *resume_pc);
    /*
     * Where the target has more than one instruction set, the register and
     * bit that say which one the vCPU runs (arm: cpsr, CPSR.T), the set
     * qemu_plugin_set_pc takes as bit 0 of the address. The trap callback
     * takes a GP_TRAP_PANDA trap only when the bit is set exactly where bit
     * 0 of *RESUME_PC is (Thumb-2's mcr is also an A32 ldr), and a thread
     * taken over resumes in the set it left. NULL: one set only.
     */
    const char *instruction_set_register;
    uint64_t instruction_set_flag;
    /* Bit N set: an instruction of N bytes may be a trap or a system call
     * instruction. Translation looks at no others. */
    uint32_t matched_sizes;
    const gp_syscall_abi *syscall; /* NULL: no injection on this architecture yet */
    const gp_forged_registers *forged_registers; /* NULL: QEMU lists the registers */
    /* NULL: no page walk yet, so every hypercall that names guest memory
     * fails with -2 (never the unchecked access QEMU's vaddr API gives). */
    const gp_user_paging *paging;
    /* How long the guest's own timers may stall under TCG through no fault
     * of the guest's processes (0: not known to). A sleeping guest_daemon
     * cannot answer a ping for that long, so the default daemon_ping_ms is
     * at least this. */
    unsigned timer_stall_ms;
} gp_arch;

/* The architecture for a QEMU target name, or NULL when unsupported. */
const gp_arch *gp_arch_for_target(const char *target);

/* The system call instruction BYTES[0..LENGTH) is, or NULL; *IS_SITE says
 * whether it is one of ABI's sites (else one of its elsewhere list). */
const gp_syscall_instruction *gp_syscall_match(const gp_syscall_abi *abi, const uint8_t *bytes,
                                               size_t length, bool *is_site);

/* "x86_64, i386, ..." for error messages: every target of the table. */
const char *gp_arch_supported_targets(void);

#endif
