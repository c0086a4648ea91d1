/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hermetic hypercall test: a freestanding program (no OS, no C library)
 * booted by QEMU 11.1 with libguestplug.so and the channel_test host plugin
 * loaded (tests/plugins/channel_test: channels echo, seq, print, control).
 * The same source builds for x86_64, i386, aarch64 and arm (A32 and Thumb);
 * what differs between them is behind hermetic_arch.h, one file per family
 * (arch_x86.c, arch_aarch64.c, arch_arm.c). The boot stubs set up the CPU
 * and call hermetic_main(), whose result becomes QEMU's exit status
 * (hermetic.h).
 *
 * Every op is exercised through both trap forms: ours (through the guest
 * library, guest/lib) and PANDA's (the arch file's inline asm), by the same
 * checks. Each check prints one line to the console ("ok ..." or
 * "FAIL ..."); the last line is "hermetic: ARCH: N passed, M failed". Lines
 * starting with "info" report QEMU behaviour the ABI leaves open (flags
 * after a trap); they never fail. tests/integration/hermetic_x86.sh and
 * hermetic_arm.sh check the exit status, these lines and the host's side of
 * the story in QEMU's output.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch.h" /* gp_arch_hypercall: the guest library's trap */
#include "checks.h"
#include "guestplug/abi.h"
#include "guestplug/channel.h"
#include "hermetic.h"

int hermetic_main(void);

/* The arch's memory map (hermetic_arch.h), shortened for the checks. */
#define M hermetic_memory_map

/*
 * The compiler may emit calls to these even in freestanding code (struct
 * copies, zeroing); there is no C library to provide them. The build uses
 * -fno-tree-loop-distribute-patterns so these loops stay loops.
 */
void *memcpy(void *dest, const void *src, size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dest;
}

void *memset(void *dest, int c, size_t n)
{
    unsigned char *d = dest;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dest;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] - y[i];
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

/* ---- output, through the arch's console ---- */

void put_str(const char *s)
{
    while (*s) {
        hermetic_arch_putc(*s++);
    }
}

void put_hex(reg value)
{
    char digits[2 + 2 * sizeof(reg) + 1];
    int i = (int)sizeof digits - 1;
    digits[i] = 0;
    do {
        digits[--i] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value);
    digits[--i] = 'x';
    digits[--i] = '0';
    put_str(digits + i);
}

