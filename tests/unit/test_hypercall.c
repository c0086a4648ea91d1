/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the hypercall dispatcher (core/hypercall.c) with the channel
 * table (core/channel_table.c) and the manager protocol (core/manager.c),
 * against a fake vCPU: register values go straight into gp_hypercall, and
 * guest memory is a sparse set of 4 KiB pages in a GHashTable, with holes.
 * The fake vCPU runs one process, whose address space is SPACE unless a
 * test switches it; add_channel gives each channel to that process (by
 * token, as guest_daemon's plugins get theirs).
 *
 * Most tests run twice, with 64-bit and with 32-bit registers: results are
 * truncated to the register width and errors are negative at that width.
 *
 * Guest address layout (every address fits in 32 bits):
 *   BUF .. BUF+BUF_SIZE   four mapped pages
 *   EDGE - GUEST_PAGE     one mapped page; the page at EDGE is not mapped,
 *                         so data placed just below EDGE ends at a hole
 *   UNMAPPED              nothing mapped near it
 *   KERNEL                one present page, supervisor only (kernel memory),
 *                         with a user page just below it
 *   READ_ONLY             one present user page, read-only (the zero page,
 *                         copy-on-write, a read-only file mapping, text)
 *   READ_ONLY - GUEST_PAGE  a writable page just below it
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stderr_capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "callback_context.h"
#include "channel_table.h"
#include "guest_log.h"
#include "guestplug/abi.h"
#include "hypercall.h"
#include "manager.h"
#include "token.h"

#define GUEST_PAGE 4096u
#define BUF UINT64_C(0x10000)
#define BUF_SIZE (4 * GUEST_PAGE)
#define EDGE UINT64_C(0x30000)
#define UNMAPPED UINT64_C(0x50000)
#define KERNEL UINT64_C(0x60000)
#define READ_ONLY UINT64_C(0x71000)

#define QUEUE_LIMIT 4096u
#define MAX_CHANNELS 16u
#define GUEST_CHANNELS 8u
#define GUEST_CHANNELS_PER_SPACE 4u
#define MAX_MESSAGE 8192u
/* Address spaces (page-table roots) of the processes in the tests. */
#define SPACE UINT64_C(0x1000)
#define OTHER_SPACE UINT64_C(0x2000)

/* ---- fake guest memory ------------------------------------------------- */

/*
 * The fake vCPU's page tables, as a user-mode access of the calling process
 * sees them: a page is absent, or present with these flags. The raw read
 * and write callbacks ignore the flags, as QEMU's debug accesses do (that
 * is what let a guest user write into read-only page cache), and count
 * every access a user-mode instruction could not have made; the fixture
 * fails a test in which any happened.
 */
#define PAGE_USER 1u     /* clear: supervisor only (kernel memory) */
#define PAGE_WRITABLE 2u /* clear: read-only (zero page, copy-on-write, file, text) */
#define PAGE_RW (PAGE_USER | PAGE_WRITABLE)

typedef struct fake_page {
    unsigned flags;
    uint8_t bytes[GUEST_PAGE];
} fake_page;

typedef struct guest {
    GHashTable *pages;    /* guint64 page number -> fake_page */
    unsigned reads;       /* calls of the read callback */
    unsigned writes;      /* calls of the write callback */
    unsigned bad_reads;   /* reads of a page the process may not read (a bug) */
    unsigned bad_writes;  /* writes to a page the process may not write (a bug) */
    uint64_t address_space;    /* of the process making the hypercalls */
    bool address_space_fails;  /* its registers cannot be read */
    gp_guest_memory memory;
} guest;

static fake_page *guest_page(const guest *g, uint64_t page_number)
{
    return g_hash_table_lookup(g->pages, &page_number);
}

/* May a user-mode access (WRITE: a write) touch every page of [ADDR,
 * ADDR+LEN)? Absent pages never; a range that wraps is not allowed. */
static bool guest_range_allows(const guest *g, uint64_t addr, size_t len, bool write)
{
    if (len == 0) {
        return true;
    }
    uint64_t last = addr + (len - 1);
    if (last < addr) {
        return false;
    }
    unsigned needed = PAGE_USER | (write ? PAGE_WRITABLE : 0);
    for (uint64_t page = addr / GUEST_PAGE; page <= last / GUEST_PAGE; page++) {
        const fake_page *p = guest_page(g, page);
        if (!p || (p->flags & needed) != needed) {
            return false;
        }
    }
    return true;
}

/* Is every page present, whatever its flags? */
static bool guest_range_present(const guest *g, uint64_t addr, size_t len)
{
    if (len && addr + (len - 1) < addr) {
        return false;
    }
    for (uint64_t page = addr / GUEST_PAGE; len && page <= (addr + len - 1) / GUEST_PAGE;
         page++) {
        if (!guest_page(g, page)) {
            return false;
        }
    }
    return true;
}

/* Copies between BUF and present pages, ignoring the flags, page by page. */
static bool copy_pages(const guest *g, uint64_t addr, void *buf, size_t len, bool to_guest)
{
    uint8_t *host = buf;
    if (!guest_range_present(g, addr, len)) {
        return false;
    }
    while (len > 0) {
        fake_page *page = guest_page(g, addr / GUEST_PAGE);
        size_t offset = (size_t)(addr % GUEST_PAGE);
        size_t count = MIN(len, GUEST_PAGE - offset);
        if (to_guest) {
            memcpy(page->bytes + offset, host, count);
        } else {
            memcpy(host, page->bytes + offset, count);
        }
        host += count;
        addr += count;
        len -= count;
    }
    return true;
}

static bool fake_read(void *context, uint64_t addr, void *buf, size_t len)
{
    guest *g = context;
    g->reads++;
    if (!guest_range_allows(g, addr, len, false)) {
        g->bad_reads++; /* the dispatcher should have asked mapped() first */
    }
    return copy_pages(g, addr, buf, len, false);
}

static bool fake_write(void *context, uint64_t addr, const void *buf, size_t len)
{
    guest *g = context;
    g->writes++;
    if (!guest_range_allows(g, addr, len, true)) {
        g->bad_writes++; /* the dispatcher should have asked mapped(.., true) */
    }
    return copy_pages(g, addr, (void *)(uintptr_t)buf, len, true);
}

static bool fake_mapped(void *context, uint64_t addr, size_t len, bool for_write)
{
    return guest_range_allows(context, addr, len, for_write);
}

static bool fake_address_space(void *context, uint64_t *space)
{
    guest *g = context;
    *space = g->address_space;
    return !g->address_space_fails;
}

static void guest_init(guest *g)
{
    memset(g, 0, sizeof *g);
    g->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    g->memory.read = fake_read;
    g->memory.write = fake_write;
    g->memory.mapped = fake_mapped;
    g->memory.address_space = fake_address_space;
    g->memory.context = g;
    g->address_space = SPACE;
}

static void guest_clear(guest *g)
{
    g_hash_table_unref(g->pages);
    g->pages = NULL;
}

/* Maps (zero-filled) every page that [ADDR, ADDR+LEN) touches, with FLAGS;
 * pages already mapped just get FLAGS. */
static void guest_map_with(guest *g, uint64_t addr, size_t len, unsigned flags)
{
    for (uint64_t page = addr / GUEST_PAGE; page <= (addr + len - 1) / GUEST_PAGE; page++) {
        fake_page *p = guest_page(g, page);
        if (!p) {
            guint64 *key = g_new(guint64, 1);
            *key = page;
            p = g_new0(fake_page, 1);
            g_hash_table_insert(g->pages, key, p);
        }
        p->flags = flags;
    }
}

static void guest_map(guest *g, uint64_t addr, size_t len)
{
    guest_map_with(g, addr, len, PAGE_RW);
}

/* Host-side access to guest memory for setting up and checking, whatever
 * the page flags; not counted as the dispatcher's reads or writes. */
static void guest_put(guest *g, uint64_t addr, const void *data, size_t len)
{
    assert_true(copy_pages(g, addr, (void *)(uintptr_t)data, len, true));
}

static void guest_fill(guest *g, uint64_t addr, uint8_t byte, size_t len)
{
    g_autofree uint8_t *bytes = g_malloc(len);
    memset(bytes, byte, len);
    guest_put(g, addr, bytes, len);
}

static void guest_get(guest *g, uint64_t addr, void *out, size_t len)
{
    assert_true(copy_pages(g, addr, out, len, false));
}

/* ---- receive callbacks ------------------------------------------------- */

typedef struct recorder {
    unsigned calls;
    unsigned null_data;      /* calls with DATA NULL */
    gp_channel_id channel;   /* of the last call */
    GPtrArray *messages;     /* GBytes *, one per call, in order */
} recorder;

static void record(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    recorder *r = opaque;
    r->calls++;
    r->null_data += data == NULL;
    r->channel = ch;
    g_ptr_array_add(r->messages, g_bytes_new(len ? data : NULL, len));
}

static void recorder_init(recorder *r)
{
    memset(r, 0, sizeof *r);
    r->messages = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

static void assert_message(const recorder *r, unsigned index, const void *data, size_t len)
{
    assert_true(index < r->messages->len);
    size_t size = 0;
    const void *bytes = g_bytes_get_data(g_ptr_array_index(r->messages, index), &size);
    assert_int_equal(size, len);
    if (len) {
        assert_memory_equal(bytes, data, len);
    }
}

/* ---- fixture ----------------------------------------------------------- */

typedef struct fixture {
    unsigned width; /* register bytes: 8 or 4 */
    gp_channel_table *table;
    gp_hypercall_limits limits;
    guest guest;
    recorder rec[2];
} fixture;

static unsigned width8 = 8, width4 = 4;

static gp_channel_limits limits_of(size_t queue_limit, size_t max_channels, bool open)
{
    return (gp_channel_limits){
        .queue_limit = queue_limit,
        .max_channels = max_channels,
        .guest_channels = MIN(GUEST_CHANNELS, max_channels - 1),
        .guest_channels_per_space = GUEST_CHANNELS_PER_SPACE,
        .open = open,
    };
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->width = *state ? *(const unsigned *)*state : 8;
    gp_channel_limits limits = limits_of(QUEUE_LIMIT, MAX_CHANNELS, false);
    f->table = gp_channel_table_new(&limits);
    gp_guest_log_reset(); /* each test starts with the guest's whole log budget */
    f->limits.max_message = MAX_MESSAGE;
    guest_init(&f->guest);
    guest_map(&f->guest, BUF, BUF_SIZE);
    guest_map(&f->guest, EDGE - GUEST_PAGE, GUEST_PAGE);
    guest_map(&f->guest, KERNEL - GUEST_PAGE, GUEST_PAGE);
    guest_map_with(&f->guest, KERNEL, GUEST_PAGE, PAGE_WRITABLE);
    guest_map(&f->guest, READ_ONLY - GUEST_PAGE, GUEST_PAGE);
    guest_map_with(&f->guest, READ_ONLY, GUEST_PAGE, PAGE_USER);
    recorder_init(&f->rec[0]);
    recorder_init(&f->rec[1]);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    /* No read of a page the process may not read, no write of a page it
     * may not write, whatever the test did. */
    int result = f->guest.bad_writes == 0 && f->guest.bad_reads == 0 ? 0 : -1;
    gp_channel_table_free(f->table);
    guest_clear(&f->guest);
    g_ptr_array_unref(f->rec[0].messages);
    g_ptr_array_unref(f->rec[1].messages);
    g_free(f);
    return result;
}

/* Starts the test over with a table of other limits. */
static void replace_table_with(fixture *f, const gp_channel_limits *limits)
{
    gp_channel_table_free(f->table);
    f->table = gp_channel_table_new(limits);
}

static void replace_table(fixture *f, size_t queue_limit, size_t max_channels)
{
    gp_channel_limits limits = limits_of(queue_limit, max_channels, false);
    replace_table_with(f, &limits);
}

/* Gives channel ID a fresh token and claims it for ADDRESS_SPACE, as a
 * guest plugin claims its main channel; the token is left in *TOKEN. */
static void give_to(fixture *f, gp_channel_id id, uint64_t address_space, gp_token *token)
{
    gp_token fresh;
    gp_channel_id claimed = GP_CHANNEL_INVALID;
    token = token ? token : &fresh;
    assert_true(gp_token_generate(token));
    assert_int_equal(gp_channel_table_set_token(f->table, id, token), 0);
    assert_int_equal(gp_channel_table_claim(f->table, token, address_space, &claimed), 0);
    assert_int_equal(claimed, id);
}

/* A host channel, given to the fixture's process. */
static gp_channel_id add_channel(fixture *f, const char *name, gp_channel_recv_fn recv,
                                 void *opaque)
{
    gp_channel_id id = GP_CHANNEL_INVALID;
    assert_int_equal(gp_channel_table_add(f->table, name, recv, opaque, &id), 0);
    assert_int_not_equal(id, GP_CHANNEL_INVALID);
    give_to(f, id, f->guest.address_space, NULL);
    return id;
}

static uint64_t hypercall(fixture *f, uint64_t op, uint64_t channel, uint64_t arg1,
                          uint64_t arg2)
{
    gp_hypercall call = { .op = op, .channel = channel, .arg1 = arg1, .arg2 = arg2 };
    return gp_hypercall_dispatch(f->table, &f->limits, &call, &f->guest.memory, f->width);
}

/* -CODE as the guest sees it in a register of the fixture's width. */
static uint64_t err(const fixture *f, unsigned code)
{
    return f->width == 8 ? UINT64_MAX - code + 1 : (uint64_t)(UINT32_MAX - code + 1);
}

/* ---- capturing the host log (gp_log writes lines to stderr) ------------ */

/* A hypercall with its host log in *LOG. Assertions come after stderr is
 * restored, so a failure is still reported on the terminal. */
static uint64_t hypercall_logged(fixture *f, char **log, uint64_t op, uint64_t channel,
                                 uint64_t arg1, uint64_t arg2)
{
    log_capture capture;
    capture_start(&capture);
    uint64_t result = hypercall(f, op, channel, arg1, arg2);
    *log = capture_stop(&capture);
    return result;
}

static unsigned count_lines(const char *text)
{
    unsigned lines = 0;
    for (; *text; text++) {
        lines += *text == '\n';
    }
    return lines;
}

/* ---- the fake itself --------------------------------------------------- */

static void fake_guest_memory_has_holes_where_expected(void **state)
{
    fixture *f = *state;
    guest *g = &f->guest;
    uint8_t byte;

    for (int write = 0; write < 2; write++) {
        assert_true(fake_mapped(g, BUF, BUF_SIZE, write));
        assert_false(fake_mapped(g, BUF - 1, 2, write));
        assert_false(fake_mapped(g, BUF, BUF_SIZE + 1, write));
        assert_true(fake_mapped(g, EDGE - 1, 1, write));
        assert_false(fake_mapped(g, EDGE - 1, 2, write));
        assert_false(fake_mapped(g, UNMAPPED, 1, write));
        assert_false(fake_mapped(g, UINT64_MAX, 2, write)); /* wraps around */
        assert_false(fake_mapped(g, KERNEL, 1, write));
        assert_false(fake_mapped(g, KERNEL - 1, 2, write));
    }
    assert_true(fake_mapped(g, READ_ONLY, GUEST_PAGE, false));
    assert_false(fake_mapped(g, READ_ONLY, 1, true));
    assert_false(fake_mapped(g, READ_ONLY - 1, 2, true));
    assert_true(fake_read(g, EDGE - 1, &byte, 1));
    assert_false(fake_read(g, EDGE, &byte, 1));
    assert_false(fake_write(g, EDGE, &byte, 1));
    assert_int_equal(g->bad_reads, 1);
    assert_int_equal(g->bad_writes, 1);
    /* The raw callbacks ignore the flags, like QEMU's debug access, and say so. */
    assert_true(fake_read(g, KERNEL, &byte, 1));
    assert_int_equal(g->bad_reads, 2);
    assert_true(fake_write(g, READ_ONLY, &byte, 1));
    assert_int_equal(g->bad_writes, 2);
    g->bad_reads = g->bad_writes = 0; /* those were ours */
}

/* ---- START, STOP, unknown ops ----------------------------------------- */

static void start_returns_inverted_magic_at_register_width(void **state)
{
    fixture *f = *state;
    uint64_t expected = f->width == 8 ? UINT64_C(0xffffffffecc83f2c) : UINT64_C(0xecc83f2c);

    assert_int_equal(hypercall(f, GP_OP_START, 0, 0, 0), expected);
    /* Whatever else is in the registers does not matter. */
    assert_int_equal(hypercall(f, GP_OP_START, 12345, UNMAPPED, UINT64_MAX), expected);
}

static void stop_returns_zero(void **state)
{
    fixture *f = *state;
    assert_int_equal(hypercall(f, GP_OP_STOP, 0, 0, 0), 0);
    assert_int_equal(hypercall(f, GP_OP_STOP, 999, UNMAPPED, UINT64_MAX), 0);
}

static void unknown_ops_return_unknown_op_error(void **state)
{
    fixture *f = *state;
    /* -5 spelled out, to check the error helper too. */
    uint64_t minus5 = f->width == 8 ? UINT64_C(0xfffffffffffffffb) : UINT64_C(0xfffffffb);
    assert_int_equal(err(f, GP_ERR_UNKNOWN_OP), minus5);

    const uint64_t ops[] = { 0, 10, 0x100, UINT32_MAX, UINT64_MAX,
                             (UINT64_C(1) << 32) | GP_OP_START };
    for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
        assert_int_equal(hypercall(f, ops[i], 0, BUF, 16), minus5);
    }
    assert_int_equal(f->guest.reads, 0);
    assert_int_equal(f->guest.writes, 0);
}

/* ---- WRITE (guest -> host) --------------------------------------------- */

static void write_delivers_exact_bytes_once_to_the_right_channel(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    gp_channel_id b = add_channel(f, "beta", record, &f->rec[1]);
    uint8_t data[100];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7 + 1);
    }
    /* Spans the boundary between two mapped pages. */
    uint64_t addr = BUF + GUEST_PAGE - 30;
    guest_put(&f->guest, addr, data, sizeof data);

    assert_int_equal(hypercall(f, GP_OP_WRITE, a, addr, sizeof data), sizeof data);
    assert_int_equal(f->rec[0].calls, 1);
    assert_int_equal(f->rec[0].channel, a);
    assert_message(&f->rec[0], 0, data, sizeof data);
    assert_int_equal(f->rec[1].calls, 0);

    guest_put(&f->guest, BUF, "seven!!", 7);
    assert_int_equal(hypercall(f, GP_OP_WRITE, b, BUF, 7), 7);
    assert_int_equal(f->rec[1].calls, 1);
    assert_int_equal(f->rec[1].channel, b);
    assert_message(&f->rec[1], 0, "seven!!", 7);

    /* A second WRITE on A is a second call, with only its own bytes. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, addr + 10, 5), 5);
    assert_int_equal(f->rec[0].calls, 2);
    assert_message(&f->rec[0], 1, data + 10, 5);
    assert_int_equal(f->rec[1].calls, 1);

    /* A channel without a callback accepts and drops the message. */
    gp_channel_id silent = add_channel(f, "silent", NULL, NULL);
    assert_int_equal(hypercall(f, GP_OP_WRITE, silent, BUF, 7), 7);
    assert_int_equal(f->rec[0].calls + f->rec[1].calls, 3);
}

