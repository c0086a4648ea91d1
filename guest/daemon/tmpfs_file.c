/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tmpfs_file.h"

#include <errno.h>

#include "sys.h"
#include "text.h"

/* A few tries per directory: a clash of 128 random bits means someone is
 * guessing names, not bad luck, so the next directory is tried soon. */
#define ATTEMPTS_PER_DIR 3

static struct {
    uint64_t k0, k1;
    uint64_t counter;
    int seeded;
} names;

static uint64_t get_u64(const uint8_t *at)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--) {
        value = value << 8 | at[i];
    }
    return value;
}

void tmpfs_file_seed(const uint8_t key[16])
{
    names.k0 = get_u64(key);
    names.k1 = get_u64(key + 8);
    names.seeded = 1;
}

static uint64_t rotate(uint64_t x, int bits) { return x << bits | x >> (64 - bits); }

#define SIP_ROUND(v0, v1, v2, v3)                                                       \
    do {                                                                                \
        v0 += v1, v1 = rotate(v1, 13), v1 ^= v0, v0 = rotate(v0, 32);                   \
        v2 += v3, v3 = rotate(v3, 16), v3 ^= v2;                                        \
        v0 += v3, v3 = rotate(v3, 21), v3 ^= v0;                                        \
        v2 += v1, v1 = rotate(v1, 17), v1 ^= v2, v2 = rotate(v2, 32);                   \
    } while (0)

/*
 * SipHash-2-4 of one 8-byte word: a pseudo-random function, so names seen
 * in the directory tell nothing about the key or the next name (a plain
 * generator such as xorshift would give its state away).
 */
static uint64_t siphash_word(uint64_t message)
{
    uint64_t v0 = names.k0 ^ UINT64_C(0x736f6d6570736575);
    uint64_t v1 = names.k1 ^ UINT64_C(0x646f72616e646f6d);
    uint64_t v2 = names.k0 ^ UINT64_C(0x6c7967656e657261);
    uint64_t v3 = names.k1 ^ UINT64_C(0x7465646279746573);
    uint64_t last = (uint64_t)8 << 56; /* the message length in the final block */

    v3 ^= message;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= message;
    v3 ^= last;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    for (int i = 0; i < 4; i++) {
        SIP_ROUND(v0, v1, v2, v3);
    }
    return v0 ^ v1 ^ v2 ^ v3;
}

/* DIR + prefix + 32 hex digits of two fresh hash values. */
static void make_name(char *path, const char *dir)
{
    static const char hex[] = "0123456789abcdef";
    char *at = text_append(text_append(path, dir), GP_DAEMON_TMPFS_PREFIX);
    for (int half = 0; half < 2; half++) {
        uint64_t value = siphash_word(names.counter++);
        for (int i = 0; i < 16; i++, value >>= 4) {
            *at++ = hex[value & 15];
        }
    }
    *at = '\0';
}

long tmpfs_file_create(char path[TMPFS_PATH_MAX])
{
    static const char *const dirs[] = { "/dev/shm/", "/tmp/", "/run/" };
    long fd = -ENOENT;
    if (!names.seeded) {
        return -ENOKEY; /* no random key: a name could be guessed */
    }
    for (unsigned d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        for (int attempt = 0; attempt < ATTEMPTS_PER_DIR; attempt++) {
            make_name(path, dirs[d]);
            fd = sys_openat(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
            if (fd >= 0) {
                /* The creator's umask may have taken the execute bit. */
                sys_fchmod((int)fd, 0700);
                return fd;
            }
            if (fd != -EEXIST) {
                break; /* not this directory: read-only, missing, full */
            }
        }
    }
    path[0] = '\0';
    return fd;
}
