/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "registers.h"

#include <string.h>

#include <glib.h>

static GMutex lock;
static GArray *descriptors; /* qemu_plugin_reg_descriptor, kept for the names */

/* QEMU appends to the buffer it is given; one per vCPU thread. */
static __thread GByteArray *scratch;

void gp_registers_load(void)
{
    g_mutex_lock(&lock);
    if (!descriptors) {
        descriptors = qemu_plugin_get_registers();
    }
    g_mutex_unlock(&lock);
}

static bool find(const char *name, unsigned bytes, bool big_endian, bool read_only,
                 gp_register *out)
{
    bool found = false;
    g_mutex_lock(&lock);
    for (guint i = 0; descriptors && i < descriptors->len && !found; i++) {
        qemu_plugin_reg_descriptor *reg = &g_array_index(descriptors, qemu_plugin_reg_descriptor, i);
        if (strcmp(reg->name, name) == 0 && reg->is_readonly == read_only) {
            *out = (gp_register){ reg->handle, bytes, big_endian, read_only };
            found = true;
        }
    }
    g_mutex_unlock(&lock);
    return found;
}

bool gp_register_find(const char *name, unsigned bytes, bool big_endian, gp_register *out)
{
    return find(name, bytes, big_endian, false, out);
}

bool gp_register_find_read_only(const char *name, unsigned bytes, bool big_endian,
                                gp_register *out)
{
    return find(name, bytes, big_endian, true, out);
}

static GByteArray *empty_scratch(void)
{
    if (!scratch) {
        scratch = g_byte_array_new();
    }
    g_byte_array_set_size(scratch, 0);
    return scratch;
}

bool gp_register_try_read(const gp_register *reg, uint64_t *value)
{
    GByteArray *buffer = empty_scratch();

    *value = 0;
    if (!qemu_plugin_read_register(reg->handle, buffer) || buffer->len == 0) {
        return false;
    }
    unsigned width = MIN(buffer->len, reg->bytes);
    for (unsigned i = 0; i < width; i++) {
        unsigned byte = reg->big_endian ? buffer->len - 1 - i : i;
        *value |= (uint64_t)buffer->data[byte] << (8 * i);
    }
    return true;
}

uint64_t gp_register_read(const gp_register *reg)
{
    uint64_t value;
    gp_register_try_read(reg, &value);
    return value;
}

void gp_register_write(const gp_register *reg, uint64_t value)
{
    g_assert(!reg->read_only);
    GByteArray *buffer = empty_scratch();
    uint8_t bytes[8];

    for (unsigned i = 0; i < reg->bytes; i++) {
        bytes[reg->big_endian ? reg->bytes - 1 - i : i] = (uint8_t)(value >> (8 * i));
    }
    g_byte_array_append(buffer, bytes, reg->bytes);
    qemu_plugin_write_register(reg->handle, buffer);
}
