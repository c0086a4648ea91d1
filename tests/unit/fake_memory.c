/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake physical memory of the page-walk unit tests (fake_memory.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "fake_memory.h"

void fake_memory_init(fake_memory *m)
{
    m->phys = g_malloc0(FAKE_MEMORY_SIZE);
    m->next_table = FAKE_MEMORY_FIRST_TABLE;
    m->big_endian = false;
    m->reads = 0;
    m->extents = g_array_new(FALSE, FALSE, sizeof(uint64_t) * 2);
}

void fake_memory_free(fake_memory *m)
{
    g_array_unref(m->extents);
    g_free(m->phys);
}

void fake_memory_clear(fake_memory *m)
{
    memset(m->phys, 0, FAKE_MEMORY_SIZE);
    m->next_table = FAKE_MEMORY_FIRST_TABLE;
}

uint64_t fake_memory_table(fake_memory *m, uint64_t size)
{
    uint64_t table = (m->next_table + size - 1) & ~(size - 1);
    m->next_table = table + size;
    assert_true(m->next_table <= FAKE_MEMORY_SIZE);
    return table;
}

uint64_t fake_memory_get(const fake_memory *m, uint64_t addr, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned byte = m->big_endian ? bytes - 1 - i : i;
        value |= (uint64_t)m->phys[addr + byte] << (8 * i);
    }
    return value;
}

void fake_memory_put(fake_memory *m, uint64_t addr, unsigned bytes, uint64_t value)
{
    for (unsigned i = 0; i < bytes; i++) {
        unsigned byte = m->big_endian ? bytes - 1 - i : i;
        m->phys[addr + byte] = (uint8_t)(value >> (8 * i));
    }
}

bool fake_memory_read(void *context, uint64_t addr, void *buf, size_t len)
{
    fake_memory *m = context;
    m->reads++;
    if (addr >= FAKE_MEMORY_SIZE || len > FAKE_MEMORY_SIZE - addr) {
        return false;
    }
    memcpy(buf, m->phys + addr, len);
    return true;
}

bool fake_memory_collect(void *context, uint64_t addr, uint64_t length)
{
    fake_memory *m = context;
    uint64_t piece[2] = { addr, length };
    g_array_append_val(m->extents, piece);
    return true;
}

bool fake_memory_walk(fake_memory *m, const gp_user_paging *paging, const uint64_t *registers,
                      uint64_t vaddr, uint64_t length, gp_access access)
{
    gp_physical_memory memory = { fake_memory_read, m };
    g_array_set_size(m->extents, 0);
    m->reads = 0;
    bool ok = paging->translate_user(registers, &memory, vaddr, length, access,
                                     fake_memory_collect, m);
    if (ok) {
        uint64_t total = 0;
        for (guint i = 0; i < m->extents->len; i++) {
            total += g_array_index(m->extents, uint64_t, 2 * i + 1);
        }
        assert_int_equal(total, length); /* allowed = every byte reported */
    }
    return ok;
}

uint64_t fake_memory_physical_of(const fake_memory *m, uint64_t offset)
{
    for (guint i = 0; i < m->extents->len; i++) {
        uint64_t addr = g_array_index(m->extents, uint64_t, 2 * i);
        uint64_t length = g_array_index(m->extents, uint64_t, 2 * i + 1);
        if (offset < length) {
            return addr + offset;
        }
        offset -= length;
    }
    fail_msg("offset beyond the walked range");
    return 0;
}
