/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The processes the injector was refused by (a filter, PID 1, an initramfs,
 * a failed step), so that their system calls are let through untouched
 * instead of being hijacked again each time.
 *
 * Only the address space is known without hijacking the thread: the pid
 * takes an injected getpid. So a process is skipped on its address space
 * alone, and asked its pid again now and then, at intervals that double up
 * to a limit: a new process that got a dead one's top page table (Linux
 * reuses them) is then found after at most that limit, and a refused
 * process costs one getpid per interval rather than one per system call.
 * A pid survives execve, an address space does not: (pid, space) names one
 * program of one process. Its name survives neither, and may change in
 * between (prctl(PR_SET_NAME), as threads name themselves): a process
 * refused for its name is asked its name again at each check.
 */
#ifndef GP_CORE_PROCESS_MEMO_H
#define GP_CORE_PROCESS_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#define GP_PROCESS_MEMO_SIZE 256
#define GP_PROCESS_MEMO_FIRST_RECHECK_US 10000     /* 10 ms */
#define GP_PROCESS_MEMO_LAST_RECHECK_US 2000000    /* 2 s */

typedef struct gp_process_memo_entry {
    uint64_t space, pid;
    int64_t recheck_at;      /* microseconds, the caller's clock */
    int64_t recheck_interval;
    uint64_t added;          /* for replacing the oldest when full */
    bool by_name;            /* refused for its name, which it may change */
} gp_process_memo_entry;

typedef struct gp_process_memo {
    gp_process_memo_entry entries[GP_PROCESS_MEMO_SIZE];
    unsigned count;
    uint64_t next_added;
} gp_process_memo;

void gp_process_memo_clear(gp_process_memo *memo);

/* Should a system call of address space SPACE at time NOW go through
 * without a hijack? True while SPACE belongs to a refused process whose
 * next check is not due. */
bool gp_process_memo_skip(const gp_process_memo *memo, uint64_t space, int64_t now);

/* The hijacked thread of SPACE said it is PID: true if that process was
 * refused before for good (its next check is then pushed back); false
 * otherwise: a stale entry for SPACE (another pid) is dropped, and one
 * refused for its name is kept, its check pushed back, to be refused
 * again by gp_process_memo_add if the name still does not match. */
bool gp_process_memo_refused(gp_process_memo *memo, uint64_t space, uint64_t pid, int64_t now);

/* Was (SPACE, PID) refused before, for good or for its name? */
bool gp_process_memo_knows(const gp_process_memo *memo, uint64_t space, uint64_t pid);

/* Refuses (SPACE, PID) from NOW on, BY_NAME if for its name; the oldest
 * entry goes when full. Refused again, it keeps its interval. */
void gp_process_memo_add(gp_process_memo *memo, uint64_t space, uint64_t pid, bool by_name,
                         int64_t now);

#endif
