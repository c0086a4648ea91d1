/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guest_daemon frames (core/daemon_protocol.c): what the host sends, and
 * what it accepts from a guest that may lie. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "daemon_protocol.h"

static uint32_t le32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

/* A report as guest_daemon writes it: header, a 32-bit value, the name. */
static size_t report_frame(uint8_t *out, uint32_t type, uint32_t request, uint32_t value,
                           const char *name)
{
    size_t name_length = strlen(name);
    gp_daemon_put_header(out, type, (uint32_t)(4 + name_length), request);
    for (int i = 0; i < 4; i++) {
        out[GP_DAEMON_HEADER_SIZE + i] = (uint8_t)(value >> (8 * i));
    }
    memcpy(out + GP_DAEMON_HEADER_SIZE + 4, name, name_length);
    return GP_DAEMON_HEADER_SIZE + 4 + name_length;
}

static void load_frame_layout(void **unused)
{
    (void)unused;
    uint8_t frame[GP_DAEMON_LOAD_FRAME_MAX];
    const char token[] = "00112233445566778899aabbccddeeff";
    size_t length = gp_daemon_put_load(frame, 7, UINT64_C(0x100000002), "c_example", token);
    assert_int_equal(length, GP_DAEMON_HEADER_SIZE + 12 + 9 + 32);
    assert_int_equal(le32(frame), GP_DAEMON_LOAD);
    assert_int_equal(le32(frame + 4), 12 + 9 + 32);
    assert_int_equal(le32(frame + 8), 7);
    assert_int_equal(le32(frame + 12), 2);  /* size, low half */
    assert_int_equal(le32(frame + 16), 1);  /* size, high half */
    assert_int_equal(le32(frame + 20), 9);
    assert_memory_equal(frame + 24, "c_example", 9);
    assert_memory_equal(frame + 33, token, 32); /* after the name, no terminator */
}

static void ping_frame_layout(void **unused)
{
    (void)unused;
    uint8_t frame[GP_DAEMON_HEADER_SIZE + 4];
    memset(frame, 0xee, sizeof frame);
    assert_int_equal(gp_daemon_put_ping(frame, 0x01020304), GP_DAEMON_HEADER_SIZE);
    assert_int_equal(le32(frame), GP_DAEMON_PING);
    assert_int_equal(le32(frame + 4), 0); /* no payload */
    assert_int_equal(le32(frame + 8), 0x01020304);
    assert_int_equal(frame[GP_DAEMON_HEADER_SIZE], 0xee); /* nothing written past it */
}

static void pong_is_a_report(void **unused)
{
    (void)unused;
    uint8_t frame[64];
    gp_daemon_report report;
    size_t length = report_frame(frame, GP_DAEMON_PONG, 42, 4242, "");
    assert_true(gp_daemon_parse_report(frame, length, &report));
    assert_int_equal(report.type, GP_DAEMON_PONG);
    assert_int_equal(report.request, 42);
    assert_int_equal(report.value, 4242);
    assert_string_equal(report.name, "");

    /* A PING is the host's: a guest that echoes one has sent no report. */
    gp_daemon_put_ping(frame, 42);
    assert_false(gp_daemon_parse_report(frame, GP_DAEMON_HEADER_SIZE, &report));
    length = report_frame(frame, GP_DAEMON_PING, 42, 0, "");
    assert_false(gp_daemon_parse_report(frame, length, &report));
    /* Nor is anything past PONG. */
    length = report_frame(frame, GP_DAEMON_PONG + 1, 42, 0, "");
    assert_false(gp_daemon_parse_report(frame, length, &report));
    /* A PONG cut short of its value. */
    gp_daemon_put_header(frame, GP_DAEMON_PONG, 0, 42);
    assert_false(gp_daemon_parse_report(frame, GP_DAEMON_HEADER_SIZE, &report));
}

static void reports_round_trip(void **unused)
{
    (void)unused;
    uint8_t frame[64];
    gp_daemon_report report;
    size_t length = report_frame(frame, GP_DAEMON_EXITED, 3, 0x8b, "crash");
    assert_true(gp_daemon_parse_report(frame, length, &report));
    assert_int_equal(report.type, GP_DAEMON_EXITED);
    assert_int_equal(report.request, 3);
    assert_int_equal(report.value, 0x8b);
    assert_string_equal(report.name, "crash");

    length = report_frame(frame, GP_DAEMON_HELLO, 0, 101, "");
    assert_true(gp_daemon_parse_report(frame, length, &report));
    assert_int_equal(report.value, 101);
    assert_string_equal(report.name, "");
}

static void lies_are_rejected(void **unused)
{
    (void)unused;
    uint8_t frame[GP_DAEMON_HEADER_SIZE + 4 + GP_DAEMON_MAX_NAME + 8];
    gp_daemon_report report;
    size_t length = report_frame(frame, GP_DAEMON_STARTED, 1, 5, "ok");

    assert_false(gp_daemon_parse_report(frame, length - 1, &report)); /* short */
    assert_false(gp_daemon_parse_report(frame, 10, &report));         /* no header */
    frame[4] = 200;                                                 /* length lies */
    assert_false(gp_daemon_parse_report(frame, length, &report));

    length = report_frame(frame, GP_DAEMON_LOAD, 1, 5, "ok");        /* host-only type */
    assert_false(gp_daemon_parse_report(frame, length, &report));
    length = report_frame(frame, 99, 1, 5, "ok");
    assert_false(gp_daemon_parse_report(frame, length, &report));

    char long_name[GP_DAEMON_MAX_NAME + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    length = report_frame(frame, GP_DAEMON_EXITED, 1, 0, long_name);
    assert_false(gp_daemon_parse_report(frame, length, &report));

    length = report_frame(frame, GP_DAEMON_EXITED, 1, 0, "a\0b");    /* strlen stops at a */
    frame[GP_DAEMON_HEADER_SIZE + 5] = '\0';
    frame[4] = 4 + 2;
    assert_false(gp_daemon_parse_report(frame, GP_DAEMON_HEADER_SIZE + 6, &report));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_frame_layout),
        cmocka_unit_test(ping_frame_layout),
        cmocka_unit_test(reports_round_trip),
        cmocka_unit_test(pong_is_a_report),
        cmocka_unit_test(lies_are_rejected),
    };
    return cmocka_run_group_tests_name("daemon protocol", tests, NULL, NULL);
}
