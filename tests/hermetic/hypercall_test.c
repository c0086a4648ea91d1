/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hermetic hypercall test: a freestanding program (no OS, no C library)
 * booted by QEMU 11.1 with libguestplug.so and the channel_test host plugin
 * loaded (tests/plugins/channel_test: channels echo, seq, print, control).
 * The same source builds for x86_64 and i386; the boot stubs set up the CPU
 * and call hermetic_main(), whose result goes to isa-debug-exit.
 *
 * Every op is exercised through both trap forms: our NOP (through the guest
 * library, guest/lib) and PANDA's cpuid (inline asm below). Each check
 * prints one line to debugcon ("ok ..." or "FAIL ..."); the last line is
 * "hermetic: ARCH: N passed, M failed". Lines starting with "info" report
 * QEMU behaviour the ABI leaves open (flags after a trap); they never fail.
 * tests/integration/hermetic_x86.sh checks the exit code, these lines and
 * the host's side of the story in QEMU's output.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch.h" /* gp_arch_hypercall: the guest library's NOP trap */
#include "guestplug/abi.h"
#include "guestplug/channel.h"
#include "hermetic.h"
#include "paging.h"

#if defined(__x86_64__)
#define ARCH "x86_64"
#elif defined(__i386__)
#define ARCH "i386"
#else
#error "the hermetic test is x86 only"
#endif

/* A register: unsigned long is register width on both (LP64 and ILP32). */
typedef unsigned long reg;

/* A failure as the host returns it: negative at register width. */
#define ERR(code) ((reg) - (long)(code))
#define MIB (1024ul * 1024ul)
/* The host's default cap on one guest message (SPEC §4). */
#define MAX_MESSAGE (16 * MIB)
/* A pointer to a fixed guest address (hermetic.h's memory map). */
#define AT(address) ((void *)(reg)(address))

int hermetic_main(void);

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

/* ---- output: debugcon, one byte per outb ---- */

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void put_str(const char *s)
{
    while (*s) {
        outb(HERMETIC_DEBUGCON_PORT, (uint8_t)*s++);
    }
}

static void put_hex(reg value)
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

static void put_dec(reg value)
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
static char *join(char *dest, size_t size, const char *a, const char *b, const char *c)
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
static const char *section = "boot";

static void report(bool ok, const char *what, reg got, reg want, bool show_want)
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

#define EXPECT_EQ(what, got, want)                                                  \
    do {                                                                            \
        reg got_ = (reg)(got), want_ = (reg)(want);                                 \
        report(got_ == want_, what, got_, want_, true);                             \
    } while (0)
/* VALUE is shown for context; COND decides. */
#define EXPECT_TRUE(what, cond, value) report((cond), what, (reg)(value), 0, false)

static void info(const char *what, reg value)
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

typedef reg (*hypercall_fn)(reg op, reg channel, reg arg1, reg arg2);

/* Our form: `nopl GP_X86_NOP_DISP(%rax)`, from the guest library's header. */
static reg nop_hypercall(reg op, reg channel, reg arg1, reg arg2)
{
    return gp_arch_hypercall(op, channel, arg1, arg2);
}

/* PANDA's form: cpuid with MAGIC in eax. The host must skip the cpuid; if
 * it ran, it would overwrite ebx..edx, so count every call where one of the
 * argument registers came back changed. */
static unsigned cpuid_calls, cpuid_clobbers;

static reg cpuid_hypercall(reg op, reg channel, reg arg1, reg arg2)
{
    reg ax = GP_MAGIC, bx = op, cx = channel, dx = arg1, di = arg2;
    __asm__ volatile("cpuid"
                     : "+a"(ax), "+b"(bx), "+c"(cx), "+d"(dx), "+D"(di)
                     :
                     : "memory", "cc");
    cpuid_calls++;
    if (bx != op || cx != channel || dx != arg1 || di != arg2) {
        cpuid_clobbers++;
    }
    return ax;
}

/* ---- raw register-level probes of the traps ---- */

typedef struct regs {
    reg ax, bx, cx, dx, di;
} regs;

/* Our NOP trap, with every hypercall register in and out. */
static regs nop_raw(regs r)
{
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]"
                     : "+a"(r.ax), "+b"(r.bx), "+c"(r.cx), "+d"(r.dx), "+D"(r.di)
                     : [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return r;
}