static void write_to_unknown_channel_is_not_found(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    assert_int_equal(not_found, f->width == 8 ? UINT64_MAX : UINT32_MAX);

    assert_int_equal(hypercall(f, GP_OP_WRITE, a + 1000, BUF, 8), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, GP_CHANNEL_INVALID, BUF, 8), not_found);
    /* An id with bits above 32 does not alias channel A. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, (UINT64_C(1) << 32) | a, BUF, 8), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, UINT64_MAX, BUF, 8), not_found);
    assert_int_equal(f->rec[0].calls, 0);
}

static void write_from_unmapped_buffer_is_bad_address_and_not_delivered(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);

    assert_int_equal(hypercall(f, GP_OP_WRITE, a, UNMAPPED, 16), bad_address);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, 0, 1), bad_address);
    /* Starts on a mapped page and runs into the hole. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, EDGE - 8, 9), bad_address);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, EDGE - 1, 2), bad_address);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF + BUF_SIZE - 4, 8), bad_address);
    assert_int_equal(f->rec[0].calls, 0);

    /* The same buffer, cut to end at the hole, is fine. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, EDGE - 8, 8), 8);
    assert_int_equal(f->rec[0].calls, 1);
}

static void write_over_max_message_is_too_large_without_reading_memory(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    uint64_t too_large = err(f, GP_ERR_TOO_LARGE);
    uint64_t register_max = f->width == 8 ? UINT64_MAX : UINT32_MAX;

    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, MAX_MESSAGE + 1), too_large);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, register_max), too_large);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, UNMAPPED, register_max), too_large);
    assert_int_equal(f->guest.reads, 0);
    assert_int_equal(f->rec[0].calls, 0);

    /* Exactly the limit is allowed. */
    guest_fill(&f->guest, BUF, 0x5a, MAX_MESSAGE);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, MAX_MESSAGE), MAX_MESSAGE);
    assert_int_equal(f->rec[0].calls, 1);
    g_autofree uint8_t *expected = g_malloc(MAX_MESSAGE);
    memset(expected, 0x5a, MAX_MESSAGE);
    assert_message(&f->rec[0], 0, expected, MAX_MESSAGE);
}

