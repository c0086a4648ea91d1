/* SPDX-License-Identifier: MIT */
/*
 * The libc-free half of the guest library: hypercalls and channel I/O. It
 * calls no C library function, so guest_daemon and bare-metal test programs
 * link it with -nostdlib.
 */
#include <errno.h>

#include "arch.h"
#include "guestplug/channel.h"

/* Pages are touched at this stride; any larger page size is a multiple. */
#define TOUCH_STRIDE 4096u
/* Sent per message by gp_channel_write_all: below the host's default cap. */
#define WRITE_ALL_CHUNK (4u << 20)
/* Channels this process claimed, remembered to claim them again. */
#define MAX_CLAIMED 8u
/* Anonymous channels this process made, remembered to give them back. */
#define MAX_MADE 8u

/* The host reports failures as small negative numbers at register width. */
static long result_errno(unsigned long value)
{
    switch ((long)value) {
    case -GP_ERR_NOT_FOUND: return -ENOENT;
    case -GP_ERR_BAD_ADDRESS: return -EFAULT;
    case -GP_ERR_TOO_LARGE: return -EMSGSIZE;
    case -GP_ERR_FULL: return -ENOBUFS;
    case -GP_ERR_UNKNOWN_OP: return -ENOSYS;
    default: return (long)value;
    }
}

/*
 * The host accesses guest memory only as this process could, through its
 * page tables as they are at the hypercall, and never faults a page in:
 * every page a WRITE reads must be present, and every page a READ fills
 * must be present, writable and dirty, or the host answers -2. Reading a
 * page makes it present; writing it also breaks copy-on-write (a page
 * shared with a parent after fork, the shared zero page an untouched
 * anonymous page maps) and marks it dirty.
 */
static void touch_for_reading(const void *buf, size_t len)
{
    const volatile unsigned char *bytes = buf;
    for (size_t i = 0; i < len; i += TOUCH_STRIDE) {
        (void)bytes[i];
    }
    if (len) {
        (void)bytes[len - 1];
    }
}

/* Writes one byte of every page, without changing it: an atomic
 * read-modify-write (gp_arch_touch_for_write), so a byte another thread
 * stores at the same time is not lost, and no compiler turns it into a
 * plain load. */
static void touch_for_writing(void *buf, size_t len)
{
    unsigned char *bytes = buf;
    for (size_t i = 0; i < len; i += TOUCH_STRIDE) {
        gp_arch_touch_for_write(bytes + i);
    }
    if (len) {
        gp_arch_touch_for_write(bytes + len - 1);
    }
}

bool gp_host_present(void)
{
    return gp_arch_hypercall(GP_OP_START, 0, 0, 0) == ~(unsigned long)GP_MAGIC;
}

/*
 * The channels this process claimed and their tokens. A channel belongs to
 * address spaces: a child after fork, or a process whose claim the host
 * forgot (its owner set was full, the plugin it belongs to exited), gets -1
 * until it claims again, and the library does that by itself, once, when an
 * op on a claimed channel answers -1. Slots are taken atomically; a claim is
 * usually made once, at start.
 */
static struct {
    uint32_t id;
    char token[GP_TOKEN_LENGTH];
} claimed[MAX_CLAIMED];
static unsigned claimed_count;
static uint32_t made[MAX_MADE]; /* id + 1; 0: free */
static unsigned made_count;

static unsigned long claim(const char *token)
{
    return gp_arch_hypercall(GP_OP_CLAIM, 0, (unsigned long)token, GP_TOKEN_LENGTH);
}

int gp_channel_claim(const char *token, size_t length, gp_channel *out)
{
    if (length != GP_TOKEN_LENGTH) {
        return -ENOENT;
    }
    touch_for_reading(token, length);
    unsigned long id = claim(token);
    if (id == GP_MAGIC) {
        return -ENODEV;
    }
    if ((long)id < 0) {
        return (int)result_errno(id);
    }
    unsigned slot = __atomic_fetch_add(&claimed_count, 1, __ATOMIC_RELAXED);
    if (slot < MAX_CLAIMED) {
        for (size_t i = 0; i < GP_TOKEN_LENGTH; i++) {
            claimed[slot].token[i] = token[i];
        }
        __atomic_store_n(&claimed[slot].id, (uint32_t)id + 1, __ATOMIC_RELEASE); /* 0: free */
    }
    out->id = (uint32_t)id;
    return 0;
}