/* A NOP of the same shape but displacement 0 (ordinary padding). */
static regs nop_zero_disp_raw(regs r)
{
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long 0"
                     : "+a"(r.ax), "+b"(r.bx), "+c"(r.cx), "+d"(r.dx), "+D"(r.di)
                     :
                     : "memory", "cc");
    return r;
}

static regs cpuid_raw(regs r)
{
    __asm__ volatile("cpuid"
                     : "+a"(r.ax), "+b"(r.bx), "+c"(r.cx), "+d"(r.dx), "+D"(r.di)
                     :
                     : "memory", "cc");
    return r;
}

static bool regs_equal(regs a, regs b)
{
    return a.ax == b.ax && a.bx == b.bx && a.cx == b.cx && a.dx == b.dx && a.di == b.di;
}

/*
 * Instructions before and after a trap in the same translation block run
 * exactly once: the cpuid form leaves the block with set_pc, which must not
 * replay its start. Returns the count of the three increments (3 = right).
 */
static reg count_around_cpuid_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, count;
    __asm__ volatile("xor %[n], %[n]\n\t"
                     "inc %[n]\n\t"
                     "cpuid\n\t"
                     "inc %[n]\n\t"
                     "inc %[n]"
                     : "+a"(ax), "+b"(bx), [n] "=&S"(count)
                     : "c"(0), "d"(0), "D"(0)
                     : "memory", "cc");
    return count;
}

static reg count_around_nop_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, count;
    __asm__ volatile("xor %[n], %[n]\n\t"
                     "inc %[n]\n\t"
                     ".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]\n\t"
                     "inc %[n]\n\t"
                     "inc %[n]"
                     : "+a"(ax), "+b"(bx), [n] "=&S"(count)
                     : "c"(0), "d"(0), "D"(0), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return count;
}

/*
 * Flags across a START hypercall, for the report only (the ABI says flags
 * are clobbered). CF is set lazily by a compare (0 < 1), the trap runs,
 * then sbb turns CF into 0 or all ones.
 */
static reg carry_after_nop_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, carry = 0;
    __asm__ volatile("cmp $1, %[c]\n\t"
                     ".byte 0x0f, 0x1f, 0x80\n\t.long %c[disp]\n\t"
                     "sbb %[c], %[c]"
                     : "+a"(ax), "+b"(bx), [c] "+S"(carry)
                     : "c"(0), "d"(0), "D"(0), [disp] "i"(GP_X86_NOP_DISP)
                     : "memory", "cc");
    return carry;
}

static reg carry_after_cpuid_trap(void)
{
    reg ax = GP_MAGIC, bx = GP_OP_START, carry = 0;
    __asm__ volatile("cmp $1, %[c]\n\t"
                     "cpuid\n\t"
                     "sbb %[c], %[c]"
                     : "+a"(ax), "+b"(bx), [c] "+S"(carry)
                     : "c"(0), "d"(0), "D"(0)
                     : "memory", "cc");
    return carry;
}