typedef struct thread_call {
    fixture *f;
    gp_hypercall call;
    uint64_t result;
} thread_call;

static gpointer hypercall_thread(gpointer data)
{
    thread_call *t = data;
    t->result = gp_hypercall_dispatch(t->f->table, &t->f->limits, &t->call,
                                      &t->f->guest.memory, t->f->width);
    return NULL;
}

static void write_of_zero_bytes_calls_back_with_empty_message(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);

    /* Nothing is read, so even an unmapped address is fine. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, UNMAPPED, 0), 0);
    assert_int_equal(f->rec[0].calls, 1);
    assert_int_equal(f->rec[0].channel, a);
    assert_message(&f->rec[0], 0, NULL, 0);

    /* Also as the very first WRITE of a thread (a vCPU's first hypercall). */
    thread_call t = { .f = f, .call = { GP_OP_WRITE, a, UNMAPPED, 0 } };
    g_thread_join(g_thread_new("first-write", hypercall_thread, &t));
    assert_int_equal(t.result, 0);
    assert_int_equal(f->rec[0].calls, 2);
    assert_message(&f->rec[0], 1, NULL, 0);
    /* Still a valid pointer, so a callback's memcpy(dst, data, 0) is defined. */
    assert_int_equal(f->rec[0].null_data, 0);
}

/* ---- READ (host -> guest) ---------------------------------------------- */

static void push(fixture *f, gp_channel_id ch, const char *text)
{
    assert_int_equal(gp_channel_table_push(f->table, ch, text, strlen(text)), 0);
}

/* READs CAPACITY bytes into BUF (filled with '#' first) and checks that
 * EXPECTED was delivered and the byte after it is untouched. */
static void assert_read(fixture *f, gp_channel_id ch, uint64_t capacity, const char *expected)
{
    size_t len = strlen(expected);
    char got[256];
    assert_true(len + 1 <= sizeof got);
    guest_fill(&f->guest, BUF, '#', len + 1);

    assert_int_equal(hypercall(f, GP_OP_READ, ch, BUF, capacity), len);
    guest_get(&f->guest, BUF, got, len + 1);
    assert_memory_equal(got, expected, len);
    assert_int_equal(got[len], '#');
}

static void read_delivers_host_messages_in_fifo_order(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    gp_channel_id b = add_channel(f, "beta", NULL, NULL);

    push(f, a, "first");
    push(f, b, "other channel");
    push(f, a, "second message");
    push(f, a, "3");

    assert_read(f, a, 64, "first");
    assert_read(f, a, 64, "second message");
    assert_read(f, a, 64, "3");
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
    assert_read(f, b, 64, "other channel");
    assert_int_equal(gp_channel_table_queued(f->table, a), 0);
    assert_int_equal(gp_channel_table_queued(f->table, b), 0);
}

static void read_delivers_long_message_in_pieces_without_joining(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);

    push(f, a, "0123456789");
    push(f, a, "AB");
    push(f, a, "CDEF");
    assert_int_equal(gp_channel_table_queued(f->table, a), 16);

    assert_read(f, a, 4, "0123");
    assert_int_equal(gp_channel_table_queued(f->table, a), 12);
    assert_read(f, a, 4, "4567");
    /* The rest of the first message only, although "AB" would fit too. */
    assert_read(f, a, 4, "89");
    assert_read(f, a, 4, "AB");
    assert_read(f, a, 3, "CDE");
    assert_read(f, a, 100, "F");
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 4), 0);
}

static void read_with_nothing_queued_returns_zero_and_writes_nothing(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);

    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, a, UNMAPPED, 64), 0);
    assert_int_equal(f->guest.writes, 0);
}

static void read_from_unknown_channel_is_not_found(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    push(f, a, "kept");
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);

    assert_int_equal(hypercall(f, GP_OP_READ, a + 1000, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, GP_CHANNEL_INVALID, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, (UINT64_C(1) << 32) | a, BUF, 64), not_found);
    assert_int_equal(f->guest.writes, 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), 4);
}

static void read_into_unmapped_buffer_is_bad_address_and_keeps_message(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);
    char got[16];

    push(f, a, "sixteen bytes!!!");
    push(f, a, "next");
    guest_fill(&f->guest, EDGE - 8, '#', 8);

    assert_int_equal(hypercall(f, GP_OP_READ, a, UNMAPPED, 64), bad_address);
    /* Eight bytes would fit before the hole; deliver none rather than some. */
    assert_int_equal(hypercall(f, GP_OP_READ, a, EDGE - 8, 64), bad_address);
    guest_get(&f->guest, EDGE - 8, got, 8);
    assert_memory_equal(got, "########", 8);
    assert_int_equal(gp_channel_table_queued(f->table, a), 20);

    /* Read part of it, fail again: the rest stays intact. */
    assert_read(f, a, 5, "sixte");
    assert_int_equal(hypercall(f, GP_OP_READ, a, EDGE - 4, 64), bad_address);
    assert_int_equal(gp_channel_table_queued(f->table, a), 15);
    assert_read(f, a, 64, "en bytes!!!");
    assert_read(f, a, 64, "next");
    assert_int_equal(f->guest.bad_writes, 0);
}

/* ---- page protections: what the calling process could not do itself ---- */

/* A READ into a read-only page (the zero page, a copy-on-write page not yet
 * broken, a read-only mapping of /etc/passwd, the program's text) would
 * have let any user change what it maps. */
static void read_into_read_only_page_is_bad_address_and_writes_nothing(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);
    const char *payload = "root::0:0:root:/root:/bin/sh";
    g_autofree uint8_t *page = g_malloc(GUEST_PAGE);
    char below[8];

    push(f, a, payload);
    guest_fill(&f->guest, READ_ONLY, 'r', GUEST_PAGE);
    guest_fill(&f->guest, READ_ONLY - 8, 'w', 8);

    assert_int_equal(hypercall(f, GP_OP_READ, a, READ_ONLY, 64), bad_address);
    assert_int_equal(hypercall(f, GP_OP_READ, a, READ_ONLY + GUEST_PAGE - 4, 4), bad_address);
    /* Starting on the writable page below: nothing is written there either. */
    assert_int_equal(hypercall(f, GP_OP_READ, a, READ_ONLY - 8, 64), bad_address);
    assert_int_equal(f->guest.writes, 0);
    guest_get(&f->guest, READ_ONLY, page, GUEST_PAGE);
    for (size_t i = 0; i < GUEST_PAGE; i++) {
        assert_int_equal(page[i], 'r');
    }
    guest_get(&f->guest, READ_ONLY - 8, below, sizeof below);
    assert_memory_equal(below, "wwwwwwww", 8);

    /* The message is still whole, and a writable buffer gets all of it. */
    assert_int_equal(gp_channel_table_queued(f->table, a), strlen(payload));
    assert_read(f, a, 64, payload);
    /* The end of the writable page, right below the read-only one, is fine. */
    push(f, a, "edge");
    assert_int_equal(hypercall(f, GP_OP_READ, a, READ_ONLY - 4, 4), 4);
    guest_get(&f->guest, READ_ONLY - 4, below, 4);
    assert_memory_equal(below, "edge", 4);
}

