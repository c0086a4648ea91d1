/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_memory.h"

#include <glib.h>

#include "log.h"
#include "qemu/qemu-plugin-api.h"
#include "registers.h"

/* QEMU's memory calls take guint lengths: larger extents go in pieces. */
#define MAX_PHYSICAL_ACCESS (UINT64_C(1) << 30)

typedef struct extent {
    uint64_t addr, length; /* guest physical */
} extent;

/*
 * Per vCPU thread: the physical extents of the last range a view checked.
 * A view finds its range again by the serial number it was given, so a
 * translation is never reused by another view, or after the thread checked
 * something else.
 */
typedef struct thread_state {
    GArray *extents;
    uint64_t serial;      /* of the translation in EXTENTS; 0 = none */
    uint64_t next_serial;
    GByteArray *wrapper;  /* lends QEMU our buffers: see physical_access */
} thread_state;

static void free_thread_state(gpointer data)
{
    thread_state *state = data;
    g_array_unref(state->extents);
    g_byte_array_unref(state->wrapper); /* holds no buffer between accesses */
    g_free(state);
}

static GPrivate thread_key = G_PRIVATE_INIT(free_thread_state);

/* The vCPU whose callback runs on this thread (TCG may run several vCPUs
 * on one thread, one after the other). */
static __thread unsigned current_vcpu;

void gp_guest_memory_enter(unsigned vcpu_index)
{
    current_vcpu = vcpu_index;
}

static struct {
    const gp_arch *arch;
    gsize registers_looked_up;
    bool registers_found;
    gp_register registers[GP_PAGING_REGISTERS];
    gp_kernel_roots_fn kernel_roots;
} memory;

void gp_guest_memory_init(const gp_arch *arch, gp_kernel_roots_fn kernel_roots)
{
    memory.arch = arch;
    memory.kernel_roots = kernel_roots;
}

static thread_state *this_thread(void)
{
    thread_state *state = g_private_get(&thread_key);
    if (!state) {
        state = g_new0(thread_state, 1);
        state->extents = g_array_new(FALSE, FALSE, sizeof(extent));
        state->wrapper = g_byte_array_new();
        g_private_set(&thread_key, state);
    }
    return state;
}

/* The walk's registers, looked up once QEMU's register list is loaded (at
 * the first vCPU's init, before any callback can get here). */
static bool find_registers(const gp_user_paging *paging)
{
    if (g_once_init_enter(&memory.registers_looked_up)) {
        bool found = true;
        for (int i = 0; found && i < GP_PAGING_REGISTERS && paging->registers[i]; i++) {
            found = gp_register_find(paging->registers[i], 8, memory.arch->big_endian,
                                     &memory.registers[i]);
            if (!found) {
                gp_log("QEMU exposes no %s register on %s, so the guest's page tables cannot "
                       "be walked: hypercalls that name guest memory fail with -2",
                       paging->registers[i], memory.arch->target);
            }
        }
        memory.registers_found = found;
        g_once_init_leave(&memory.registers_looked_up, 1);
    }
    return memory.registers_found;
}

/* The architecture's walk, or NULL (said once) when it has none yet. */
static const gp_user_paging *paging_of_arch(void)
{
    static gsize said;
    const gp_user_paging *paging = memory.arch ? memory.arch->paging : NULL;
    if (!paging && g_once_init_enter(&said)) {
        gp_log("no page walk for %s yet: hypercalls that name guest memory fail with -2 "
               "(they would otherwise bypass the guest's page protections)",
               memory.arch ? memory.arch->target : "this target");
        g_once_init_leave(&said, 1);
    }
    return paging;
}

/* A register QEMU cannot read fails the access: reading 0 for cr0 would
 * look like paging off, where every address is allowed. */
static bool load_registers(gp_guest_view *view, const gp_user_paging *paging)
{
    if (!view->registers_read && paging->kernel_roots) {
        gp_physical_memory physical = gp_guest_physical_memory();
        view->registers_read = true;
        view->registers_ok = memory.kernel_roots &&
                             memory.kernel_roots(current_vcpu, &physical, view->registers);
    }
    if (!view->registers_read) {
        view->registers_read = true;
        view->registers_ok = find_registers(paging);
        for (int i = 0; view->registers_ok && i < GP_PAGING_REGISTERS && paging->registers[i];
             i++) {
            view->registers_ok = gp_register_try_read(&memory.registers[i],
                                                      &view->registers[i]);
        }
    }
    return view->registers_ok;
}

/*
 * QEMU's physical accesses take a GByteArray. Rather than copy every byte
 * through one of its own, the thread's wrapper array is pointed at the
 * caller's buffer for the call (its public data and len fields) and
 * emptied again after it, so the bytes move once, straight between the
 * guest and that buffer. QEMU's write only reads the array; its read sets
 * the size to LEN, which for an array already LEN long changes nothing
 * (plugins/api.c), so it fills our buffer in place. Were that ever to
 * reallocate, the pointer would change, and the assertion stops QEMU
 * rather than let it run on with a heap it corrupted.
 */
static bool physical_access(uint64_t addr, void *buf, uint64_t len, bool write)
{
    GByteArray *wrapper = this_thread()->wrapper;
    uint8_t *bytes = buf;
    while (len > 0) {
        guint piece = (guint)MIN(len, MAX_PHYSICAL_ACCESS);
        wrapper->data = bytes;
        wrapper->len = piece;
        enum qemu_plugin_hwaddr_operation_result result =
            write ? qemu_plugin_write_memory_hwaddr(addr, wrapper)
                  : qemu_plugin_read_memory_hwaddr(addr, wrapper, piece);
        g_assert(wrapper->data == bytes && wrapper->len == piece);
        wrapper->data = NULL;
        wrapper->len = 0;
        if (result != QEMU_PLUGIN_HWADDR_OPERATION_OK) {
            return false;
        }
        addr += piece;
        bytes += piece;
        len -= piece;
    }
    return true;
}