static void trap_checks(void)
{
    section = "trap";
    regs in = { 0x12345678, GP_OP_START, 0x11, 0x22, 0x33 };

    /* Our NOP without MAGIC is a NOP: nothing changes. */
    EXPECT_TRUE("NOP without MAGIC changes no register", regs_equal(nop_raw(in), in), in.ax);
#if defined(__x86_64__)
    /* MAGIC is compared at full width: junk in the upper half is no MAGIC. */
    regs wide = { ((reg)1 << 32) | GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    EXPECT_TRUE("NOP with MAGIC only in eax (rax bit 32 set) changes nothing",
                regs_equal(nop_raw(wide), wide), wide.ax);
#endif
    /* Matching is by exact bytes: a padding NOP with MAGIC is no trap. */
    regs magic = { GP_MAGIC, GP_OP_START, 0x11, 0x22, 0x33 };
    EXPECT_TRUE("padding NOP (disp 0) with MAGIC changes nothing",
                regs_equal(nop_zero_disp_raw(magic), magic), magic.ax);

    /* A NOP hypercall changes only the result register. */
    regs out = nop_raw(magic);
    EXPECT_EQ("NOP START returns ~MAGIC", out.ax, ~(reg)GP_MAGIC);
    EXPECT_TRUE("NOP START keeps ebx..edi", out.bx == magic.bx && out.cx == magic.cx &&
                                                out.dx == magic.dx && out.di == magic.di,
                out.bx);

    /* PANDA's cpuid hypercall: the host skips the cpuid, so ebx still holds
     * the op (a real cpuid would have put part of a vendor string there). */
    out = cpuid_raw(magic);
    EXPECT_EQ("cpuid START returns ~MAGIC", out.ax, ~(reg)GP_MAGIC);
    EXPECT_EQ("cpuid START leaves the op in ebx (cpuid skipped)", out.bx, GP_OP_START);
    EXPECT_TRUE("cpuid START keeps ecx, edx, edi",
                out.cx == magic.cx && out.dx == magic.dx && out.di == magic.di, out.cx);

    /* A cpuid without MAGIC is a real cpuid: leaf 0 gives the vendor. */
    regs leaf0 = cpuid_raw((regs){ 0, 0, 0, 0, 0 });
    uint32_t vendor[3] = { (uint32_t)leaf0.bx, (uint32_t)leaf0.dx, (uint32_t)leaf0.cx };
    char vendor_text[13];
    memcpy(vendor_text, vendor, 12);
    vendor_text[12] = 0;
    put_str("info " ARCH " trap: cpuid leaf 0 vendor \"");
    put_str(vendor_text);
    put_str("\"\n");
    EXPECT_TRUE("cpuid leaf 0 without MAGIC reports GenuineIntel or AuthenticAMD",
                memcmp(vendor_text, "GenuineIntel", 12) == 0 ||
                    memcmp(vendor_text, "AuthenticAMD", 12) == 0,
                leaf0.bx);
    EXPECT_TRUE("cpuid leaf 0 without MAGIC reports a max leaf >= 1", leaf0.ax >= 1, leaf0.ax);
#if defined(__x86_64__)
    /* MAGIC in eax but junk above it: not a hypercall, so the real cpuid runs
     * and writes eax zero-extended (never the 64-bit ~MAGIC). */
    out = cpuid_raw(wide);
    EXPECT_TRUE("cpuid with rax bit 32 set runs as a real cpuid",
                out.ax >> 32 == 0 && out.ax != (~(reg)GP_MAGIC & 0xffffffffu), out.ax);
#endif

    EXPECT_EQ("instructions around a cpuid trap run exactly once", count_around_cpuid_trap(),
              3);
    EXPECT_EQ("instructions around a NOP trap run exactly once", count_around_nop_trap(), 3);

    info("CF after a NOP trap (all ones = kept)", carry_after_nop_trap());
    info("CF after a cpuid trap (all ones = kept)", carry_after_cpuid_trap());
}

/* ---- the op suite, run once per trap form ---- */

/* Test buffers. Static, so in .bss: identity-mapped and always present. */
static char buffer[8192];
static char text[512];
static uint32_t seq_next; /* the seq channel counts across both forms */

static reg lookup(hypercall_fn hc, const char *name)
{
    return hc(GP_OP_GET_CHANNEL_BY_NAME, 0, (reg)name, strlen(name));
}

static reg send(hypercall_fn hc, reg channel, const void *data, size_t length)
{
    return hc(GP_OP_WRITE, channel, (reg)data, length);
}

static reg send_text(hypercall_fn hc, reg channel, const char *message)
{
    return send(hc, channel, message, strlen(message));
}

static reg receive(hypercall_fn hc, reg channel, void *into, size_t capacity)
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
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, HERMETIC_HOLE_BASE, 4),
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
#if defined(__x86_64__)
    /* Channel ids are 32-bit: echo's id with bit 32 set names no channel. */
    EXPECT_EQ("WRITE to echo's id + 2^32 -> -1", send_text(hc, echo | (reg)1 << 32, "x"),
              ERR(GP_ERR_NOT_FOUND));