/* A READ into kernel memory (modprobe_path, say) would hand the guest's
 * root to any user. */
static void read_into_kernel_page_is_bad_address_and_writes_nothing(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);
    char got[16];

    push(f, a, "/tmp/evil");
    guest_put(&f->guest, KERNEL, "/sbin/modprobe", 15);
    guest_fill(&f->guest, KERNEL - 4, 'u', 4);

    assert_int_equal(hypercall(f, GP_OP_READ, a, KERNEL, 64), bad_address);
    assert_int_equal(hypercall(f, GP_OP_READ, a, KERNEL - 4, 64), bad_address);
    assert_int_equal(f->guest.writes, 0);
    guest_get(&f->guest, KERNEL, got, 15);
    assert_string_equal(got, "/sbin/modprobe");
    guest_get(&f->guest, KERNEL - 4, got, 4);
    assert_memory_equal(got, "uuuu", 4);
    assert_read(f, a, 64, "/tmp/evil");
}

/* No host plugin needed: the core's own manager queues a 4-byte reply that
 * a READ could otherwise place anywhere. */
static void manager_reply_goes_only_where_the_process_may_write(void **state)
{
    fixture *f = *state;
    gp_channel_id target = add_channel(f, "target", NULL, NULL);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);
    uint64_t manager = hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0);
    uint8_t request[10] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0 };
    uint8_t reply[4];

    memcpy(request + 4, "target", 6);
    guest_put(&f->guest, BUF, request, sizeof request);
    assert_int_equal(hypercall(f, GP_OP_WRITE, manager, BUF, sizeof request), sizeof request);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 4);

    assert_int_equal(hypercall(f, GP_OP_READ, manager, KERNEL, 4), bad_address);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, READ_ONLY, 4), bad_address);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, READ_ONLY - 2, 4), bad_address);
    assert_int_equal(f->guest.writes, 0);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 4);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF + 0x200, 64), 4);
    guest_get(&f->guest, BUF + 0x200, reply, sizeof reply);
    assert_int_equal(reply[0] | reply[1] << 8 | reply[2] << 16 | (uint32_t)reply[3] << 24,
                     target);
}

/* WRITE, ERROR and GET_CHANNEL_BY_NAME read guest memory: from a kernel
 * page they would hand kernel memory (linux_banner, keys) to the host
 * plugin, the host log or the name lookup's answer. */
static void ops_reading_kernel_pages_are_bad_address_and_leak_nothing(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);
    guest_put(&f->guest, KERNEL, "alpha Linux version 6.1", 23);
    guest_put(&f->guest, KERNEL - 3, "alp", 3);

    assert_int_equal(hypercall(f, GP_OP_WRITE, a, KERNEL, 23), bad_address);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, KERNEL - 3, 8), bad_address);
    assert_int_equal(f->rec[0].calls, 0);

    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, KERNEL, 23), bad_address);
    assert_string_equal(log, "");
    g_free(log);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, KERNEL - 3, 8), bad_address);
    assert_string_equal(log, "");
    g_free(log);

    /* The kernel page holds a valid name: the answer must not tell. */
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, KERNEL, 5),
                     bad_address);
    assert_string_equal(log, "");
    g_free(log);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, KERNEL - 3, 5),
                     bad_address);
    assert_string_equal(log, "");
    g_free(log);
    assert_int_equal(f->guest.reads, 0);
}

/* Reading needs no write permission: a read-only page (a string in
 * .rodata, a file mapped read-only) is a fine source. */
static void ops_reading_read_only_pages_work(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    guest_put(&f->guest, READ_ONLY - 2, "alpha text", 10);

    assert_int_equal(hypercall(f, GP_OP_WRITE, a, READ_ONLY - 2, 10), 10);
    assert_message(&f->rec[0], 0, "alpha text", 10);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, READ_ONLY - 2, 5), a);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, READ_ONLY - 2, 10), 0);
    assert_non_null(strstr(log, "alpha text"));
    g_free(log);
}

static void read_with_zero_capacity_consumes_nothing(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    push(f, a, "waiting");

    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 0), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, a, UNMAPPED, 0), 0);
    assert_int_equal(f->guest.writes, 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), 7);
    assert_read(f, a, 64, "waiting");
}

static void read_with_huge_capacity_delivers_one_whole_message(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    uint64_t register_max = f->width == 8 ? UINT64_MAX : UINT32_MAX;
    push(f, a, "whole");
    push(f, a, "separate");

    assert_read(f, a, register_max, "whole");
    assert_read(f, a, register_max, "separate");
}

static void read_consumes_empty_host_message_as_zero(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    assert_int_equal(gp_channel_table_push(f->table, a, NULL, 0), 0);
    push(f, a, "after");

    /* An empty message reads as 0 bytes and is consumed (PANDA's meaning). */
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
    assert_read(f, a, 64, "after");
}

/* ---- queue limit ------------------------------------------------------- */

/* Each message counts its bytes and GP_MESSAGE_OVERHEAD; a message's
 * room comes back when the guest has read all of it. */
static void push_beyond_queue_limit_is_refused_until_the_guest_reads(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", NULL, NULL);
    gp_channel_id b = add_channel(f, "beta", NULL, NULL);
    const size_t most = QUEUE_LIMIT - GP_MESSAGE_OVERHEAD; /* the largest message */
    g_autofree uint8_t *big = g_malloc0(QUEUE_LIMIT + 1);

    assert_int_equal(gp_channel_table_push(f->table, a, big, QUEUE_LIMIT + 1), -EMSGSIZE);
    assert_int_equal(gp_channel_table_push(f->table, a, big, most + 1), -EMSGSIZE);
    assert_int_equal(gp_channel_table_push(f->table, a + 1000, big, 1), -ENOENT);

    const size_t first = 3000;
    const size_t rest = QUEUE_LIMIT - 2 * GP_MESSAGE_OVERHEAD - first;
    assert_int_equal(gp_channel_table_push(f->table, a, big, first), 0);
    assert_int_equal(gp_channel_table_push(f->table, a, big, rest + 1), -ENOBUFS);
    assert_int_equal(gp_channel_table_push(f->table, a, big, rest), 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), first + rest);
    assert_int_equal(gp_channel_table_push(f->table, a, big, 0), -ENOBUFS); /* empty counts */
    assert_int_equal(gp_channel_table_queued(f->table, a), first + rest);
    /* The limit is per channel. */
    assert_int_equal(gp_channel_table_push(f->table, b, big, most), 0);

    /* Part of the head read: no room yet, its allocation is still there. */
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 100), 100);
    assert_int_equal(gp_channel_table_push(f->table, a, big, 0), -ENOBUFS);

    /* The rest of the head read: its bytes and overhead are free again. */
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, BUF_SIZE), first - 100);
    assert_int_equal(gp_channel_table_push(f->table, a, big, first + 1), -ENOBUFS);
    assert_int_equal(gp_channel_table_push(f->table, a, big, first), 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), first + rest);
}

/* ---- GET_CHANNEL_BY_NAME ----------------------------------------------- */

static void get_channel_by_name_finds_name_ending_at_a_hole(void **state)
{
    fixture *f = *state;
    add_channel(f, "other", NULL, NULL);
    gp_channel_id probe = add_channel(f, "probe", NULL, NULL);

    /* No NUL after the name: the next byte is on an unmapped page. */
    guest_put(&f->guest, EDGE - 5, "probe", 5);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, EDGE - 5, 5), probe);

    /* The channel register is not used. */
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, UINT64_MAX, EDGE - 5, 5), probe);
}

static void get_channel_by_name_compares_exactly_length_bytes(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id probe = add_channel(f, "probe", NULL, NULL);
    guest_put(&f->guest, BUF, "probes", 6);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);

    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 5), probe);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 4),
                     not_found);
    g_free(log);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 6),
                     not_found);
    g_free(log);
    /* No read at all for an empty name, and no channel is named "". */
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, UNMAPPED, 0),
                     not_found);
    g_free(log);
}

static void get_channel_by_name_unknown_logs_and_is_not_found(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    add_channel(f, "probe", NULL, NULL);
    guest_put(&f->guest, BUF, "no-such-plugin", 14);

    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 14),
                     err(f, GP_ERR_NOT_FOUND));
    assert_non_null(strstr(log, "failed to find channel number"));
    assert_non_null(strstr(log, "\"no-such-plugin\""));
    assert_int_equal(count_lines(log), 1);
    g_free(log);
}