void put_dec(reg value)
{
    char digits[24];
    int i = (int)sizeof digits - 1;
    digits[i] = 0;
    do {
        digits[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    put_str(digits + i);
}

/* ---- small string helpers (no C library) ---- */

/* DEST = A B C (any may be NULL); DEST has room for SIZE bytes. */
char *join(char *dest, size_t size, const char *a, const char *b, const char *c)
{
    const char *parts[3] = { a, b, c };
    size_t n = 0;
    for (int p = 0; p < 3; p++) {
        for (const char *s = parts[p]; s && *s && n + 1 < size; s++) {
            dest[n++] = *s;
        }
    }
    dest[n] = 0;
    return dest;
}

static bool starts_with(const char *text, size_t length, const char *prefix)
{
    size_t n = strlen(prefix);
    return length >= n && memcmp(text, prefix, n) == 0;
}

static reg parse_dec(const char *text, size_t length)
{
    reg value = 0;
    for (size_t i = 0; i < length && text[i] >= '0' && text[i] <= '9'; i++) {
        value = value * 10 + (reg)(text[i] - '0');
    }
    return value;
}

/* ---- checks ---- */

static unsigned passed, failed;
const char *section = "boot";

void report(bool ok, const char *what, reg got, reg want, bool show_want)
{
    if (ok) {
        passed++;
    } else {
        failed++;
    }
    put_str(ok ? "ok   " : "FAIL ");
    put_str(ARCH " ");
    put_str(section);
    put_str(": ");
    put_str(what);
    put_str(" -> ");
    put_hex(got);
    if (!ok && show_want) {
        put_str(", expected ");
        put_hex(want);
    }
    put_str("\n");
}

void info(const char *what, reg value)
{
    put_str("info " ARCH " ");
    put_str(section);
    put_str(": ");
    put_str(what);
    put_str(" -> ");
    put_hex(value);
    put_str("\n");
}

/* ---- the two trap forms, behind one signature ---- */

/* Ours, from the guest library's header. */
reg ours_hypercall(reg op, reg channel, reg arg1, reg arg2)
{
    return gp_arch_hypercall(op, channel, arg1, arg2);
}

/* PANDA's form, from the arch file. The host must skip its instruction;
 * count every call where an argument register came back changed. */
static unsigned panda_calls, panda_clobbers;

static reg panda_hypercall(reg op, reg channel, reg arg1, reg arg2)
{
    regs in = { GP_MAGIC, op, channel, arg1, arg2 };
    regs out = hermetic_panda_trap(in);
    panda_calls++;
    if (!regs_args_equal(out, in)) {
        panda_clobbers++;
    }
    return out.magic;
}

/* ---- the hypercall registers, for the arch files' trap probes ---- */

bool regs_args_equal(regs a, regs b)
{
    return a.op == b.op && a.channel == b.channel && a.arg1 == b.arg1 && a.arg2 == b.arg2;
}

bool regs_equal(regs a, regs b)
{
    return a.magic == b.magic && regs_args_equal(a, b);
}

/* ---- the op suite, run once per trap form ---- */

/* Test buffers, in .bss: RAM the program owns, always present (identity
 * mapped where paging is on). */
char buffer[BUFFER_SIZE];
static char text[512];
static uint32_t seq_next; /* the seq channel counts across both forms */

reg lookup(hypercall_fn hc, const char *name)
{
    return hc(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg)name, strlen(name));
}

reg send(hypercall_fn hc, reg channel, const void *data, size_t length)
{
    return hc(GP_OP_WRITE, channel, (reg)data, length);
}

reg send_text(hypercall_fn hc, reg channel, const char *message)
{
    return send(hc, channel, message, strlen(message));
}

reg receive(hypercall_fn hc, reg channel, void *into, size_t capacity)
{
    return hc(GP_OP_READ, channel, (reg)into, capacity);
}

static void op_suite(const char *form, hypercall_fn hc)
{
    section = form;

    /* START, STOP, unknown ops. */
    EXPECT_EQ("START -> ~MAGIC", hc(GP_OP_START, 0, 0, 0), ~(reg)GP_MAGIC);
    EXPECT_EQ("STOP -> 0", hc(GP_OP_STOP, 0, 0, 0), 0);
    EXPECT_EQ("unknown op 99 -> -5", hc(99, 0, 0, 0), ERR(GP_ERR_UNKNOWN_OP));
    EXPECT_EQ("unknown op 0 -> -5", hc(0, 0, 0, 0), ERR(GP_ERR_UNKNOWN_OP));

    /* GET_CHANNEL_BY_NAME. */
    reg echo = lookup(hc, "echo"), seq = lookup(hc, "seq");
    reg print = lookup(hc, "print"), control = lookup(hc, "control");
    EXPECT_TRUE("GET_CHANNEL_BY_NAME echo", (long)echo > 0, echo);
    EXPECT_TRUE("GET_CHANNEL_BY_NAME seq", (long)seq > 0, seq);
    EXPECT_TRUE("GET_CHANNEL_BY_NAME print", (long)print > 0, print);
    EXPECT_TRUE("GET_CHANNEL_BY_NAME control", (long)control > 0, control);
    EXPECT_TRUE("the four channels have distinct ids",
                echo != seq && echo != print && echo != control && seq != print &&
                    seq != control && print != control,
                control);
    EXPECT_EQ("GET_CHANNEL_BY_NAME without a NUL (\"echoXYZ\", length 4)",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg) "echoXYZ", 4), echo);
    /* The name carries arch and form so the bash test can find each log line. */
    join(text, sizeof text, "no-such-channel-" ARCH "-", form, NULL);
    EXPECT_EQ("GET_CHANNEL_BY_NAME of an unknown name -> -1", lookup(hc, text),
              ERR(GP_ERR_NOT_FOUND));
    EXPECT_EQ("GET_CHANNEL_BY_NAME of a 257-byte name -> -3",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg)buffer, GP_MAX_NAME_LENGTH + 1),
              ERR(GP_ERR_TOO_LARGE));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in the hole -> -2",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, M.hole, 4),
              ERR(GP_ERR_BAD_ADDRESS));

    /* WRITE to echo and READ it back. */
    join(text, sizeof text, "hello echo from " ARCH " via ", form, NULL);
    size_t length = strlen(text);
    EXPECT_EQ("WRITE echo -> length", send_text(hc, echo, text), length);
    memset(buffer, 0, sizeof buffer);
    EXPECT_EQ("READ echo -> the same length", receive(hc, echo, buffer, 64), length);
    EXPECT_TRUE("READ echo -> the same bytes", memcmp(buffer, text, length) == 0, buffer[0]);
    EXPECT_EQ("READ echo again -> 0 (nothing queued)", receive(hc, echo, buffer, 64), 0);

    /* A partial read delivers the head and keeps the rest first in line. */
    EXPECT_EQ("WRITE echo 10 bytes", send_text(hc, echo, "0123456789"), 10);
    EXPECT_EQ("READ echo capacity 0 -> 0, message kept", receive(hc, echo, buffer, 0), 0);
    EXPECT_EQ("READ echo capacity 4 -> 4", receive(hc, echo, buffer, 4), 4);
    EXPECT_EQ("READ echo capacity 4 -> 4", receive(hc, echo, buffer + 4, 4), 4);
    EXPECT_EQ("READ echo capacity 4 -> the last 2", receive(hc, echo, buffer + 8, 4), 2);
    EXPECT_TRUE("the three pieces are the message", memcmp(buffer, "0123456789", 10) == 0,
                buffer[9]);
    EXPECT_EQ("READ echo capacity 4 -> 0 (nothing queued)", receive(hc, echo, buffer, 4), 0);

    /* A READ never joins two messages. */
    send_text(hc, echo, "ab");
    send_text(hc, echo, "cd");
    EXPECT_EQ("two queued messages: READ capacity 8 -> only the first", receive(hc, echo, buffer, 8),
              2);
    EXPECT_EQ("then the second", receive(hc, echo, buffer + 2, 8), 2);
    EXPECT_TRUE("in order", memcmp(buffer, "abcd", 4) == 0, buffer[0]);

    /* An empty message is accepted. */
    EXPECT_EQ("WRITE echo 0 bytes -> 0", send(hc, echo, buffer, 0), 0);
    EXPECT_EQ("READ the empty echo -> 0", receive(hc, echo, buffer, 8), 0);

    /* 100 counters on seq, in order; "report" on control tells how many. */
    reg sent_ok = 0;
    for (int i = 0; i < 100; i++) {
        uint8_t counter[4] = { (uint8_t)seq_next, (uint8_t)(seq_next >> 8),
                               (uint8_t)(seq_next >> 16), (uint8_t)(seq_next >> 24) };
        sent_ok += send(hc, seq, counter, 4) == 4;
        seq_next++;
    }
    EXPECT_EQ("100 WRITEs of a u32 counter to seq", sent_ok, 100);
    EXPECT_EQ("WRITE \"report\" to control", send_text(hc, control, "report"), 6);
    char want[32];
    join(want, sizeof want, "seq ok ", seq_next == 100 ? "100" : "200", NULL);
    memset(buffer, 0, sizeof buffer);
    EXPECT_EQ("READ control -> the report", receive(hc, control, buffer, 64), strlen(want));
    EXPECT_TRUE("the report says every counter arrived in order",
                memcmp(buffer, want, strlen(want)) == 0, seq_next);

    /* print: the host prints it, the bash test looks for the line. */
    join(text, sizeof text, "hello from " ARCH " via ", form, NULL);
    EXPECT_EQ("WRITE print", send_text(hc, print, text), strlen(text));

    /* host-send 5000: one 5000-byte host message, read in 1500-byte pieces. */
    EXPECT_EQ("WRITE \"host-send 5000\" to control", send_text(hc, control, "host-send 5000"),
              14);
    reg total = 0, pieces = 0, pattern_ok = 1, got;
    /* Bounded, so a broken host cannot make this loop run away. */
    while (pieces < 10 && (got = receive(hc, control, buffer, 1500)) > 0 && got <= 1500) {
        for (reg i = 0; i < got; i++) {
            pattern_ok &= (uint8_t)buffer[i] == (uint8_t)((total + i) % 251);
        }
        total += got;
        pieces++;
    }
    EXPECT_EQ("READ control in pieces: 5000 bytes in all", total, 5000);
    EXPECT_EQ("in 4 pieces (1500, 1500, 1500, 500)", pieces, 4);
    EXPECT_TRUE("byte i is i % 251", pattern_ok, pattern_ok);

    /* new-channel: the host allocates an anonymous echo channel from its
     * callback and names its id in the reply. */
    EXPECT_EQ("WRITE \"new-channel\" to control", send_text(hc, control, "new-channel"), 11);
    memset(buffer, 0, sizeof buffer);
    got = receive(hc, control, buffer, 64);
    EXPECT_TRUE("READ control -> \"channel ID\"", (long)got > 8 &&
                                                     starts_with(buffer, got, "channel "),
                got);
    reg fresh = parse_dec(buffer + 8, got > 8 ? got - 8 : 0);
    EXPECT_TRUE("the new channel is none of the named ones",
                fresh != echo && fresh != seq && fresh != print && fresh != control, fresh);
    EXPECT_EQ("WRITE to the new channel", send_text(hc, fresh, "anonymous"), 9);
    EXPECT_EQ("READ it back from the new channel", receive(hc, fresh, buffer, 64), 9);
    EXPECT_TRUE("same bytes", memcmp(buffer, "anonymous", 9) == 0, buffer[0]);

    /* GET_MANAGER and the manager protocol: op 0 + name -> 4-byte LE id. */
    reg manager = hc(GP_OP_GET_MANAGER, 0, 0, 0);
    reg manager2 = hc(GP_OP_GET_MANAGER, 0, 0, 0);
    EXPECT_TRUE("GET_MANAGER -> a channel id", (long)manager > 0, manager);
    EXPECT_TRUE("a second GET_MANAGER -> another id", (long)manager2 > 0 && manager2 != manager,
                manager2);
    uint8_t request[4 + 64] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0, 'e', 'c', 'h', 'o' };
    EXPECT_EQ("manager: WRITE op 0 + \"echo\"", send(hc, manager, request, 8), 8);
    uint8_t id[4] = { 0 };
    EXPECT_EQ("manager: READ -> 4 bytes", receive(hc, manager, id, 4), 4);
    EXPECT_EQ("manager: the 4-byte LE id is echo's",
              (reg)id[0] | (reg)id[1] << 8 | (reg)id[2] << 16 | (reg)id[3] << 24, echo);
    join((char *)request + 4, sizeof request - 4, "no-such-manager-name-" ARCH "-", form, NULL);
    length = 4 + strlen((char *)request + 4);
    EXPECT_EQ("manager: WRITE op 0 + an unknown name", send(hc, manager, request, length),
              length);
    EXPECT_EQ("manager: no reply for an unknown name", receive(hc, manager, id, 4), 0);
    request[0] = GP_MANAGER_DEBUG_OUTPUT;
    join((char *)request + 4, sizeof request - 4, "manager debug from " ARCH " via ", form, NULL);
    length = 4 + strlen((char *)request + 4);
    EXPECT_EQ("manager: WRITE op 2 (debug output)", send(hc, manager, request, length), length);

    /* ERROR: the text lands in the host log. */
    join(text, sizeof text, "error text from " ARCH " via ", form, NULL);
    EXPECT_EQ("ERROR -> 0", hc(GP_OP_ERROR, echo, (reg)text, strlen(text)), 0);
    EXPECT_EQ("ERROR with an empty text -> 0", hc(GP_OP_ERROR, echo, (reg)text, 0), 0);

    /* Unknown channels: -1. */
    EXPECT_EQ("WRITE to unknown channel 0x7fffffff -> -1", send_text(hc, 0x7fffffff, "x"),
              ERR(GP_ERR_NOT_FOUND));
    EXPECT_EQ("READ from unknown channel 0x7fffffff -> -1", receive(hc, 0x7fffffff, buffer, 8),
              ERR(GP_ERR_NOT_FOUND));
    if (BIT_32) {
        /* Channel ids are 32-bit: echo's id with bit 32 set names no channel. */
        EXPECT_EQ("WRITE to echo's id + 2^32 -> -1", send_text(hc, echo | BIT_32, "x"),
                  ERR(GP_ERR_NOT_FOUND));
    }

    /* Oversize: checked before the buffer is read, so any buffer will do. */
    EXPECT_EQ("WRITE of 16 MiB + 1 -> -3", send(hc, echo, buffer, MAX_MESSAGE + 1),
              ERR(GP_ERR_TOO_LARGE));
    EXPECT_EQ("WRITE of ~0 bytes -> -3", send(hc, echo, buffer, ~(reg)0), ERR(GP_ERR_TOO_LARGE));

    /* Unmapped buffers: -2, and a READ that fails keeps the message. */
    EXPECT_EQ("WRITE from the hole -> -2", send(hc, echo, AT(M.hole), 16),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE straddling into the hole -> -2",
              send(hc, echo, AT(M.hole - 2), 4), ERR(GP_ERR_BAD_ADDRESS));
    join(text, sizeof text, "WRITE from ", M.unmapped_what, " -> -2");
    EXPECT_EQ(text, send(hc, echo, AT(M.unmapped), 4), ERR(GP_ERR_BAD_ADDRESS));
    if (BIT_63) {
        /* x86_64: not canonical; aarch64: beyond any physical address. */
        EXPECT_EQ("WRITE from address 2^63 -> -2", hc(GP_OP_WRITE, echo, BIT_63, 4),
                  ERR(GP_ERR_BAD_ADDRESS));
    }
    EXPECT_EQ("ERROR with its text in the hole -> -2",
              hc(GP_OP_ERROR, echo, M.hole, 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE echo \"kept\"", send_text(hc, echo, "kept"), 4);
    EXPECT_EQ("READ into the hole -> -2", receive(hc, echo, AT(M.hole), 8),
              ERR(GP_ERR_BAD_ADDRESS));
    memcpy(AT(M.hole - 4), "....", 4);
    EXPECT_EQ("READ straddling into the hole -> -2",
              receive(hc, echo, AT(M.hole - 2), 8), ERR(GP_ERR_BAD_ADDRESS));
    bool untouched = memcmp(AT(M.hole - 4), "....", 4) == 0;
    if (M.hole_in_page_tables) {
        EXPECT_TRUE("which wrote nothing before the hole", untouched, 0);
    } else {
        info("a physical hole: bytes before it untouched by the straddling READ (1 = yes)",
             untouched);
    }
    EXPECT_EQ("READ into the last 4 mapped bytes before the hole -> 4",
              receive(hc, echo, AT(M.hole - 4), 4), 4);
    EXPECT_TRUE("the failed READs lost nothing",
                memcmp(AT(M.hole - 4), "kept", 4) == 0, 0);

    /* Nothing left behind for the next form. */
    EXPECT_EQ("echo is empty at the end", receive(hc, echo, buffer, 64), 0);
    EXPECT_EQ("control is empty at the end", receive(hc, control, buffer, 64), 0);
}

