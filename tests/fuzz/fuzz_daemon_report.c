/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: guest_daemon frames as a hostile guest might send them. */
#include <string.h>

#include "daemon_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gp_daemon_report report;
    if (gp_daemon_parse_report(data, size, &report)) {
        /* A parsed report holds a terminated name of bounded length. */
        if (strlen(report.name) > GP_DAEMON_MAX_NAME ||
            report.type < GP_DAEMON_HELLO || report.type > GP_DAEMON_EXITED) {
            __builtin_trap();
        }
    }
    return 0;
}