static void get_channel_by_name_over_max_length_is_too_large(void **state)
{
    fixture *f = *state;
    char name[GP_MAX_NAME_LENGTH + 1];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    gp_channel_id longest = add_channel(f, name, NULL, NULL);
    guest_put(&f->guest, BUF, name, GP_MAX_NAME_LENGTH);
    guest_put(&f->guest, BUF + GP_MAX_NAME_LENGTH, "n", 1);
    uint64_t too_large = err(f, GP_ERR_TOO_LARGE);

    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, GP_MAX_NAME_LENGTH),
                     longest);
    unsigned reads = f->guest.reads;
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, GP_MAX_NAME_LENGTH + 1),
                     too_large);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, UNMAPPED,
                               f->width == 8 ? UINT64_MAX : UINT32_MAX),
                     too_large);
    assert_int_equal(f->guest.reads, reads);
}

static void get_channel_by_name_on_unmapped_page_is_bad_address(void **state)
{
    fixture *f = *state;
    add_channel(f, "probe", NULL, NULL);
    guest_put(&f->guest, EDGE - 4, "prob", 4);
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);

    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, UNMAPPED, 5), bad_address);
    /* Four bytes mapped, the fifth not. */
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, EDGE - 4, 5), bad_address);
}

static void get_channel_by_name_with_embedded_nul_never_matches(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    add_channel(f, "ab", NULL, NULL);
    add_channel(f, "abcd", NULL, NULL);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);

    guest_put(&f->guest, BUF, "ab\0cd", 5);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 3),
                     not_found);
    g_free(log);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 5),
                     not_found);
    /* The NUL is shown escaped, not cutting the log line short. */
    assert_non_null(strstr(log, "ab\\x00cd"));
    g_free(log);
}

/* ---- GET_MANAGER and the manager protocol ------------------------------ */

static void get_manager_returns_a_fresh_manager_channel_each_time(void **state)
{
    fixture *f = *state;
    gp_channel_id named = add_channel(f, "named", NULL, NULL);
    gp_channel_id ids[3];

    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        uint64_t result = hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0);
        assert_true(result < GP_CHANNEL_INVALID);
        ids[i] = (gp_channel_id)result;
        assert_int_not_equal(ids[i], 0);
        assert_int_not_equal(ids[i], named);
        for (size_t j = 0; j < i; j++) {
            assert_int_not_equal(ids[i], ids[j]);
        }
        gp_channel_recv_fn recv = NULL;
        void *opaque = NULL;
        assert_int_equal(gp_channel_table_receiver(f->table, GP_CALLER_HOST, ids[i], &recv,
                                                   &opaque), 0);
        assert_ptr_equal(recv, gp_manager_recv);
        assert_ptr_equal(opaque, f->table);
    }
}

static void get_manager_on_a_full_table_is_full(void **state)
{
    fixture *f = *state;
    replace_table(f, QUEUE_LIMIT, 3);
    add_channel(f, "one", NULL, NULL);
    uint64_t first = hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0);
    uint64_t second = hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0);
    assert_true(first < GP_CHANNEL_INVALID);
    assert_true(second < GP_CHANNEL_INVALID);
    assert_int_not_equal(first, second);

    assert_int_equal(hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0), err(f, GP_ERR_FULL));
    assert_int_equal(hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0), err(f, GP_ERR_FULL));
    gp_channel_id id;
    assert_int_equal(gp_channel_table_add(f->table, "late", NULL, NULL, &id), -ENOSPC);
}

/* Puts a manager message (4-byte LE op + payload) at BUF. */
static size_t put_manager_message(fixture *f, uint32_t op, const void *payload, size_t len)
{
    uint8_t header[4] = { (uint8_t)op, (uint8_t)(op >> 8), (uint8_t)(op >> 16),
                          (uint8_t)(op >> 24) };
    guest_put(&f->guest, BUF, header, 4);
    guest_put(&f->guest, BUF + 4, payload, len);
    return 4 + len;
}

static gp_channel_id get_manager(fixture *f)
{
    uint64_t result = hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0);
    assert_true(result < GP_CHANNEL_INVALID);
    return (gp_channel_id)result;
}

static void manager_get_channel_from_name_replies_little_endian_id(void **state)
{
    fixture *f = *state;
    assert_int_equal(gp_channel_table_add_fixed(f->table, 0x01020304, "target", NULL, NULL), 0);
    give_to(f, 0x01020304, SPACE, NULL); /* only what it owns is found for it */
    gp_channel_id manager = get_manager(f);
    uint8_t reply[8];

    size_t len = put_manager_message(f, GP_MANAGER_GET_CHANNEL_FROM_NAME, "target", 6);
    assert_int_equal(hypercall(f, GP_OP_WRITE, manager, BUF, len), len);
    guest_fill(&f->guest, BUF + 0x100, '#', sizeof reply);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF + 0x100, sizeof reply), 4);
    guest_get(&f->guest, BUF + 0x100, reply, sizeof reply);
    assert_memory_equal(reply, "\x04\x03\x02\x01####", 8);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF + 0x100, sizeof reply), 0);

    /* The reply goes to the manager channel it was asked on. */
    gp_channel_id other = get_manager(f);
    assert_int_equal(hypercall(f, GP_OP_WRITE, other, BUF, len), len);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 0);
    assert_int_equal(gp_channel_table_queued(f->table, other), 4);
}

static void manager_unknown_name_queues_nothing_and_logs(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id manager = get_manager(f);

    size_t len = put_manager_message(f, GP_MANAGER_GET_CHANNEL_FROM_NAME, "missing", 7);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_WRITE, manager, BUF, len), len);
    assert_non_null(strstr(log, "failed to find channel number"));
    assert_non_null(strstr(log, "\"missing\""));
    assert_int_equal(count_lines(log), 1);
    g_free(log);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF, 64), 0);
}

static void manager_debug_output_is_logged_on_one_line(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id manager = get_manager(f);

    size_t len = put_manager_message(f, GP_MANAGER_DEBUG_OUTPUT, "hello\nworld", 11);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_WRITE, manager, BUF, len), len);
    assert_non_null(strstr(log, "hello\\x0aworld"));
    assert_int_equal(count_lines(log), 1);
    g_free(log);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 0);
}

static void manager_ignores_short_and_unknown_messages(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    gp_channel_id manager = get_manager(f);
    guest_put(&f->guest, BUF, "\0\0\0", 3);

    for (size_t len = 0; len < 4; len++) {
        assert_int_equal(hypercall_logged(f, &log, GP_OP_WRITE, manager, BUF, len), len);
        assert_non_null(strstr(log, "has no op"));
        g_free(log);
    }
    size_t len = put_manager_message(f, 7, "x", 1);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_WRITE, manager, BUF, len), len);
    assert_non_null(strstr(log, "unknown op 7"));
    g_free(log);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 0);
}

/* ---- ERROR ------------------------------------------------------------- */

static void error_logs_text_with_control_characters_escaped(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    const char text[] = "bad\nthing\x1b[31m\\";
    guest_put(&f->guest, BUF, text, sizeof text - 1);

    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 42, BUF, sizeof text - 1), 0);
    assert_non_null(strstr(log, "bad\\x0athing\\x1b[31m\\x5c"));
    assert_non_null(strstr(log, "channel 42"));
    assert_null(strstr(log, "[truncated]"));
    assert_int_equal(count_lines(log), 1);
    g_free(log);

    /* An empty text still makes a line. */
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, UNMAPPED, 0), 0);
    assert_non_null(strstr(log, "guest error"));
    assert_int_equal(count_lines(log), 1);
    g_free(log);
}

static void error_with_unmapped_text_is_bad_address(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    uint64_t bad_address = err(f, GP_ERR_BAD_ADDRESS);

    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, UNMAPPED, 10), bad_address);
    assert_string_equal(log, "");
    g_free(log);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, EDGE - 4, 5), bad_address);
    assert_string_equal(log, "");
    g_free(log);
}

static void error_text_over_limit_is_truncated_and_says_so(void **state)
{
    fixture *f = *state;
    char *log = NULL;
    /* The whole limit fits below the hole: nothing past it may be read. */
    uint64_t text = EDGE - GP_MAX_ERROR_TEXT;
    guest_fill(&f->guest, text, 'x', GP_MAX_ERROR_TEXT);
    g_autofree char *all_x = g_strnfill(GP_MAX_ERROR_TEXT, 'x');
    g_autofree char *one_more = g_strnfill(GP_MAX_ERROR_TEXT + 1, 'x');

    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, text, GP_MAX_ERROR_TEXT + 1), 0);
    assert_non_null(strstr(log, all_x));
    assert_null(strstr(log, one_more));
    assert_non_null(strstr(log, "[truncated]"));
    assert_int_equal(count_lines(log), 1);
    g_free(log);

    uint64_t register_max = f->width == 8 ? UINT64_MAX : UINT32_MAX;
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, text, register_max), 0);
    assert_non_null(strstr(log, "[truncated]"));
    g_free(log);

    /* Exactly the limit is not truncated. */
    assert_int_equal(hypercall_logged(f, &log, GP_OP_ERROR, 0, text, GP_MAX_ERROR_TEXT), 0);
    assert_non_null(strstr(log, all_x));
    assert_null(strstr(log, "[truncated]"));
    g_free(log);
}

/* ---- callbacks that use the table -------------------------------------- */

typedef struct reentry {
    gp_channel_table *table;
    unsigned calls;
    int push_result, add_result, find_result, set_recv_result, receiver_result;
    gp_channel_id added, found;
    size_t queued;
} reentry;