/* ---- the guest library's API (our trap form, -errno results) ---- */

static void library_checks(void)
{
    section = "lib";
    gp_channel echo = { 0 }, missing = { 0 }, fresh = { 0 };

    EXPECT_TRUE("gp_host_present", gp_host_present(), 1);
    EXPECT_EQ("gp_channel_lookup(\"echo\")", gp_channel_lookup("echo", 4, &echo), 0);
    EXPECT_EQ("... and it is echo's id", echo.id, lookup(ours_hypercall, "echo"));
    const char *unknown = "no-such-channel-" ARCH "-lib";
    EXPECT_EQ("gp_channel_lookup of an unknown name -> -1",
              gp_channel_lookup(unknown, strlen(unknown), &missing), (reg)-1);
    EXPECT_EQ("gp_channel_write", gp_channel_write(echo, "library", 7), 7);
    EXPECT_EQ("gp_channel_try_read", gp_channel_try_read(echo, buffer, 64), 7);
    EXPECT_TRUE("same bytes", memcmp(buffer, "library", 7) == 0, buffer[0]);
    EXPECT_EQ("gp_channel_try_read with nothing queued -> 0",
              gp_channel_try_read(echo, buffer, 64), 0);
    EXPECT_EQ("gp_channel_write_all", gp_channel_write_all(echo, "abc", 3), 0);
    EXPECT_EQ("gp_channel_try_read after write_all", gp_channel_try_read(echo, buffer, 64), 3);
    EXPECT_EQ("gp_channel_write to an unknown channel -> -ENOENT",
              gp_channel_write((gp_channel){ 0x7fffffff }, "x", 1), (reg)-ENOENT);
    /* The library touches every page of the buffer first: use mapped RAM. */
    EXPECT_EQ("gp_channel_write of 16 MiB + 1 -> -EMSGSIZE",
              gp_channel_write(echo, AT(M.big_buffer), MAX_MESSAGE + 1),
              (reg)-EMSGSIZE);
    EXPECT_EQ("gp_channel_new", gp_channel_new(&fresh), 0);
    EXPECT_TRUE("... a fresh id", fresh.id != echo.id, fresh.id);
    gp_error("library error text from " ARCH);
    EXPECT_EQ("gp_error then echo still empty", gp_channel_try_read(echo, buffer, 64), 0);
}