int gp_channel_release(gp_channel ch)
{
    for (unsigned i = 0; i < MAX_CLAIMED; i++) {
        uint32_t expected = ch.id + 1; /* no claim again once given back */
        __atomic_compare_exchange_n(&claimed[i].id, &expected, 0, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE);
    }
    for (unsigned i = 0; i < MAX_MADE; i++) {
        uint32_t expected = ch.id + 1;
        __atomic_compare_exchange_n(&made[i], &expected, 0, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE);
    }
    unsigned long result = gp_arch_hypercall(GP_OP_RELEASE, ch.id, 0, 0);
    return result == GP_MAGIC ? -ENODEV : (int)result_errno(result);
}

/*
 * At exit, every claim and every channel made is given back: the process's
 * page directory may go to any new process, which must not find the
 * channel its own (a made channel, left with no owner, is freed). Programs
 * without a C library never run this; they call gp_channel_release.
 */
__attribute__((destructor)) static void release_claims(void)
{
    for (unsigned i = 0; i < MAX_CLAIMED; i++) {
        uint32_t id = __atomic_exchange_n(&claimed[i].id, 0, __ATOMIC_ACQ_REL);
        if (id) {
            gp_arch_hypercall(GP_OP_RELEASE, id - 1, 0, 0);
        }
    }
    for (unsigned i = 0; i < MAX_MADE; i++) {
        uint32_t id = __atomic_exchange_n(&made[i], 0, __ATOMIC_ACQ_REL);
        if (id) {
            gp_arch_hypercall(GP_OP_RELEASE, id - 1, 0, 0);
        }
    }
}

/* After an op on CH answered -1: claims CH again if this process claimed
 * it before (true if it is ours again). */
static int claim_again(gp_channel ch)
{
    for (unsigned i = 0; i < MAX_CLAIMED; i++) {
        if (__atomic_load_n(&claimed[i].id, __ATOMIC_ACQUIRE) == ch.id + 1) {
            return claim(claimed[i].token) == ch.id;
        }
    }
    return 0;
}

int gp_channel_lookup(const char *name, size_t length, gp_channel *out)
{
    touch_for_reading(name, length);
    unsigned long id = gp_arch_hypercall(GP_OP_GET_CHANNEL_BY_NAME, 0, (unsigned long)name,
                                         length);
    if (id == GP_MAGIC || (long)id < 0) {
        return -1;
    }
    out->id = (uint32_t)id;
    return 0;
}

int gp_channel_new(gp_channel *out)
{
    unsigned long id = gp_arch_hypercall(GP_OP_GET_MANAGER, 0, 0, 0);
    if (id == GP_MAGIC) {
        return -ENODEV;
    }
    if ((long)id < 0) {
        return (int)result_errno(id);
    }
    unsigned slot = __atomic_fetch_add(&made_count, 1, __ATOMIC_RELAXED);
    if (slot < MAX_MADE) {
        __atomic_store_n(&made[slot], (uint32_t)id + 1, __ATOMIC_RELEASE);
    }
    out->id = (uint32_t)id;
    return 0;
}

ssize_t gp_channel_write(gp_channel ch, const void *buf, size_t len)
{
    touch_for_reading(buf, len);
    unsigned long result = gp_arch_hypercall(GP_OP_WRITE, ch.id, (unsigned long)buf, len);
    if (result == (unsigned long)-GP_ERR_NOT_FOUND && claim_again(ch)) {
        result = gp_arch_hypercall(GP_OP_WRITE, ch.id, (unsigned long)buf, len);
    }
    return result == GP_MAGIC ? -ENODEV : (ssize_t)result_errno(result);
}

int gp_channel_write_all(gp_channel ch, const void *buf, size_t len)
{
    const unsigned char *bytes = buf;
    do {
        size_t chunk = len < WRITE_ALL_CHUNK ? len : WRITE_ALL_CHUNK;
        ssize_t sent = gp_channel_write(ch, bytes, chunk);
        if (sent < 0) {
            return (int)sent;
        }
        bytes += chunk;
        len -= chunk;
    } while (len);
    return 0;
}

ssize_t gp_channel_try_read(gp_channel ch, void *buf, size_t cap)
{
    touch_for_writing(buf, cap);
    unsigned long result = gp_arch_hypercall(GP_OP_READ, ch.id, (unsigned long)buf, cap);
    if (result == (unsigned long)-GP_ERR_NOT_FOUND && claim_again(ch)) {
        result = gp_arch_hypercall(GP_OP_READ, ch.id, (unsigned long)buf, cap);
    }
    return result == GP_MAGIC ? -ENODEV : (ssize_t)result_errno(result);
}

void gp_error(const char *text)
{
    size_t length = 0;
    while (text[length]) {
        length++;
    }
    touch_for_reading(text, length);
    gp_arch_hypercall(GP_OP_ERROR, 0, (unsigned long)text, length);
}