static void reenter_table(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    reentry *r = opaque;
    gp_channel_recv_fn recv = NULL;
    void *recv_opaque = NULL;

    r->calls++;
    r->push_result = gp_channel_table_push(r->table, ch, data, len);
    r->add_result = gp_channel_table_add(r->table, "born-in-callback", NULL, NULL, &r->added);
    r->find_result = gp_channel_table_find(r->table, GP_CALLER_HOST, "born-in-callback", 16,
                                           &r->found);
    r->set_recv_result = gp_channel_table_set_recv(r->table, ch, reenter_table, r);
    r->receiver_result = gp_channel_table_receiver(r->table, GP_CALLER_HOST, ch, &recv,
                                                   &recv_opaque);
    r->queued = gp_channel_table_queued(r->table, ch);
}

static void write_callback_may_call_back_into_the_table(void **state)
{
    fixture *f = *state;
    reentry r = { .table = f->table };
    gp_channel_id a = add_channel(f, "alpha", reenter_table, &r);
    guest_put(&f->guest, BUF, "echo me", 7);

    /* A lock held across the callback would hang here: turn that into a
     * failure (SIGALRM ends the process) instead of a stuck test run. */
    alarm(30);
    uint64_t result = hypercall(f, GP_OP_WRITE, a, BUF, 7);
    alarm(0);

    assert_int_equal(result, 7);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.push_result, 0);
    assert_int_equal(r.add_result, 0);
    assert_int_equal(r.find_result, 0);
    assert_int_equal(r.found, r.added);
    assert_int_equal(r.set_recv_result, 0);
    assert_int_equal(r.receiver_result, 0);
    assert_int_equal(r.queued, 7);
    assert_read(f, a, 64, "echo me");
}

/* ---- ownership: channels belong to whoever was given them --------------- */

/* Runs the next hypercalls as the process of ADDRESS_SPACE. */
static void become(fixture *f, uint64_t address_space)
{
    f->guest.address_space = address_space;
}

/* Puts TOKEN's hex digits at ADDR. */
static void put_token(fixture *f, uint64_t addr, const gp_token *token)
{
    char text[GP_TOKEN_LENGTH + 1];
    gp_token_format(token, text);
    guest_put(&f->guest, addr, text, GP_TOKEN_LENGTH);
}

/* Every op another process makes on a channel it does not own gets what a
 * channel that does not exist gets: -1, no callback, no byte delivered,
 * the queue untouched, and the same log line as an unknown name. */
static void ops_of_another_address_space_find_no_channel(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "victim", record, &f->rec[0]);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    char *log = NULL;
    push(f, a, "secret for the victim");
    guest_put(&f->guest, BUF, "forged result", 13);

    become(f, OTHER_SPACE);
    guest_fill(&f->guest, BUF + 0x100, '#', 64);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF + 0x100, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF + 0x100, 0), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, 13), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, 0), not_found);
    assert_int_equal(f->rec[0].calls, 0);
    assert_int_equal(f->guest.writes, 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), 21);

    guest_put(&f->guest, BUF, "victim", 6);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 6), not_found);
    assert_non_null(strstr(log, "failed to find channel number for channel \"victim\""));
    g_free(log);
    /* Nor through the manager: no reply, the same log line. */
    gp_channel_id manager = get_manager(f);
    size_t len = put_manager_message(f, GP_MANAGER_GET_CHANNEL_FROM_NAME, "victim", 6);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_WRITE, manager, BUF, len), len);
    assert_non_null(strstr(log, "failed to find channel number"));
    g_free(log);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 0);

    /* The owner still has all of it. */
    become(f, SPACE);
    assert_read(f, a, 64, "secret for the victim");
    guest_put(&f->guest, BUF, "real result", 11);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, 11), 11);
    assert_int_equal(f->rec[0].calls, 1);
    assert_message(&f->rec[0], 0, "real result", 11);
    /* And the other process's manager channel is its alone. */
    assert_int_equal(hypercall(f, GP_OP_WRITE, manager, BUF, 4), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF, 4), not_found);
}

/* A process whose address space cannot be told may use no channel. */
static void a_caller_without_an_address_space_finds_no_channel(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "alpha", record, &f->rec[0]);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    push(f, a, "kept");
    guest_put(&f->guest, BUF, "alpha", 5);
    f->guest.address_space_fails = true;

    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, 5), not_found);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 5), not_found);
    assert_int_equal(hypercall(f, GP_OP_GET_MANAGER, 0, 0, 0), not_found);
    assert_int_equal(f->rec[0].calls, 0);
    assert_int_equal(gp_channel_table_queued(f->table, a), 4);
    /* START needs no channel. */
    assert_int_not_equal(hypercall(f, GP_OP_START, 0, 0, 0), not_found);
}

static void claim_with_the_token_binds_the_channel_to_the_caller(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "plugin", record, &f->rec[0]);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    gp_token token;
    push(f, a, "for the plugin");
    give_to(f, a, SPACE, &token); /* a fresh token, as at each load */

    become(f, OTHER_SPACE); /* a child after fork: a new address space */
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    put_token(f, BUF + 0x800, &token);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF + 0x800, GP_TOKEN_LENGTH), a);
    assert_read(f, a, 64, "for the plugin");
    /* Claiming again changes nothing; the first owner keeps it too. */
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF + 0x800, GP_TOKEN_LENGTH), a);
    become(f, SPACE);
    guest_put(&f->guest, BUF + 0x100, "parent", 6);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF + 0x100, 6), 6);

    /* Upper-case digits are the same token. */
    char upper[GP_TOKEN_LENGTH + 1];
    gp_token_format(&token, upper);
    for (char *c = upper; *c; c++) {
        *c = (char)g_ascii_toupper(*c);
    }
    become(f, UINT64_C(0x3000));
    guest_put(&f->guest, BUF, upper, GP_TOKEN_LENGTH);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), a);
}

static void claim_with_a_bad_token_is_not_found_and_logs_no_token(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "plugin", NULL, NULL);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    gp_token token;
    give_to(f, a, SPACE, &token);
    char text[GP_TOKEN_LENGTH + 1];
    gp_token_format(&token, text);
    char *log = NULL;

    become(f, OTHER_SPACE);
    /* One digit off. */
    char near[GP_TOKEN_LENGTH + 1];
    memcpy(near, text, sizeof near);
    near[GP_TOKEN_LENGTH - 1] = near[GP_TOKEN_LENGTH - 1] == '0' ? '1' : '0';
    guest_put(&f->guest, BUF, near, GP_TOKEN_LENGTH);
    assert_int_equal(hypercall_logged(f, &log, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH),
                     not_found);
    assert_non_null(strstr(log, "a claim with a token no channel has"));
    assert_null(strstr(log, near));
    assert_null(strstr(log, text));
    g_free(log);
    /* Not hex, too short, too long, a prefix of the real one. */
    guest_put(&f->guest, BUF, "zz", 2);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), not_found);
    guest_put(&f->guest, BUF, text, GP_TOKEN_LENGTH);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH - 1), not_found);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH + 1), not_found);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, 0), not_found);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, UINT64_MAX), not_found);
    /* The token where the process may not read it: -2, nothing claimed. */
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, KERNEL, GP_TOKEN_LENGTH),
                     err(f, GP_ERR_BAD_ADDRESS));
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, EDGE - 16, GP_TOKEN_LENGTH),
                     err(f, GP_ERR_BAD_ADDRESS));
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    /* The all-zero token of a channel without one claims nothing. */
    guest_fill(&f->guest, BUF, '0', GP_TOKEN_LENGTH);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), not_found);
}

/* RELEASE gives the caller's claim back, and only the caller's. */
static void release_gives_back_only_the_callers_claim(void **state)
{
    fixture *f = *state;
    gp_token token;
    gp_channel_id a = add_channel(f, "plugin", NULL, NULL);
    give_to(f, a, SPACE, &token);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    become(f, OTHER_SPACE);
    put_token(f, BUF + 0x800, &token);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF + 0x800, GP_TOKEN_LENGTH), a);

    assert_int_equal(hypercall(f, GP_OP_RELEASE, a, 0, 0), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_RELEASE, a, 0, 0), not_found); /* once */
    assert_int_equal(hypercall(f, GP_OP_RELEASE, a + 1000, 0, 0), not_found);
    assert_int_equal(hypercall(f, GP_OP_RELEASE, (UINT64_C(1) << 32) | a, 0, 0), not_found);
    become(f, SPACE);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0); /* the other owner keeps it */
    /* Given back, it can be claimed again with the token. */
    become(f, OTHER_SPACE);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF + 0x800, GP_TOKEN_LENGTH), a);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
    /* A process that owns nothing cannot take others' claims away. */
    become(f, UINT64_C(0x3000));
    assert_int_equal(hypercall(f, GP_OP_RELEASE, a, 0, 0), not_found);
    become(f, SPACE);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
}

/* A new token (the plugin loaded again) takes the channel from the last
 * run's processes; a revoked one claims nothing. */
static void a_new_token_takes_the_channel_from_its_owners(void **state)
{
    fixture *f = *state;
    gp_channel_id a = add_channel(f, "plugin", NULL, NULL);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    gp_token old_token, new_token;
    give_to(f, a, SPACE, &old_token);
    assert_true(gp_token_generate(&new_token));
    assert_int_equal(gp_channel_table_set_token(f->table, a, &new_token), 0);

    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    put_token(f, BUF, &old_token);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), not_found);
    put_token(f, BUF, &new_token);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), a);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);

    assert_int_equal(gp_channel_table_set_token(f->table, a, NULL), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), not_found);
}

