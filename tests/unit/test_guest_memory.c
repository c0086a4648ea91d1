/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of core/guest_memory.c, the glue between the dispatcher and QEMU
 * (the layer where the original hole was), with the real x86 walk and a
 * fake of the few QEMU plugin calls it makes: registers by name, and
 * physical reads and writes of a small guest RAM. They check that bytes
 * reach exactly the frames the page tables map, that a refused range costs
 * not one physical write, that a register QEMU cannot read refuses rather
 * than looking like "paging off", and that an architecture without a walk
 * exposes no memory at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "arch/x86_paging.h"
#include "guest_memory.h"
#include "qemu/qemu-plugin-api.h"
#include "registers.h"

#define PAGE UINT64_C(0x1000)
#define RAM_SIZE (UINT64_C(8) << 20)

/* Table and page bits. */
#define TABLE UINT64_C(0x27)  /* present, writable, user, accessed */
#define USER_RW UINT64_C(0x67) /* ... and dirty */
#define USER_RO UINT64_C(0x65)
#define SUPERVISOR_RW UINT64_C(0x63)

/* ---- the fake QEMU ----------------------------------------------------- */

static struct {
    uint8_t *ram;
    uint64_t registers[GP_PAGING_REGISTERS]; /* cr0, cr3, cr4, efer */
    int unreadable;                          /* index of a register that fails, or -1 */
    unsigned physical_reads, physical_writes;
} qemu;

static const char *const register_names[] = { "cr0", "cr3", "cr4", "efer", "rax" };

GArray *qemu_plugin_get_registers(void)
{
    GArray *list = g_array_new(FALSE, TRUE, sizeof(qemu_plugin_reg_descriptor));
    for (uintptr_t i = 0; i < G_N_ELEMENTS(register_names); i++) {
        qemu_plugin_reg_descriptor reg = { (struct qemu_plugin_register *)(i + 1),
                                           register_names[i], "org.gnu.gdb.i386.core",
                                           false };
        g_array_append_val(list, reg);
    }
    return list;
}

bool qemu_plugin_read_register(struct qemu_plugin_register *handle, GByteArray *buf)
{
    int index = (int)(uintptr_t)handle - 1;
    if (index == qemu.unreadable || index >= GP_PAGING_REGISTERS) {
        return false;
    }
    uint8_t bytes[8];
    for (int i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)(qemu.registers[index] >> (8 * i));
    }
    g_byte_array_append(buf, bytes, sizeof bytes);
    return true;
}

bool qemu_plugin_write_register(struct qemu_plugin_register *handle, GByteArray *buf)
{
    (void)handle;
    (void)buf;
    return false;
}

/* As QEMU 11.1's: set the size to LEN, then fill it. */
enum qemu_plugin_hwaddr_operation_result qemu_plugin_read_memory_hwaddr(uint64_t addr,
                                                                        GByteArray *data,
                                                                        size_t len)
{
    qemu.physical_reads++;
    if (len == 0) {
        return QEMU_PLUGIN_HWADDR_OPERATION_ERROR;
    }
    g_byte_array_set_size(data, (guint)len);
    if (addr >= RAM_SIZE || len > RAM_SIZE - addr) {
        return QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS;
    }
    memcpy(data->data, qemu.ram + addr, len);
    return QEMU_PLUGIN_HWADDR_OPERATION_OK;
}

enum qemu_plugin_hwaddr_operation_result qemu_plugin_write_memory_hwaddr(uint64_t addr,
                                                                         GByteArray *data)
{
    qemu.physical_writes++;
    if (addr >= RAM_SIZE || data->len > RAM_SIZE - addr) {
        return QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS;
    }
    memcpy(qemu.ram + addr, data->data, data->len);
    return QEMU_PLUGIN_HWADDR_OPERATION_OK;
}

/* ---- page tables (4-level long mode) ----------------------------------- */

static uint64_t next_table;

static uint64_t get64(uint64_t addr)
{
    uint64_t value;
    memcpy(&value, qemu.ram + addr, 8);
    return value;
}

static void put64(uint64_t addr, uint64_t value)
{
    memcpy(qemu.ram + addr, &value, 8);
}

/* Maps the 4 KiB page at VADDR to FRAME with FLAGS. */
static void map(uint64_t vaddr, uint64_t frame, uint64_t flags)
{
    uint64_t table = qemu.registers[GP_X86_CR3];
    for (unsigned level = 4; level > 1; level--) {
        uint64_t slot = table + ((vaddr >> (12 + 9 * (level - 1))) & 511) * 8;
        if (!(get64(slot) & 1)) {
            put64(slot, next_table | TABLE);
            next_table += PAGE;
        }
        table = get64(slot) & UINT64_C(0x000ffffffffff000);
    }
    put64(table + ((vaddr >> 12) & 511) * 8, frame | flags);
}

