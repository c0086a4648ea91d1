/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The little string handling guest_daemon needs, with no C library. */
#ifndef GP_DAEMON_TEXT_H
#define GP_DAEMON_TEXT_H

#include <stddef.h>

static inline size_t text_length(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

/* Copies LENGTH bytes of FROM to TO and terminates it. */
static inline void text_copy(char *to, const char *from, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        to[i] = from[i];
    }
    to[length] = '\0';
}

/* Writes TEXT at OUT, NUL-terminated; returns the end. */
static inline char *text_append(char *out, const char *text)
{
    size_t length = text_length(text);
    text_copy(out, text, length);
    return out + length;
}

/* Writes the decimal digits of VALUE at OUT, NUL-terminated; returns the end.
 * By subtracting powers of ten, not dividing: 32-bit arm has no divide
 * instruction, and gcc makes a division there a call into libgcc, which
 * the daemon does not link. */
static inline char *text_append_decimal(char *out, unsigned long value)
{
    static const unsigned long long powers[] = {
        10000000000000000000ull, 1000000000000000000ull, 100000000000000000ull,
        10000000000000000ull, 1000000000000000ull, 100000000000000ull, 10000000000000ull,
        1000000000000ull, 100000000000ull, 10000000000ull, 1000000000ull, 100000000ull,
        10000000ull, 1000000ull, 100000ull, 10000ull, 1000ull, 100ull, 10ull, 1ull,
    };
    unsigned long long rest = value;
    char *start = out;
    for (size_t i = 0; i < sizeof powers / sizeof powers[0]; i++) {
        char digit = '0';
        while (rest >= powers[i]) {
            rest -= powers[i];
            digit++;
        }
        if (digit != '0' || out != start || powers[i] == 1) {
            *out++ = digit;
        }
    }
    *out = '\0';
    return out;
}

#endif