/* channels=open: named channels are everyone's, as in PANDA; a channel
 * kept private (guest_daemon's channel 0) and anonymous ones are not. */
static void open_channels_are_everyones_except_private_and_anonymous_ones(void **state)
{
    fixture *f = *state;
    gp_channel_limits limits = limits_of(QUEUE_LIMIT, MAX_CHANNELS, true);
    replace_table_with(f, &limits);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);
    gp_channel_id named = GP_CHANNEL_INVALID, anonymous = GP_CHANNEL_INVALID;
    assert_int_equal(gp_channel_table_add(f->table, "public", record, &f->rec[0], &named), 0);
    assert_int_equal(gp_channel_table_add(f->table, NULL, record, &f->rec[1], &anonymous), 0);
    assert_int_equal(gp_channel_table_add_fixed(f->table, 0, "guest_daemon", record, &f->rec[1]),
                     0);
    assert_int_equal(gp_channel_table_keep_private(f->table, 0), 0);
    push(f, 0, "LOAD");

    guest_put(&f->guest, BUF, "public", 6);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 6), named);
    assert_int_equal(hypercall(f, GP_OP_WRITE, named, BUF, 6), 6);
    assert_int_equal(f->rec[0].calls, 1);
    gp_channel_id manager = get_manager(f);
    size_t len = put_manager_message(f, GP_MANAGER_GET_CHANNEL_FROM_NAME, "public", 6);
    assert_int_equal(hypercall(f, GP_OP_WRITE, manager, BUF, len), len);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 4);

    guest_put(&f->guest, BUF, "guest_daemon", 12);
    assert_int_equal(hypercall(f, GP_OP_GET_CHANNEL_BY_NAME, 0, BUF, 12), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, 0, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, 0, BUF, 12), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, anonymous, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_WRITE, anonymous, BUF, 12), not_found);
    assert_int_equal(f->rec[1].calls, 0);
    assert_int_equal(gp_channel_table_queued(f->table, 0), 4);
    /* Another process's manager channel stays its own. */
    become(f, OTHER_SPACE);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF, 64), not_found);
}

/* GET_MANAGER: a channel of the caller's alone, up to its share; the
 * guest's share in all leaves the rest of the table to the host. */
static void get_manager_shares_leave_room_for_the_host(void **state)
{
    fixture *f = *state;
    uint64_t full = err(f, GP_ERR_FULL);
    char *log = NULL;

    for (unsigned i = 0; i < GUEST_CHANNELS_PER_SPACE; i++) {
        get_manager(f);
    }
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_MANAGER, 0, 0, 0), full);
    assert_non_null(strstr(log, "guest_channels_per_process=4"));
    g_free(log);
    /* Another process has its own share, until the guest's is used up. */
    become(f, OTHER_SPACE);
    for (unsigned i = GUEST_CHANNELS_PER_SPACE; i < GUEST_CHANNELS; i++) {
        get_manager(f);
    }
    become(f, UINT64_C(0x3000));
    assert_int_equal(hypercall_logged(f, &log, GP_OP_GET_MANAGER, 0, 0, 0), full);
    assert_non_null(strstr(log, "guest_channels=8"));
    g_free(log);
    /* The host can still make channels: for guest plugins to load. */
    for (unsigned i = GUEST_CHANNELS; i < MAX_CHANNELS; i++) {
        gp_channel_id id;
        char name[16];
        g_snprintf(name, sizeof name, "plugin%u", i);
        assert_int_equal(gp_channel_table_add(f->table, name, NULL, NULL, &id), 0);
    }
    gp_channel_id id;
    assert_int_equal(gp_channel_table_add(f->table, "one-too-many", NULL, NULL, &id), -ENOSPC);
    /* A revert gives the guest its share back. */
    assert_int_equal(gp_channel_table_revert(f->table), GUEST_CHANNELS);
    get_manager(f);
}

/* A revert rewinds the guest: its channels are gone, nobody owns anything
 * any more, queued messages are dropped; tokens still claim. */
static void revert_reclaims_guest_channels_and_forgets_owners(void **state)
{
    fixture *f = *state;
    gp_token token;
    gp_channel_id a = add_channel(f, "plugin", NULL, NULL);
    give_to(f, a, SPACE, &token);
    gp_channel_id manager = get_manager(f);
    push(f, a, "stale");
    push(f, manager, "stale");
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);

    assert_int_equal(gp_channel_table_revert(f->table), 1);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), not_found);
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF, 64), not_found);
    assert_int_equal(gp_channel_table_push(f->table, manager, "x", 1), -ENOENT);
    assert_int_equal(gp_channel_table_queued(f->table, a), 0);
    put_token(f, BUF, &token);
    assert_int_equal(hypercall(f, GP_OP_CLAIM, 0, BUF, GP_TOKEN_LENGTH), a);
    assert_int_equal(hypercall(f, GP_OP_READ, a, BUF, 64), 0);
}

/* Unread manager replies are bounded: asking without reading queues no
 * more than GP_MANAGER_QUEUE_LIMIT, and says so (once, rate-limited). */
static void manager_replies_are_bounded(void **state)
{
    fixture *f = *state;
    add_channel(f, "target", NULL, NULL);
    gp_channel_id manager = get_manager(f);
    size_t len = put_manager_message(f, GP_MANAGER_GET_CHANNEL_FROM_NAME, "target", 6);
    char *log = NULL;

    log_capture capture;
    capture_start(&capture);
    for (unsigned i = 0; i < 1000; i++) {
        hypercall(f, GP_OP_WRITE, manager, BUF, len);
    }
    log = capture_stop(&capture);
    size_t most = GP_MANAGER_QUEUE_LIMIT / (4 + GP_MESSAGE_OVERHEAD);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 4 * most);
    assert_non_null(strstr(log, "request dropped"));
    assert_true(count_lines(log) < 1000 - most); /* rate-limited */
    g_free(log);
    /* Reading makes room again. */
    assert_int_equal(hypercall(f, GP_OP_READ, manager, BUF + 0x100, 4), 4);
    assert_int_equal(hypercall(f, GP_OP_WRITE, manager, BUF, len), len);
    assert_int_equal(gp_channel_table_queued(f->table, manager), 4 * most);
}

typedef struct writer_seen {
    gp_callback_context context;
    gp_channel_id made;
    gp_channel_table *table;
} writer_seen;

/* A host plugin's callback runs knowing who wrote, and a channel it makes
 * there belongs to the same owners (host_api.c does the copy). */
static void note_writer(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    writer_seen *seen = opaque;
    (void)data, (void)len;
    seen->context = gp_callback_context_current();
    assert_int_equal(gp_channel_table_add(seen->table, NULL, NULL, NULL, &seen->made), 0);
    assert_int_equal(gp_channel_table_copy_owners(seen->table, seen->made, ch), 0);
}

static void a_callback_knows_its_writer_and_can_hand_it_a_channel(void **state)
{
    fixture *f = *state;
    writer_seen seen = { .table = f->table };
    gp_channel_id a = add_channel(f, "alpha", note_writer, &seen);
    uint64_t not_found = err(f, GP_ERR_NOT_FOUND);

    assert_false(gp_callback_context_current().active);
    assert_int_equal(hypercall(f, GP_OP_WRITE, a, BUF, 1), 1);
    assert_true(seen.context.active);
    assert_int_equal(seen.context.channel, a);
    assert_int_equal(seen.context.address_space, SPACE);
    assert_false(gp_callback_context_current().active); /* left again */
    assert_int_equal(hypercall(f, GP_OP_READ, seen.made, BUF, 1), 0);
    become(f, OTHER_SPACE);
    assert_int_equal(hypercall(f, GP_OP_READ, seen.made, BUF, 1), not_found);
}

/* ---- threads ----------------------------------------------------------- */

#define PRODUCERS 4
#define CONSUMERS 2
#define WRITERS 2
#define MESSAGES 2000 /* per producer and per writer */

typedef struct shared {
    gp_channel_table *table;
    gp_hypercall_limits limits;
    gp_channel_id ch;
    gint consumed;      /* messages READ so far, all consumers */
    gint push_errors;   /* push results other than 0 and -ENOBUFS */
    gint recv_calls;    /* WRITE callbacks */
    gint recv_bytes;
} shared;

typedef struct worker {
    shared *shared;
    unsigned index;
    guest guest;                           /* a vCPU's own memory */
    unsigned read_errors;                  /* bad READ results */
    unsigned order_errors;                 /* a producer's messages out of order */
    uint8_t seen[PRODUCERS][MESSAGES];     /* consumers: times each message arrived */
} worker;

static void count_recv(gp_channel_id ch, const uint8_t *data, size_t len, void *opaque)
{
    shared *s = opaque;
    (void)ch;
    (void)data;
    g_atomic_int_inc(&s->recv_calls);
    g_atomic_int_add(&s->recv_bytes, (gint)len);
}

static gpointer producer_thread(gpointer data)
{
    worker *w = data;
    shared *s = w->shared;
    for (uint32_t seq = 0; seq < MESSAGES; seq++) {
        uint32_t message[2] = { w->index, seq };
        int result;
        while ((result = gp_channel_table_push(s->table, s->ch, message, sizeof message)) ==
               -ENOBUFS) {
            g_thread_yield();
        }
        if (result != 0) {
            g_atomic_int_inc(&s->push_errors);
        }
    }
    return NULL;
}