#endif

    /* Oversize: checked before the buffer is read, so any buffer will do. */
    EXPECT_EQ("WRITE of 16 MiB + 1 -> -3", send(hc, echo, buffer, MAX_MESSAGE + 1),
              ERR(GP_ERR_TOO_LARGE));
    EXPECT_EQ("WRITE of ~0 bytes -> -3", send(hc, echo, buffer, ~(reg)0), ERR(GP_ERR_TOO_LARGE));

    /* Unmapped buffers: -2, and a READ that fails keeps the message. */
    EXPECT_EQ("WRITE from the hole -> -2", send(hc, echo, AT(HERMETIC_HOLE_BASE), 16),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE straddling into the hole -> -2",
              send(hc, echo, AT(HERMETIC_HOLE_BASE - 2), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from beyond the identity map (1 GiB) -> -2",
              send(hc, echo, AT(HERMETIC_MAPPED_END), 4), ERR(GP_ERR_BAD_ADDRESS));
#if defined(__x86_64__)
    EXPECT_EQ("WRITE from a non-canonical address -> -2",
              hc(GP_OP_WRITE, echo, (reg)1 << 63, 4), ERR(GP_ERR_BAD_ADDRESS));
#endif
    EXPECT_EQ("ERROR with its text in the hole -> -2",
              hc(GP_OP_ERROR, echo, HERMETIC_HOLE_BASE, 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE echo \"kept\"", send_text(hc, echo, "kept"), 4);
    EXPECT_EQ("READ into the hole -> -2", receive(hc, echo, AT(HERMETIC_HOLE_BASE), 8),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ straddling into the hole -> -2",
              receive(hc, echo, AT(HERMETIC_HOLE_BASE - 2), 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into the last 4 mapped bytes before the hole -> 4",
              receive(hc, echo, AT(HERMETIC_HOLE_BASE - 4), 4), 4);
    EXPECT_TRUE("the failed READs lost nothing",
                memcmp(AT(HERMETIC_HOLE_BASE - 4), "kept", 4) == 0, 0);

    /* Nothing left behind for the next form. */
    EXPECT_EQ("echo is empty at the end", receive(hc, echo, buffer, 64), 0);
    EXPECT_EQ("control is empty at the end", receive(hc, control, buffer, 64), 0);
}

/* ---- the guest library's API (our NOP form, -errno results) ---- */

static void library_checks(void)
{
    section = "lib";
    gp_channel echo = { 0 }, missing = { 0 }, fresh = { 0 };

    EXPECT_TRUE("gp_host_present", gp_host_present(), 1);
    EXPECT_EQ("gp_channel_lookup(\"echo\")", gp_channel_lookup("echo", 4, &echo), 0);
    EXPECT_EQ("... and it is echo's id", echo.id, lookup(nop_hypercall, "echo"));
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
              gp_channel_write(echo, AT(HERMETIC_BIG_BUFFER), MAX_MESSAGE + 1),
              (reg)-EMSGSIZE);
    EXPECT_EQ("gp_channel_new", gp_channel_new(&fresh), 0);
    EXPECT_TRUE("... a fresh id", fresh.id != echo.id, fresh.id);
    gp_error("library error text from " ARCH);
    EXPECT_EQ("gp_error then echo still empty", gp_channel_try_read(echo, buffer, 64), 0);
}

/* ---- page protections: only what a user-mode access could do ---- */

#define WINDOW_PAGE(page) ((reg)HERMETIC_WINDOW + (reg)(page) * 4096u)

/* The frame behind page PAGE of slot SLOT, through the identity map. */
static volatile uint8_t *frame(unsigned slot, unsigned page)
{
    return (volatile uint8_t *)(uintptr_t)(HERMETIC_FRAMES + slot * HERMETIC_SLOT_FRAMES +
                                           page * 4096u);
}

static void fill_frame(unsigned slot, unsigned page, uint8_t byte)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (unsigned i = 0; i < 4096; i++) {
        bytes[i] = byte;
    }
}

static bool frame_holds(unsigned slot, unsigned page, uint8_t byte)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (unsigned i = 0; i < 4096; i++) {
        if (bytes[i] != byte) {
            return false;
        }
    }
    return true;
}

static bool frame_starts_with(unsigned slot, unsigned page, const char *text)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (size_t i = 0; text[i]; i++) {
        if (bytes[i] != (uint8_t)text[i]) {
            return false;
        }
    }
    return true;
}

static void put_frame(unsigned slot, unsigned page, const char *text)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (size_t i = 0; text[i]; i++) {
        bytes[i] = (uint8_t)text[i];
    }
}

