/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process_memo.h"

#include <string.h>

/* The index of SPACE's entry, or -1. */
static int find(const gp_process_memo *memo, uint64_t space)
{
    for (unsigned i = 0; i < memo->count; i++) {
        if (memo->entries[i].space == space) {
            return (int)i;
        }
    }
    return -1;
}

static void drop(gp_process_memo *memo, gp_process_memo_entry *entry)
{
    *entry = memo->entries[--memo->count];
}

void gp_process_memo_clear(gp_process_memo *memo)
{
    memset(memo, 0, sizeof *memo);
}

bool gp_process_memo_skip(const gp_process_memo *memo, uint64_t space, int64_t now)
{
    int at = find(memo, space);
    return at >= 0 && now < memo->entries[at].recheck_at;
}

bool gp_process_memo_knows(const gp_process_memo *memo, uint64_t space, uint64_t pid)
{
    int at = find(memo, space);
    return at >= 0 && memo->entries[at].pid == pid;
}

bool gp_process_memo_refused(gp_process_memo *memo, uint64_t space, uint64_t pid, int64_t now)
{
    int at = find(memo, space);
    if (at < 0) {
        return false;
    }
    gp_process_memo_entry *entry = &memo->entries[at];
    if (entry->pid != pid) {
        drop(memo, entry); /* the address space went to a new process */
        return false;
    }
    entry->recheck_interval *= 2;
    if (entry->recheck_interval > GP_PROCESS_MEMO_LAST_RECHECK_US) {
        entry->recheck_interval = GP_PROCESS_MEMO_LAST_RECHECK_US;
    }
    entry->recheck_at = now + entry->recheck_interval;
    return !entry->by_name;
}

void gp_process_memo_add(gp_process_memo *memo, uint64_t space, uint64_t pid, bool by_name,
                         int64_t now)
{
    int at = find(memo, space);
    if (at >= 0 && memo->entries[at].pid == pid) {
        memo->entries[at].by_name = by_name; /* refused again: its checks stay as far apart */
        return;
    }
    if (at < 0 && memo->count < GP_PROCESS_MEMO_SIZE) {
        at = (int)memo->count++;
    }
    if (at < 0) {
        at = 0; /* full: the oldest entry goes */
        for (unsigned i = 1; i < memo->count; i++) {
            if (memo->entries[i].added < memo->entries[at].added) {
                at = (int)i;
            }
        }
    }
    memo->entries[at] = (gp_process_memo_entry){
        .space = space,
        .pid = pid,
        .recheck_at = now + GP_PROCESS_MEMO_FIRST_RECHECK_US,
        .recheck_interval = GP_PROCESS_MEMO_FIRST_RECHECK_US,
        .added = memo->next_added++,
        .by_name = by_name,
    };
}