static bool read_physical(void *context, uint64_t addr, void *buf, size_t len)
{
    (void)context;
    return physical_access(addr, buf, len, false);
}

gp_physical_memory gp_guest_physical_memory(void)
{
    return (gp_physical_memory){ read_physical, NULL };
}

/* Collects the walk's pieces, joining those that are physically adjacent. */
static bool add_extent(void *context, uint64_t addr, uint64_t length)
{
    GArray *extents = context;
    if (extents->len > 0) {
        extent *last = &g_array_index(extents, extent, extents->len - 1);
        if (last->addr + last->length == addr) {
            last->length += length;
            return true;
        }
    }
    extent piece = { addr, length };
    g_array_append_val(extents, piece);
    return true;
}

/* Leaves the physical extents of [ADDR, ADDR+LEN) in the thread's state
 * if the process may access all of it; LEN > 0. */
static bool translate(gp_guest_view *view, uint64_t addr, uint64_t len, gp_access access)
{
    thread_state *state = this_thread();
    if (view->translation && view->translation == state->serial && view->addr == addr &&
        view->length == len &&
        (view->access == access || (view->access == GP_ACCESS_WRITE && access == GP_ACCESS_READ))) {
        return true; /* checked by this view just now: a write check covers reads */
    }
    view->translation = 0;
    const gp_user_paging *paging = paging_of_arch();
    if (!paging || !load_registers(view, paging)) {
        return false;
    }
    state->serial = 0;
    g_array_set_size(state->extents, 0);
    gp_physical_memory physical = gp_guest_physical_memory();
    if (!paging->translate_user(view->registers, &physical, addr, len, access, add_extent,
                                state->extents)) {
        return false;
    }
    state->serial = ++state->next_serial;
    view->translation = state->serial;
    view->addr = addr;
    view->length = len;
    view->access = access;
    return true;
}

bool gp_guest_accessible(gp_guest_view *view, uint64_t addr, size_t len, bool write)
{
    gp_guest_view fresh = GP_GUEST_VIEW_INIT;
    return len == 0 ||
           translate(view ? view : &fresh, addr, len, write ? GP_ACCESS_WRITE : GP_ACCESS_READ);
}

bool gp_guest_executable(gp_guest_view *view, uint64_t addr, size_t len)
{
    gp_guest_view fresh = GP_GUEST_VIEW_INIT;
    return len > 0 && translate(view ? view : &fresh, addr, len, GP_ACCESS_EXECUTE);
}

bool gp_guest_read(gp_guest_view *view, uint64_t addr, void *buf, size_t len)
{
    gp_guest_view fresh = GP_GUEST_VIEW_INIT;
    view = view ? view : &fresh;
    if (len == 0) {
        return true;
    }
    if (!translate(view, addr, len, GP_ACCESS_READ)) {
        return false;
    }
    GArray *extents = this_thread()->extents;
    uint8_t *out = buf;
    for (guint i = 0; i < extents->len; i++) {
        const extent *piece = &g_array_index(extents, extent, i);
        if (!physical_access(piece->addr, out, piece->length, false)) {
            return false;
        }
        out += piece->length;
    }
    return true;
}

/*
 * Every page was checked before the first byte is written, so a range the
 * process may not write is never written at all. What the walk cannot tell
 * is whether a physical page it allowed is memory: a root process can map
 * a hole of the physical address space (/dev/mem). A write there fails
 * after the extents before it were written; the op still fails (-2) and
 * its message stays queued, only that buffer is left half written. Probing
 * every page first would cost a physical read per page, and would read
 * device registers the process never asked to read.
 */
bool gp_guest_write(gp_guest_view *view, uint64_t addr, const void *buf, size_t len)
{
    gp_guest_view fresh = GP_GUEST_VIEW_INIT;
    view = view ? view : &fresh;
    if (len == 0) {
        return true;
    }
    if (!translate(view, addr, len, GP_ACCESS_WRITE)) {
        return false;
    }
    GArray *extents = this_thread()->extents;
    /* QEMU only reads what it writes: the cast lends it the caller's bytes. */
    uint8_t *in = (uint8_t *)(uintptr_t)buf;
    for (guint i = 0; i < extents->len; i++) {
        const extent *piece = &g_array_index(extents, extent, i);
        if (!physical_access(piece->addr, in, piece->length, true)) {
            return false;
        }
        in += piece->length;
    }
    return true;
}

bool gp_guest_address_space(gp_guest_view *view, uint64_t *space)
{
    const gp_user_paging *paging = paging_of_arch();
    if (!paging || !paging->address_space || !load_registers(view, paging)) {
        return false;
    }
    *space = paging->address_space(view->registers);
    return true;
}

static bool address_space_cb(void *context, uint64_t *space)
{
    return gp_guest_address_space(context, space);
}

static bool mapped_cb(void *context, uint64_t addr, size_t len, bool for_write)
{
    return gp_guest_accessible(context, addr, len, for_write);
}

static bool read_cb(void *context, uint64_t addr, void *buf, size_t len)
{
    return gp_guest_read(context, addr, buf, len);
}

static bool write_cb(void *context, uint64_t addr, const void *buf, size_t len)
{
    return gp_guest_write(context, addr, buf, len);
}

gp_guest_memory gp_guest_memory_of(gp_guest_view *view)
{
    return (gp_guest_memory){ .mapped = mapped_cb, .read = read_cb, .write = write_cb,
                              .address_space = address_space_cb, .context = view };
}