static const gp_arch x86_64_arch = { .target = "x86_64", .register_bytes = 8,
                                     .paging = &gp_x86_user_paging };
static const gp_arch walkless_arch = { .target = "walkless", .register_bytes = 8 };

/* Virtual layout: two writable pages on frames far apart, then a read-only
 * page, then a supervisor page; a writable page on a frame beyond RAM. */
#define BUF UINT64_C(0x400000)
#define FRAME_A UINT64_C(0x300000)
#define FRAME_B UINT64_C(0x200000) /* below A: the pages are not adjacent */
#define FRAME_RO UINT64_C(0x310000)
#define FRAME_KERNEL UINT64_C(0x320000)

static int setup(void **state)
{
    (void)state;
    memset(&qemu, 0, sizeof qemu);
    qemu.ram = g_malloc0(RAM_SIZE);
    qemu.unreadable = -1;
    qemu.registers[GP_X86_CR0] = UINT64_C(0x80000001);
    qemu.registers[GP_X86_CR3] = 0x100000;
    qemu.registers[GP_X86_CR4] = 0x20;
    qemu.registers[GP_X86_EFER] = 0x500;
    next_table = 0x101000;
    map(BUF, FRAME_A, USER_RW);
    map(BUF + PAGE, FRAME_B, USER_RW);
    map(BUF + 2 * PAGE, FRAME_RO, USER_RO);
    map(BUF + 3 * PAGE, FRAME_KERNEL, SUPERVISOR_RW);
    map(BUF + 5 * PAGE, RAM_SIZE + PAGE, USER_RW);
    gp_guest_memory_init(&x86_64_arch, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    g_free(qemu.ram);
    return 0;
}

/* ---- tests ------------------------------------------------------------- */

static void bytes_reach_exactly_the_mapped_frames(void **state)
{
    (void)state;
    uint8_t data[100], back[100];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i + 1);
    }
    /* 50 bytes at the end of page 0, 50 at the start of page 1. */
    assert_true(gp_guest_write(NULL, BUF + PAGE - 50, data, sizeof data));
    assert_memory_equal(qemu.ram + FRAME_A + PAGE - 50, data, 50);
    assert_memory_equal(qemu.ram + FRAME_B, data + 50, 50);
    assert_int_equal(qemu.physical_writes, 2); /* one per frame */
    assert_true(gp_guest_read(NULL, BUF + PAGE - 50, back, sizeof back));
    assert_memory_equal(back, data, sizeof data);
    /* A read-only page is a fine source. */
    memcpy(qemu.ram + FRAME_RO, "read-only", 9);
    assert_true(gp_guest_read(NULL, BUF + 2 * PAGE, back, 9));
    assert_memory_equal(back, "read-only", 9);
}

static void a_refused_write_writes_nothing_at_all(void **state)
{
    (void)state;
    uint8_t data[PAGE + 8];
    memset(data, 'x', sizeof data);
    memset(qemu.ram + FRAME_B, 'b', PAGE);

    assert_false(gp_guest_write(NULL, BUF + 2 * PAGE, data, 8));         /* read-only */
    assert_false(gp_guest_write(NULL, BUF + 3 * PAGE, data, 8));         /* supervisor */
    assert_false(gp_guest_write(NULL, BUF + 4 * PAGE, data, 8));         /* absent */
    assert_false(gp_guest_write(NULL, BUF + 2 * PAGE - 8, data, 16));    /* into read-only */
    assert_false(gp_guest_write(NULL, BUF + PAGE, data, sizeof data));   /* idem */
    assert_int_equal(qemu.physical_writes, 0);
    for (uint64_t i = 0; i < PAGE; i++) {
        assert_int_equal(qemu.ram[FRAME_B + i], 'b');
    }
    uint8_t byte;
    assert_false(gp_guest_read(NULL, BUF + 3 * PAGE, &byte, 1)); /* supervisor */
    assert_false(gp_guest_read(NULL, BUF + 4 * PAGE - 1, &byte, 2));
}

static void a_page_beyond_ram_fails(void **state)
{
    (void)state;
    uint8_t byte = 0;
    assert_true(gp_guest_accessible(NULL, BUF + 5 * PAGE, 1, true)); /* the tables allow it */
    assert_false(gp_guest_write(NULL, BUF + 5 * PAGE, &byte, 1));
    assert_false(gp_guest_read(NULL, BUF + 5 * PAGE, &byte, 1));
}

