/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest side of the in-VM channel test; the host side is the channel_test
 * host plugin (tests/plugins/channel_test). Prints "ok ..." or "FAIL ..."
 * per check and exits 0 only if every check passed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestplug/channel.h>

static int failures;

#define CHECK(cond, ...)                                \
    do {                                                \
        int passed_ = (cond);                           \
        printf(passed_ ? "ok   " : "FAIL ");            \
        printf(__VA_ARGS__);                            \
        printf("\n");                                   \
        failures += !passed_;                           \
    } while (0)

static gp_channel channel(const char *name)
{
    gp_channel ch = { 0 };
    if (gp_channel_main(name, &ch) != 0) {
        printf("FAIL no channel %s\n", name);
        exit(1);
    }
    return ch;
}

/* Writes MESSAGE on echo and checks the same bytes come back in one read. */
static void echo_round_trip(gp_channel echo, const void *message, size_t length,
                            const char *what)
{
    uint8_t *back = malloc(length + 1);
    ssize_t sent = gp_channel_write(echo, message, length);
    ssize_t got = gp_channel_read(echo, back, length + 1);
    CHECK(sent == (ssize_t)length && got == (ssize_t)length && memcmp(back, message, length) == 0,
          "%s: %zu bytes echoed (sent %zd, got %zd)", what, length, sent, got);
    free(back);
}

static void read_text(gp_channel ch, char *buf, size_t cap)
{
    ssize_t got = gp_channel_read(ch, buf, cap - 1);
    buf[got > 0 ? got : 0] = '\0';
}

int main(void)
{
    CHECK(gp_host_present(), "host present");
    gp_channel echo = channel("echo"), seq = channel("seq"), control = channel("control");
    gp_channel print = channel("print");

    const char *text = "hello, host";
    echo_round_trip(echo, text, strlen(text), "string");
    uint8_t u32[4] = { 0xef, 0xbe, 0xad, 0xde };
    echo_round_trip(echo, u32, sizeof u32, "u32 0xdeadbeef");

    size_t big = 1 << 20;
    uint8_t *pattern = malloc(big);
    for (size_t i = 0; i < big; i++) {
        pattern[i] = (uint8_t)(i * 7);
    }
    echo_round_trip(echo, pattern, big, "1 MiB in one message");
    free(pattern);

    for (uint32_t i = 0; i < 10000; i++) {
        uint8_t le[4] = { (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), (uint8_t)(i >> 24) };
        if (gp_channel_write(seq, le, sizeof le) != 4) {
            CHECK(0, "seq write %u", i);
            break;
        }
    }
    char answer[128];
    gp_channel_write(control, "report", 6);
    read_text(control, answer, sizeof answer);
    CHECK(strcmp(answer, "seq ok 10000") == 0, "10000 small messages in order: '%s'", answer);

    /* A host message larger than the buffer arrives split, in order. */
    size_t host_size = 100000, total = 0, pieces = 0, max_piece = 0;
    int in_order = 1;
    gp_channel_write(control, "host-send 100000", 16);
    uint8_t piece[4096];
    while (total < host_size) {
        ssize_t got = gp_channel_read(control, piece, sizeof piece);
        if (got <= 0) {
            break;
        }
        for (ssize_t i = 0; i < got; i++) {
            in_order &= piece[i] == (uint8_t)((total + (size_t)i) % 251);
        }
        total += (size_t)got;
        pieces++;
        max_piece = (size_t)got > max_piece ? (size_t)got : max_piece;
    }
    CHECK(total == host_size && in_order && max_piece == sizeof piece && pieces == 25,
          "host message of %zu bytes read as %zu pieces of <= %zu bytes, in order", total,
          pieces, max_piece);
    CHECK(gp_channel_try_read(control, piece, sizeof piece) == 0, "nothing left queued");

    gp_channel missing;
    CHECK(gp_channel_main("no_such_channel", &missing) == -1, "unknown channel name gives -1");

    gp_channel_write(control, "new-channel", 11);
    read_text(control, answer, sizeof answer);
    gp_channel fresh = { (uint32_t)strtoul(answer + 8, NULL, 10) };
    echo_round_trip(fresh, "anon", 4, "channel allocated from a host callback");

    gp_channel mine;
    CHECK(gp_channel_new(&mine) == 0 && mine.id != fresh.id, "guest-allocated channel %u",
          mine.id);

    FILE *out = gp_channel_fopen(print, "w");
    CHECK(out != NULL, "gp_channel_fopen");
    if (out) {
        fprintf(out, "fprintf %d %s", 42, "works");
        CHECK(fclose(out) == 0, "fclose flushes");
    }
    gp_error("channel_test guest says hi via gp_error");

    printf("%s: %d failures\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
