/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Encoding host->guest frames and parsing guest->host frames of the
 * guest_daemon protocol (include/guestplug/daemon.h). Frames from the guest
 * are untrusted: the parser checks every length and never reads past LEN.
 */
#ifndef GP_CORE_DAEMON_PROTOCOL_H
#define GP_CORE_DAEMON_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestplug/daemon.h"

typedef struct gp_daemon_report {
    uint32_t type;        /* HELLO, STARTED, FAILED, EXITED or PONG */
    uint32_t request;
    uint32_t value;       /* pid, errno or wait status */
    char name[GP_DAEMON_MAX_NAME + 1];
} gp_daemon_report;

/* Parses one guest->host frame; false if it is malformed or of another type. */
bool gp_daemon_parse_report(const uint8_t *data, size_t len, gp_daemon_report *out);

/* Writes a header into OUT[0..GP_DAEMON_HEADER_SIZE). */
void gp_daemon_put_header(uint8_t *out, uint32_t type, uint32_t length, uint32_t request);

/* The largest LOAD frame: header, size, name length, name, token. */
#define GP_DAEMON_LOAD_FRAME_MAX \
    (GP_DAEMON_HEADER_SIZE + 12 + GP_DAEMON_MAX_NAME + GP_DAEMON_TOKEN_LENGTH)

/* Writes a LOAD frame for NAME (at most GP_DAEMON_MAX_NAME bytes) whose
 * main channel TOKEN claims (GP_DAEMON_TOKEN_LENGTH hex digits) into OUT;
 * returns its length. */
size_t gp_daemon_put_load(uint8_t *out, uint32_t request, uint64_t elf_size, const char *name,
                          const char *token);

/* Writes a PING frame (a bare header) into OUT; returns its length. */
size_t gp_daemon_put_ping(uint8_t *out, uint32_t request);

#endif
