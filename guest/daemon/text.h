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

/* Writes the decimal digits of VALUE at OUT, NUL-terminated; returns the end. */
static inline char *text_append_decimal(char *out, unsigned long value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) {
        *out++ = digits[--n];
    }
    *out = '\0';
    return out;
}

#endif
