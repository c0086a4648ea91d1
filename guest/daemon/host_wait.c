/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "host_wait.h"

#include "sys.h"

static long long last_activity_ns;

void host_wait_init(void)
{
    sys_sigset child;
    sys_sigset_only(&child, SIGCHLD);
    sys_sigprocmask(SIG_BLOCK, &child);
    host_wait_activity();
}

void host_wait_release_signals(void)
{
    sys_sigset none = { { 0 } };
    sys_sigprocmask(SIG_SETMASK, &none);
}

void host_wait_activity(void)
{
    last_activity_ns = sys_monotonic_ns();
}

void host_wait_round(void)
{
    long long quiet_ns = sys_monotonic_ns() - last_activity_ns;
    if (quiet_ns < HOST_WAIT_SPIN_NS) {
        /* Returns at once when nothing else wants the CPU. */
        sys_sched_yield();
        return;
    }
    /* SIGCHLD is blocked, so it stays pending until taken here: an exit
     * ends the sleep, and the caller reaps. Its standard signal does not
     * queue, so one wake-up stands for every child that exited. */
    sys_sigset child;
    sys_sigset_only(&child, SIGCHLD);
    sys_sigtimedwait_ns(&child, quiet_ns < HOST_WAIT_BUSY_NS ? HOST_WAIT_NAP_NS
                                                             : HOST_WAIT_IDLE_NS);
}
