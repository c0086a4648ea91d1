/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "registers.h"

#include <string.h>

#include <glib.h>

typedef struct named_handle {
    char *name;
    struct qemu_plugin_register *handle;
    bool read_only;
} named_handle;

static GMutex lock;
static GArray *known;   /* named_handle, QEMU's list or the arch's forged one */
static bool refused;    /* the forged handles failed their check */

/* QEMU appends to the buffer it is given; one per vCPU thread. */
static __thread GByteArray *scratch;

static GByteArray *empty_scratch(void)
{
    if (!scratch) {
        scratch = g_byte_array_new();
    }
    g_byte_array_set_size(scratch, 0);
    return scratch;
}

static void add_handle(const char *name, struct qemu_plugin_register *handle, bool read_only)
{
    named_handle entry = { g_strdup(name), handle, read_only };
    g_array_append_val(known, entry);
}

static bool raw_read(struct qemu_plugin_register *handle, unsigned *length, uint64_t *value,
                     unsigned bytes, bool big_endian);

/* The forged handle of the register NAME. */
static gp_register forged_register(const gp_arch *arch, const char *name)
{
    const gp_forged_registers *forged = arch->forged_registers;
    for (size_t r = 0; r < forged->count; r++) {
        if (strcmp(forged->list[r].name, name) == 0) {
            return (gp_register){ forged->handle(forged->list[r].gdb_number),
                                  arch->register_bytes, arch->big_endian, false };
        }
    }
    g_assert_not_reached();
}

/* The checks of gp_forged_registers (arch/arch.h), on the handles alone. */
static bool check_forged(const gp_arch *arch, char *why, size_t why_size)
{
    const gp_forged_registers *forged = arch->forged_registers;
    unsigned length;
    uint64_t value;
    for (unsigned n = 0; n <= forged->first_absent; n++) {
        bool read = raw_read(forged->handle(n), &length, &value, arch->register_bytes,
                             arch->big_endian);
        bool wanted = n < forged->first_absent;
        if (read != wanted || (read && length != arch->register_bytes)) {
            g_snprintf(why, why_size, "register %u %s (%u bytes), where QEMU 11.1 %s", n,
                       read ? "reads" : "does not read", read ? length : 0,
                       wanted ? "reads it" : "has no such register");
            return false;
        }
    }
    gp_register zero = forged_register(arch, forged->zero);
    if (!gp_register_try_read(&zero, &value) || value != 0) {
        g_snprintf(why, why_size, "%s reads 0x%" G_GINT64_MODIFIER "x, not 0", forged->zero,
                   value);
        return false;
    }
    gp_register probe = forged_register(arch, forged->probe);
    uint64_t before = gp_register_read(&probe), pattern = UINT64_C(0x5a5aa5a5c3c33c3c);
    uint64_t mask = arch->register_bytes == 8 ? UINT64_MAX : UINT32_MAX;
    gp_register_write(&probe, pattern);
    uint64_t after = gp_register_read(&probe);
    gp_register_write(&probe, before);
    if (after != (pattern & mask)) {
        g_snprintf(why, why_size, "a write to %s did not read back", forged->probe);
        return false;
    }
    return true;
}

bool gp_registers_load(const gp_arch *arch, char *why, size_t why_size)
{
    g_mutex_lock(&lock);
    if (!known) {
        known = g_array_new(FALSE, FALSE, sizeof(named_handle));
        g_autoptr(GArray) listed = qemu_plugin_get_registers();
        for (guint i = 0; listed && i < listed->len; i++) {
            qemu_plugin_reg_descriptor *reg = &g_array_index(listed, qemu_plugin_reg_descriptor, i);
            add_handle(reg->name, reg->handle, reg->is_readonly);
        }
        if (known->len == 0 && arch && arch->forged_registers) {
            const gp_forged_registers *forged = arch->forged_registers;
            refused = !check_forged(arch, why, why_size);
            for (size_t i = 0; !refused && i < forged->count; i++) {
                add_handle(forged->list[i].name, forged->handle(forged->list[i].gdb_number),
                           forged->list[i].read_only);
            }
        }
    }
    bool ok = !refused;
    g_mutex_unlock(&lock);
    return ok;
}

static bool find(const char *name, unsigned bytes, bool big_endian, bool read_only,
                 gp_register *out)
{
    bool found = false;
    g_mutex_lock(&lock);
    for (guint i = 0; known && i < known->len && !found; i++) {
        named_handle *reg = &g_array_index(known, named_handle, i);
        if (strcmp(reg->name, name) == 0 && reg->read_only == read_only) {
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

/* Reads HANDLE: *LENGTH is how many bytes QEMU gave, *VALUE the first
 * BYTES of them as a number. */
static bool raw_read(struct qemu_plugin_register *handle, unsigned *length, uint64_t *value,
                     unsigned bytes, bool big_endian)
{
    GByteArray *buffer = empty_scratch();

    *value = 0;
    *length = 0;
    if (!qemu_plugin_read_register(handle, buffer) || buffer->len == 0) {
        return false;
    }
    *length = buffer->len;
    unsigned width = MIN(buffer->len, bytes);
    for (unsigned i = 0; i < width; i++) {
        unsigned byte = big_endian ? buffer->len - 1 - i : i;
        *value |= (uint64_t)buffer->data[byte] << (8 * i);
    }
    return true;
}

bool gp_register_try_read(const gp_register *reg, uint64_t *value)
{
    unsigned length;
    return raw_read(reg->handle, &length, value, reg->bytes, reg->big_endian);
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