/* cr0 = 0 would mean paging off, where every address is its own frame. */
static void an_unreadable_register_refuses_instead_of_meaning_paging_off(void **state)
{
    (void)state;
    uint8_t byte = 0;
    for (int reg = 0; reg < GP_PAGING_REGISTERS; reg++) {
        qemu.unreadable = reg;
        assert_false(gp_guest_write(NULL, BUF, &byte, 1));
        assert_false(gp_guest_read(NULL, BUF, &byte, 1));
        assert_false(gp_guest_write(NULL, 0x1000, &byte, 1));
    }
    assert_int_equal(qemu.physical_writes, 0);
    qemu.unreadable = -1;
    assert_true(gp_guest_write(NULL, BUF, &byte, 1));
}

/* The dispatcher asks mapped(), then writes: one walk, not two; a write
 * check also covers a read of the same range, not the reverse. */
static void a_view_reuses_the_translation_it_just_checked(void **state)
{
    (void)state;
    gp_guest_view view = GP_GUEST_VIEW_INIT;
    gp_guest_memory memory = gp_guest_memory_of(&view);
    uint8_t data[16] = "sixteen bytes!!";

    assert_true(memory.mapped(memory.context, BUF + 8, sizeof data, true));
    unsigned after_walk = qemu.physical_reads;
    assert_true(memory.write(memory.context, BUF + 8, data, sizeof data));
    assert_int_equal(qemu.physical_reads, after_walk); /* no second walk */
    assert_true(memory.read(memory.context, BUF + 8, data, sizeof data));
    assert_int_equal(qemu.physical_reads, after_walk + 1); /* just the bytes */

    /* A read check does not stand in for a write. */
    assert_true(memory.mapped(memory.context, BUF + 2 * PAGE, 4, false));
    assert_false(memory.write(memory.context, BUF + 2 * PAGE, data, 4));
    /* Another range is walked anew; so is the same range in a new view. */
    unsigned before = qemu.physical_reads;
    assert_true(memory.mapped(memory.context, BUF, 4, false));
    assert_true(qemu.physical_reads > before);
    gp_guest_view other = GP_GUEST_VIEW_INIT;
    before = qemu.physical_reads;
    assert_true(gp_guest_read(&other, BUF, data, 4));
    assert_true(qemu.physical_reads > before + 1);
    assert_int_equal(qemu.physical_writes, 1);
}

/* Two views on one thread: each keeps its own translation. */
static void a_view_never_uses_another_views_translation(void **state)
{
    (void)state;
    gp_guest_view first = GP_GUEST_VIEW_INIT, second = GP_GUEST_VIEW_INIT;
    uint8_t byte = 0x5a;
    assert_true(gp_guest_accessible(&first, BUF, 1, true));         /* frame A */
    assert_true(gp_guest_accessible(&second, BUF + PAGE, 1, true)); /* frame B */
    assert_true(gp_guest_write(&first, BUF, &byte, 1));
    assert_int_equal(qemu.ram[FRAME_A], 0x5a);
    assert_int_equal(qemu.ram[FRAME_B], 0);
}

/* A page-table change between two hypercalls is seen by the second. */
static void nothing_is_cached_across_views(void **state)
{
    (void)state;
    uint8_t byte = 1;
    assert_true(gp_guest_write(NULL, BUF, &byte, 1));
    map(BUF, FRAME_A, USER_RO); /* the guest write-protects the page */
    assert_false(gp_guest_write(NULL, BUF, &byte, 1));
    map(BUF, FRAME_B, USER_RW); /* and remaps it elsewhere */
    byte = 7;
    assert_true(gp_guest_write(NULL, BUF, &byte, 1));
    assert_int_equal(qemu.ram[FRAME_B], 7);
}

static void an_architecture_without_a_walk_exposes_no_memory(void **state)
{
    (void)state;
    uint8_t byte = 0;
    gp_guest_memory_init(&walkless_arch, NULL);
    assert_false(gp_guest_write(NULL, BUF, &byte, 1));
    assert_false(gp_guest_read(NULL, BUF, &byte, 1));
    assert_false(gp_guest_accessible(NULL, BUF, 1, false));
    assert_true(gp_guest_accessible(NULL, BUF, 0, false));
    assert_int_equal(qemu.physical_reads + qemu.physical_writes, 0);
    gp_guest_memory_init(&x86_64_arch, NULL);
}

int main(void)
{
    char why[128];
    gp_registers_load(NULL, why, sizeof why); /* as the core does at the first vCPU's init */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bytes_reach_exactly_the_mapped_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refused_write_writes_nothing_at_all, setup, teardown),
        cmocka_unit_test_setup_teardown(a_page_beyond_ram_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(
            an_unreadable_register_refuses_instead_of_meaning_paging_off, setup, teardown),
        cmocka_unit_test_setup_teardown(a_view_reuses_the_translation_it_just_checked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_view_never_uses_another_views_translation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(nothing_is_cached_across_views, setup, teardown),
        cmocka_unit_test_setup_teardown(an_architecture_without_a_walk_exposes_no_memory, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("guest_memory", tests, NULL, NULL);
}
