/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_memory.h"

#include <string.h>

#include <glib.h>

#include "qemu/qemu-plugin-api.h"

#define GUEST_PAGE 4096u

/* Scratch buffer of the calling vCPU thread: the QEMU API appends to it. */
static __thread GByteArray *scratch;

static GByteArray *empty_scratch(void)
{
    if (!scratch) {
        scratch = g_byte_array_new();
    }
    g_byte_array_set_size(scratch, 0);
    return scratch;
}

bool gp_guest_read(uint64_t addr, void *buf, size_t len)
{
    GByteArray *buffer = empty_scratch();
    if (addr + len < addr || !qemu_plugin_read_memory_vaddr(addr, buffer, len) ||
        buffer->len < len) {
        return false;
    }
    memcpy(buf, buffer->data, len);
    return true;
}

bool gp_guest_write(uint64_t addr, const void *buf, size_t len)
{
    GByteArray *buffer = empty_scratch();
    g_byte_array_append(buffer, buf, (guint)len);
    return qemu_plugin_write_memory_vaddr(addr, buffer);
}

bool gp_guest_mapped(uint64_t addr, size_t len)
{
    uint64_t physical;
    uint64_t end = addr + len;
    if (end < addr) {
        return false;
    }
    for (uint64_t page = addr & ~(uint64_t)(GUEST_PAGE - 1); page < end; page += GUEST_PAGE) {
        if (!qemu_plugin_translate_vaddr(page, &physical)) {
            return false;
        }
    }
    return true;
}

static bool read_cb(void *context, uint64_t addr, void *buf, size_t len)
{
    (void)context;
    return gp_guest_read(addr, buf, len);
}

static bool write_cb(void *context, uint64_t addr, const void *buf, size_t len)
{
    (void)context;
    return gp_guest_write(addr, buf, len);
}

static bool mapped_cb(void *context, uint64_t addr, size_t len)
{
    (void)context;
    return gp_guest_mapped(addr, len);
}

const gp_guest_memory gp_qemu_guest_memory = {
    .read = read_cb,
    .write = write_cb,
    .mapped = mapped_cb,
};
