/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "token.h"

#include <errno.h>
#include <sys/random.h>

bool gp_token_generate(gp_token *out)
{
    size_t filled = 0;
    while (filled < sizeof out->bytes) {
        ssize_t got = getrandom(out->bytes + filled, sizeof out->bytes - filled, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        filled += (size_t)got;
    }
    return true;
}

void gp_token_format(const gp_token *token, char out[GP_TOKEN_LENGTH + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < GP_TOKEN_BYTES; i++) {
        out[2 * i] = digits[token->bytes[i] >> 4];
        out[2 * i + 1] = digits[token->bytes[i] & 0xf];
    }
    out[GP_TOKEN_LENGTH] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool gp_token_parse(const char *text, size_t length, gp_token *out)
{
    if (length != GP_TOKEN_LENGTH) {
        return false;
    }
    for (size_t i = 0; i < GP_TOKEN_BYTES; i++) {
        int high = hex_value(text[2 * i]), low = hex_value(text[2 * i + 1]);
        if (high < 0 || low < 0) {
            return false;
        }
        out->bytes[i] = (uint8_t)(high << 4 | low);
    }
    return true;
}

bool gp_token_equal(const gp_token *a, const gp_token *b)
{
    uint8_t difference = 0;
    for (size_t i = 0; i < GP_TOKEN_BYTES; i++) {
        difference |= (uint8_t)(a->bytes[i] ^ b->bytes[i]);
    }
    return difference == 0;
}
