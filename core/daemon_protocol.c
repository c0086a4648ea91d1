/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon_protocol.h"

#include <string.h>

static uint32_t get_u32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

static void put_u32(uint8_t *at, uint32_t value)
{
    for (int i = 0; i < 4; i++) {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

void gp_daemon_put_header(uint8_t *out, uint32_t type, uint32_t length, uint32_t request)
{
    put_u32(out, type);
    put_u32(out + 4, length);
    put_u32(out + 8, request);
}

size_t gp_daemon_put_load(uint8_t *out, uint32_t request, uint64_t elf_size, const char *name,
                          const char *token)
{
    size_t name_length = strlen(name);
    gp_daemon_put_header(out, GP_DAEMON_LOAD,
                         (uint32_t)(12 + name_length + GP_DAEMON_TOKEN_LENGTH), request);
    put_u32(out + GP_DAEMON_HEADER_SIZE, (uint32_t)elf_size);
    put_u32(out + GP_DAEMON_HEADER_SIZE + 4, (uint32_t)(elf_size >> 32));
    put_u32(out + GP_DAEMON_HEADER_SIZE + 8, (uint32_t)name_length);
    /* Frames carry names without a terminator. */
    for (size_t i = 0; i < name_length; i++) {
        out[GP_DAEMON_HEADER_SIZE + 12 + i] = (uint8_t)name[i];
    }
    memcpy(out + GP_DAEMON_HEADER_SIZE + 12 + name_length, token, GP_DAEMON_TOKEN_LENGTH);
    return GP_DAEMON_HEADER_SIZE + 12 + name_length + GP_DAEMON_TOKEN_LENGTH;
}

size_t gp_daemon_put_ping(uint8_t *out, uint32_t request)
{
    gp_daemon_put_header(out, GP_DAEMON_PING, 0, request);
    return GP_DAEMON_HEADER_SIZE;
}

bool gp_daemon_parse_report(const uint8_t *data, size_t len, gp_daemon_report *out)
{
    if (len < GP_DAEMON_HEADER_SIZE + 4) {
        return false;
    }
    uint32_t type = get_u32(data), length = get_u32(data + 4);
    if (type < GP_DAEMON_HELLO || type > GP_DAEMON_PONG || length < 4 ||
        length != len - GP_DAEMON_HEADER_SIZE || length - 4 > GP_DAEMON_MAX_NAME) {
        return false;
    }
    size_t name_length = length - 4;
    const uint8_t *name = data + GP_DAEMON_HEADER_SIZE + 4;
    if (memchr(name, '\0', name_length)) {
        return false;
    }
    out->type = type;
    out->request = get_u32(data + 8);
    out->value = get_u32(data + GP_DAEMON_HEADER_SIZE);
    memcpy(out->name, name, name_length);
    out->name[name_length] = '\0';
    return true;
}