static gpointer consumer_thread(gpointer data)
{
    worker *w = data;
    shared *s = w->shared;
    int last[PRODUCERS];
    for (size_t p = 0; p < PRODUCERS; p++) {
        last[p] = -1;
    }
    while (g_atomic_int_get(&s->consumed) < PRODUCERS * MESSAGES) {
        gp_hypercall call = { GP_OP_READ, s->ch, BUF, 8 };
        uint64_t result = gp_hypercall_dispatch(s->table, &s->limits, &call, &w->guest.memory, 8);
        if (result == 0) {
            g_thread_yield();
            continue;
        }
        uint32_t message[2] = { 0, 0 };
        if (result != 8 || !fake_read(&w->guest, BUF, message, sizeof message) ||
            message[0] >= PRODUCERS || message[1] >= MESSAGES) {
            w->read_errors++;
            break;
        }
        /* Each consumer sees a subsequence of the queue, so per producer
         * the sequence numbers still rise. */
        if ((int)message[1] <= last[message[0]]) {
            w->order_errors++;
        }
        last[message[0]] = (int)message[1];
        w->seen[message[0]][message[1]]++;
        g_atomic_int_inc(&s->consumed);
    }
    return NULL;
}

static gpointer writer_thread(gpointer data)
{
    worker *w = data;
    shared *s = w->shared;
    for (unsigned i = 0; i < MESSAGES; i++) {
        gp_hypercall call = { GP_OP_WRITE, s->ch, BUF, 16 };
        if (gp_hypercall_dispatch(s->table, &s->limits, &call, &w->guest.memory, 8) != 16) {
            w->read_errors++;
        }
    }
    return NULL;
}

static void concurrent_pushes_reads_and_writes_keep_every_message(void **state)
{
    fixture *f = *state;
    shared s = { .table = f->table, .limits = f->limits };
    s.ch = add_channel(f, "busy", count_recv, &s);
    worker *workers = g_new0(worker, PRODUCERS + CONSUMERS + WRITERS);
    GThread *threads[PRODUCERS + CONSUMERS + WRITERS];

    for (unsigned i = 0; i < PRODUCERS + CONSUMERS + WRITERS; i++) {
        workers[i].shared = &s;
        workers[i].index = i;
        guest_init(&workers[i].guest);
        guest_map(&workers[i].guest, BUF, GUEST_PAGE);
    }
    for (unsigned i = 0; i < PRODUCERS + CONSUMERS + WRITERS; i++) {
        GThreadFunc fn = i < PRODUCERS               ? producer_thread
                         : i < PRODUCERS + CONSUMERS ? consumer_thread
                                                     : writer_thread;
        threads[i] = g_thread_new("hypercall-test", fn, &workers[i]);
    }
    for (unsigned i = 0; i < PRODUCERS + CONSUMERS + WRITERS; i++) {
        g_thread_join(threads[i]);
    }

    assert_int_equal(g_atomic_int_get(&s.push_errors), 0);
    assert_int_equal(g_atomic_int_get(&s.consumed), PRODUCERS * MESSAGES);
    assert_int_equal(g_atomic_int_get(&s.recv_calls), WRITERS * MESSAGES);
    assert_int_equal(g_atomic_int_get(&s.recv_bytes), WRITERS * MESSAGES * 16);
    for (unsigned i = 0; i < PRODUCERS + CONSUMERS + WRITERS; i++) {
        assert_int_equal(workers[i].read_errors, 0);
        assert_int_equal(workers[i].order_errors, 0);
        assert_int_equal(workers[i].guest.bad_writes, 0);
        assert_int_equal(workers[i].guest.bad_reads, 0);
    }
    /* Every message arrived exactly once, at one consumer or the other. */
    for (unsigned p = 0; p < PRODUCERS; p++) {
        for (unsigned seq = 0; seq < MESSAGES; seq++) {
            unsigned times = 0;
            for (unsigned c = PRODUCERS; c < PRODUCERS + CONSUMERS; c++) {
                times += workers[c].seen[p][seq];
            }
            assert_int_equal(times, 1);
        }
    }
    assert_int_equal(gp_channel_table_queued(f->table, s.ch), 0);
    assert_int_equal(hypercall(f, GP_OP_READ, s.ch, BUF, 64), 0);

    for (unsigned i = 0; i < PRODUCERS + CONSUMERS + WRITERS; i++) {
        guest_clear(&workers[i].guest);
    }
    g_free(workers);
}

/* ---- main -------------------------------------------------------------- */

/* Runs a test with 64-bit and with 32-bit registers. */
#define BOTH_WIDTHS(fn)                                                                   \
    { #fn " (64-bit registers)", fn, setup, teardown, &width8 },                          \
    { #fn " (32-bit registers)", fn, setup, teardown, &width4 }
#define ONCE(fn) { #fn, fn, setup, teardown, &width8 }

int main(void)
{
    const struct CMUnitTest tests[] = {
        ONCE(fake_guest_memory_has_holes_where_expected),
        BOTH_WIDTHS(start_returns_inverted_magic_at_register_width),
        BOTH_WIDTHS(stop_returns_zero),
        BOTH_WIDTHS(unknown_ops_return_unknown_op_error),
        BOTH_WIDTHS(write_delivers_exact_bytes_once_to_the_right_channel),
        BOTH_WIDTHS(write_to_unknown_channel_is_not_found),
        BOTH_WIDTHS(write_from_unmapped_buffer_is_bad_address_and_not_delivered),
        BOTH_WIDTHS(write_over_max_message_is_too_large_without_reading_memory),
        BOTH_WIDTHS(write_of_zero_bytes_calls_back_with_empty_message),
        BOTH_WIDTHS(read_delivers_host_messages_in_fifo_order),
        BOTH_WIDTHS(read_delivers_long_message_in_pieces_without_joining),
        BOTH_WIDTHS(read_with_nothing_queued_returns_zero_and_writes_nothing),
        BOTH_WIDTHS(read_from_unknown_channel_is_not_found),
        BOTH_WIDTHS(read_into_unmapped_buffer_is_bad_address_and_keeps_message),
        BOTH_WIDTHS(read_into_read_only_page_is_bad_address_and_writes_nothing),
        BOTH_WIDTHS(read_into_kernel_page_is_bad_address_and_writes_nothing),
        BOTH_WIDTHS(manager_reply_goes_only_where_the_process_may_write),
        BOTH_WIDTHS(ops_reading_kernel_pages_are_bad_address_and_leak_nothing),
        BOTH_WIDTHS(ops_reading_read_only_pages_work),
        BOTH_WIDTHS(read_with_zero_capacity_consumes_nothing),
        BOTH_WIDTHS(read_with_huge_capacity_delivers_one_whole_message),
        BOTH_WIDTHS(read_consumes_empty_host_message_as_zero),
        BOTH_WIDTHS(push_beyond_queue_limit_is_refused_until_the_guest_reads),
        BOTH_WIDTHS(get_channel_by_name_finds_name_ending_at_a_hole),
        BOTH_WIDTHS(get_channel_by_name_compares_exactly_length_bytes),
        BOTH_WIDTHS(get_channel_by_name_unknown_logs_and_is_not_found),
        BOTH_WIDTHS(get_channel_by_name_over_max_length_is_too_large),
        BOTH_WIDTHS(get_channel_by_name_on_unmapped_page_is_bad_address),
        BOTH_WIDTHS(get_channel_by_name_with_embedded_nul_never_matches),
        BOTH_WIDTHS(get_manager_returns_a_fresh_manager_channel_each_time),
        BOTH_WIDTHS(get_manager_on_a_full_table_is_full),
        BOTH_WIDTHS(manager_get_channel_from_name_replies_little_endian_id),
        BOTH_WIDTHS(manager_unknown_name_queues_nothing_and_logs),
        BOTH_WIDTHS(manager_debug_output_is_logged_on_one_line),
        BOTH_WIDTHS(manager_ignores_short_and_unknown_messages),
        BOTH_WIDTHS(error_logs_text_with_control_characters_escaped),
        BOTH_WIDTHS(error_with_unmapped_text_is_bad_address),
        BOTH_WIDTHS(error_text_over_limit_is_truncated_and_says_so),
        BOTH_WIDTHS(write_callback_may_call_back_into_the_table),
        BOTH_WIDTHS(ops_of_another_address_space_find_no_channel),
        BOTH_WIDTHS(a_caller_without_an_address_space_finds_no_channel),
        BOTH_WIDTHS(claim_with_the_token_binds_the_channel_to_the_caller),
        BOTH_WIDTHS(claim_with_a_bad_token_is_not_found_and_logs_no_token),
        BOTH_WIDTHS(a_new_token_takes_the_channel_from_its_owners),
        BOTH_WIDTHS(release_gives_back_only_the_callers_claim),
        BOTH_WIDTHS(open_channels_are_everyones_except_private_and_anonymous_ones),
        BOTH_WIDTHS(get_manager_shares_leave_room_for_the_host),
        BOTH_WIDTHS(revert_reclaims_guest_channels_and_forgets_owners),
        BOTH_WIDTHS(manager_replies_are_bounded),
        ONCE(a_callback_knows_its_writer_and_can_hand_it_a_channel),
        ONCE(concurrent_pushes_reads_and_writes_keep_every_message),
    };
    return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
