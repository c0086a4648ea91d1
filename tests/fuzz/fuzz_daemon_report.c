/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: guest_daemon frames (HELLO, STARTED, FAILED, EXITED,
 * PONG) as a hostile guest might send them. */
#include <string.h>

#include "daemon_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gp_daemon_report report;
    if (gp_daemon_parse_report(data, size, &report)) {
        /* A parsed report holds a terminated name of bounded length. */
        if (strlen(report.name) > GP_DAEMON_MAX_NAME ||
            report.type < GP_DAEMON_HELLO || report.type > GP_DAEMON_PONG) {
            __builtin_trap();
        }
        /* Exactly the frame it came from: header, value, name, nothing more. */
        if (size != GP_DAEMON_HEADER_SIZE + 4 + strlen(report.name) ||
            memcmp(data + GP_DAEMON_HEADER_SIZE + 4, report.name, strlen(report.name)) != 0) {
            __builtin_trap();
        }
    }
    /* The host's own frames survive a round trip through the parser's
     * checks: a PING is never taken for a report. */
    uint8_t ping[GP_DAEMON_HEADER_SIZE];
    uint32_t request = 0;
    if (size >= sizeof request) {
        memcpy(&request, data, sizeof request);
    }
    if (gp_daemon_put_ping(ping, request) != sizeof ping ||
        gp_daemon_parse_report(ping, sizeof ping, &report)) {
        __builtin_trap();
    }
    return 0;
}