/*
 * Run once per paging mode (MODE names it): every refusal a hostile guest
 * process would meet, through the real page walk of the core, with the
 * message that a refused READ would have delivered kept whole.
 */
static void protection_checks(const char *mode)
{
    static char name[32];
    section = join(name, sizeof name, "prot-", mode, NULL);
    hypercall_fn hc = nop_hypercall;
    reg echo = lookup(hc, "echo");
    const char *message = "kept across refusals";
    size_t length = strlen(message);

    for (unsigned page = 0; page < HERMETIC_WINDOW_PAGES; page++) {
        fill_frame(0, page, (uint8_t)(0xa0 + page));
    }
    fill_frame(1, 0, 0xb1);
    fill_frame(2, 0, 0xb2);
    EXPECT_EQ("WRITE echo the message", send_text(hc, echo, message), length);

    /* READ writes guest memory: only where the process could write. */
    EXPECT_EQ("READ into a user read-only page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RO)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into a supervisor page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into an absent page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_ABSENT)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into a writable page whose dirty bit is clear -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ from a writable page on into a read-only one -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_RO_AFTER_RW) - 8), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ under a supervisor-only directory entry -> -2",
              receive(hc, echo, AT(HERMETIC_SUPERVISOR_TABLE), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ under a read-only directory entry -> -2",
              receive(hc, echo, AT(HERMETIC_READ_ONLY_TABLE), 64), ERR(GP_ERR_BAD_ADDRESS));
    bool unchanged = frame_holds(1, 0, 0xb1) && frame_holds(2, 0, 0xb2);
    for (unsigned page = 0; page < HERMETIC_WINDOW_PAGES; page++) {
        unchanged &= frame_holds(0, page, (uint8_t)(0xa0 + page));
    }
    EXPECT_TRUE("the refused READs wrote nothing, not even on the writable page", unchanged, 0);
    EXPECT_EQ("then READ into a user writable page -> the whole message",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RW)), 64), length);
    EXPECT_TRUE("which holds it", frame_starts_with(0, HERMETIC_PAGE_USER_RW, message), 0);
    EXPECT_EQ("READ to the very end of the writable page before the read-only one -> 4",
              (send_text(hc, echo, "edge"),
               receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_RO_AFTER_RW) - 4), 4)),
              4);

    /* The guest writes the clean page itself: the CPU sets its dirty bit. */
    *(volatile uint8_t *)AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)) = 0xa4;
    EXPECT_EQ("WRITE echo \"dirty now\"", send_text(hc, echo, "dirty now"), 9);
    EXPECT_EQ("once the guest wrote it, READ into that page -> 9",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)), 64), 9);
    EXPECT_TRUE("which holds it", frame_starts_with(0, HERMETIC_PAGE_CLEAN, "dirty now"), 0);

    /* WRITE, ERROR, GET_CHANNEL_BY_NAME read guest memory: not supervisor
     * pages, but read-only ones are fine. */
    put_frame(0, HERMETIC_PAGE_SUPERVISOR, "echo");
    put_frame(1, 0, "echo");
    put_frame(0, HERMETIC_PAGE_USER_RO, "echo");
    put_frame(2, 0, "echo");
    EXPECT_EQ("WRITE from a supervisor page -> -2",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR)), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from under a supervisor-only directory entry -> -2",
              send(hc, echo, AT(HERMETIC_SUPERVISOR_TABLE), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from an absent page -> -2",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_ABSENT)), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("ERROR with its text in a supervisor page -> -2",
              hc(GP_OP_ERROR, echo, WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in a supervisor page -> -2",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in a read-only page -> echo",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, WINDOW_PAGE(HERMETIC_PAGE_USER_RO), 4), echo);
    EXPECT_EQ("WRITE from a read-only page -> 4",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RO)), 4), 4);
    EXPECT_EQ("WRITE from under a read-only directory entry -> 4",
              send(hc, echo, AT(HERMETIC_READ_ONLY_TABLE), 4), 4);
    memset(buffer, 0, 16);
    EXPECT_EQ("both came back", receive(hc, echo, buffer, 8) + receive(hc, echo, buffer + 4, 8),
              8);
    EXPECT_TRUE("as \"echoecho\"", memcmp(buffer, "echoecho", 8) == 0, buffer[0]);

    /* The mode's largest page, mapping physical 0 again at 2 GiB. */
    EXPECT_EQ("WRITE echo \"through the alias\"", send_text(hc, echo, "through the alias"), 17);
    memset(buffer, 0, 64);
    EXPECT_EQ("READ at 2 GiB + &buffer (one large page onto 0) -> 17",
              receive(hc, echo, AT(HERMETIC_ALIAS + (reg)buffer), 64), 17);
    EXPECT_TRUE("lands in buffer", memcmp(buffer, "through the alias", 17) == 0, buffer[0]);