/* ---- no translation: every address is its own physical address ---- */

/*
 * QEMU's translate_vaddr says yes to any address then, but reading or
 * writing where no RAM is fails in QEMU's debug access, so the host still
 * answers -2 and keeps the message.
 */
void translation_off_checks(const char *section_name)
{
    section = section_name;
    reg echo = lookup(ours_hypercall, "echo");

    EXPECT_EQ("WRITE from 0xf0000000 (no RAM there) -> -2",
              send(ours_hypercall, echo, AT(0xF0000000), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE straddling the end of RAM -> -2",
              send(ours_hypercall, echo, AT(M.ram_end - 2), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE echo \"probe\"", send_text(ours_hypercall, echo, "probe"), 5);
    EXPECT_EQ("READ into 0xf0000000 -> -2", receive(ours_hypercall, echo, AT(0xF0000000), 8),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ straddling the end of RAM -> -2",
              receive(ours_hypercall, echo, AT(M.ram_end - 2), 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("then READ echo -> 5 (the message was kept)",
              receive(ours_hypercall, echo, buffer, 64), 5);
    EXPECT_TRUE("same bytes", memcmp(buffer, "probe", 5) == 0, buffer[0]);
}

int hermetic_main(void)
{
    put_str("hermetic: " ARCH " program started\n");
    /* No host (no core, or one that does not know this target or trap):
     * say so in one line instead of a page of failures. */
    reg start = ours_hypercall(GP_OP_START, 0, 0, 0);
    if (start == GP_MAGIC) {
        put_str("hermetic: " ARCH ": no host (START through ");
        put_str(hermetic_ours_name);
        put_str(" -> MAGIC unchanged)\n");
        return HERMETIC_EXIT_NO_HOST;
    }
    hermetic_arch_memory_setup();
    hermetic_trap_checks();
    op_suite(hermetic_ours_name, ours_hypercall);
    op_suite(hermetic_panda_name, panda_hypercall);
    section = hermetic_panda_name;
    EXPECT_TRUE(hermetic_panda_kept_check, panda_calls > 0 && panda_clobbers == 0,
                panda_clobbers);
    library_checks();
    hermetic_arch_memory_checks();

    put_str("hermetic: " ARCH ": ");
    put_dec(passed);
    put_str(" passed, ");
    put_dec(failed);
    put_str(" failed\n");
    return failed == 0 && passed > 0 ? HERMETIC_EXIT_PASS : HERMETIC_EXIT_FAIL;
}
