/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel tokens: how the host hands a channel to one guest program. 128
 * bits from the host's getrandom, written as GP_TOKEN_LENGTH hex digits in
 * the program's environment (include/guestplug/abi.h). Whoever presents
 * the token with CLAIM gets the channel; nobody can guess one.
 */
#ifndef GP_CORE_TOKEN_H
#define GP_CORE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestplug/abi.h"

#define GP_TOKEN_BYTES (GP_TOKEN_LENGTH / 2)

typedef struct gp_token {
    uint8_t bytes[GP_TOKEN_BYTES];
} gp_token;

/* A fresh token from the host's random source; false if it gave none. */
bool gp_token_generate(gp_token *out);

/* TOKEN as GP_TOKEN_LENGTH lowercase hex digits and a NUL. */
void gp_token_format(const gp_token *token, char out[GP_TOKEN_LENGTH + 1]);

/* Parses exactly GP_TOKEN_LENGTH hex digits (either case) at TEXT, LENGTH
 * bytes long; false for any other length or a character that is not one. */
bool gp_token_parse(const char *text, size_t length, gp_token *out);

/* Compares in time independent of where they differ, so that a guest
 * timing its CLAIMs learns nothing about a token it does not have. */
bool gp_token_equal(const gp_token *a, const gp_token *b);

#endif