#if defined(HERMETIC_LA57)
    EXPECT_EQ("WRITE echo \"five levels\"", send_text(hc, echo, "five levels"), 11);
    memset(buffer, 0, 64);
    EXPECT_EQ("READ at 2^48 + &buffer (PML5[1] onto the same PML4) -> 11",
              receive(hc, echo, AT(((reg)1 << 48) + (reg)buffer), 64), 11);
    EXPECT_TRUE("lands in buffer", memcmp(buffer, "five levels", 11) == 0, buffer[0]);
#elif defined(__x86_64__)
    EXPECT_EQ("WRITE echo \"four levels\"", send_text(hc, echo, "four levels"), 11);
    EXPECT_EQ("READ at 2^48 + &buffer (not canonical with 4 levels) -> -2",
              receive(hc, echo, AT(((reg)1 << 48) + (reg)buffer), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("the message is still there", receive(hc, echo, buffer, 64), 11);
#endif
    EXPECT_EQ("echo is empty at the end", receive(hc, echo, buffer, 64), 0);
}

#if defined(__i386__)
/*
 * Paging off: every address translates to itself (QEMU's translate_vaddr
 * says yes to any of them), but reading or writing where no RAM is fails in
 * QEMU's debug access, so the host still answers -2 and keeps the message.
 */
static void paging_off_checks(void)
{
    section = "paging-off";
    reg echo = lookup(nop_hypercall, "echo");

    EXPECT_EQ("WRITE from 0xf0000000 (no RAM there) -> -2",
              send(nop_hypercall, echo, AT(0xF0000000), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE straddling the end of RAM -> -2",
              send(nop_hypercall, echo, AT(HERMETIC_RAM_END - 2), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE echo \"probe\"", send_text(nop_hypercall, echo, "probe"), 5);
    EXPECT_EQ("READ into 0xf0000000 -> -2", receive(nop_hypercall, echo, AT(0xF0000000), 8),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ straddling the end of RAM -> -2",
              receive(nop_hypercall, echo, AT(HERMETIC_RAM_END - 2), 8), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("then READ echo -> 5 (the message was kept)", receive(nop_hypercall, echo, buffer, 64),
              5);
    EXPECT_TRUE("same bytes", memcmp(buffer, "probe", 5) == 0, buffer[0]);
}
#endif

int hermetic_main(void)
{
    put_str("hermetic: " ARCH " program started\n");
#if defined(__i386__)
    paging_off_checks();
#endif
    const char *mode = hermetic_paging_setup(
#if defined(__i386__)
        HERMETIC_PAGING_32BIT
#else
        HERMETIC_PAGING_LONG
#endif
    );
    put_str("hermetic: " ARCH " paging on: ");
    put_str(mode);
    put_str("\n");
    trap_checks();
    op_suite("nop", nop_hypercall);
    op_suite("cpuid", cpuid_hypercall);
    section = "cpuid";
    EXPECT_TRUE("every cpuid hypercall skipped the cpuid (ebx..edi kept)",
                cpuid_calls > 0 && cpuid_clobbers == 0, cpuid_clobbers);
    library_checks();
    protection_checks(mode);
#if defined(__i386__)
    mode = hermetic_paging_setup(HERMETIC_PAGING_PAE);
    put_str("hermetic: " ARCH " paging on: pae\n");
    protection_checks(mode);
#endif

    put_str("hermetic: " ARCH ": ");
    put_dec(passed);
    put_str(" passed, ");
    put_dec(failed);
    put_str(" failed\n");
    return failed == 0 && passed > 0 ? HERMETIC_EXIT_PASS : HERMETIC_EXIT_FAIL;
}
