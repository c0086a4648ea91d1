/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmpfs_squatter: an unprivileged guest user attacking the tmpfs fallback of
 * the injector and of guest_daemon (tests/integration/hostile_tmpfs.sh runs
 * it as nobody). Without a C library, so it copies over the serial console
 * in a moment.
 *
 *   tmpfs_squatter plant RECORD DIR...
 *       pre-creates in every DIR the names guestplug once used
 *       (.guestplug-daemon, .guestplug-1 .. .guestplug-8): files that hold
 *       PAYLOAD, a script that leaves a marker if it ever runs, and symlinks
 *       to VICTIM, a file only root may write. Each is recorded in RECORD.
 *   tmpfs_squatter watch RECORD DIR...
 *       watches the DIRs with inotify. For every entry someone else creates
 *       it tries to open it for writing and put PAYLOAD in, to replace it and
 *       to unlink it; it plants a symlink of that name in every other DIR,
 *       and plants one again the moment the entry is deleted. Whoever writes
 *       into one of its own files has the PAYLOAD written back at once (the
 *       race an O_TRUNC open without O_EXCL loses).
 *   tmpfs_squatter check RECORD
 *       compares every entry it planted with RECORD: same inode, same owner,
 *       same content or link target.
 *
 * One line per observation on stdout. "ATTACK WORKED" marks a success of
 * the attacker, "CHANGED" an entry of the attacker someone else touched;
 * the test requires that neither ever appears.
 */
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/inotify.h>
#include <linux/stat.h>

#include "arch.h"
#include "daemon/text.h" /* guest_daemon's, as libc-free as this program */

#define PAYLOAD "#!/bin/sh\nid -u > /tmp/gp-pwned\n"
#define VICTIM "/etc/gp-victim"
#define MAX_OWN 512
#define MAX_PATH 160
#define MAX_DIRS 4
#define FILE_TYPE_MASK 0170000
#define FILE_TYPE_LINK 0120000
#define NO_RESULT (-1000000L) /* report(): a line without a system call result */

#define SYS(n, a, b, c, d, e) \
    gp_arch_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

static unsigned long my_uid;
static int record_fd = -1;
static const char *dirs[MAX_DIRS];
static int dir_watch[MAX_DIRS];
static int dir_count;

/* What the attacker made: checked later, defended while watching. */
static struct own_entry {
    char path[MAX_PATH];
    unsigned long inode; /* register width: no 64-bit division on i386 */
} own[MAX_OWN];
static int own_count;

static int same_text(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++, b++;
    }
    return *a == *b;
}

static void say(int fd, const char *text)
{
    SYS(__NR_write, fd, text, text_length(text), 0, 0);
}

/* Appends TEXT to the line being built in LINE (MAX_PATH * 3 bytes). */
static char *append(char *at, const char *end, const char *text)
{
    while (*text && at < end - 1) {
        *at++ = *text++;
    }
    *at = '\0';
    return at;
}

/* Appends the decimal digits of VALUE, as far as the line has room. */
static char *append_number(char *at, const char *end, unsigned long value)
{
    char digits[21]; /* 2^64 - 1 has 20 */
    text_append_decimal(digits, value);
    return append(at, end, digits);
}

/* "WHAT PATH: result" where result is "ok" or "errno N". */
static void report(const char *what, const char *path, long result)
{
    char line[MAX_PATH * 3];
    const char *end = line + sizeof line;
    char *at = append(line, end, what);
    at = append(at, end, " ");
    at = append(at, end, path);
    if (result != NO_RESULT) {
        at = append(at, end, result >= 0 ? ": ok" : ": errno ");
        if (result < 0) {
            at = append_number(at, end, (unsigned long)-result);
        }
    }
    append(at, end, "\n");
    say(1, line);
}

static void join(char *out, const char *dir, const char *name)
{
    char *end = out + MAX_PATH;
    append(append(append(out, end, dir), end, "/"), end, name);
}

static long look(const char *path, struct statx *out)
{
    return SYS(__NR_statx, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out);
}

static struct own_entry *find_own(const char *path)
{
    for (int i = 0; i < own_count; i++) {
        if (same_text(own[i].path, path)) {
            return &own[i];
        }
    }
    return 0;
}

/* Remembers PATH as the attacker's, in memory and in the record file. */
static void remember(const char *path)
{
    struct statx st;
    if (own_count >= MAX_OWN || look(path, &st) != 0) {
        return;
    }
    struct own_entry *entry = find_own(path);
    if (!entry) {
        entry = &own[own_count++];
    }
    append(entry->path, entry->path + MAX_PATH, path);
    entry->inode = (unsigned long)st.stx_ino;
    if (record_fd >= 0) {
        char line[MAX_PATH + 32];
        const char *end = line + sizeof line;
        char *at = append_number(line, end, (unsigned long)st.stx_ino);
        append(append(append(at, end, " "), end, path), end, "\n");
        say(record_fd, line);
    }
}

static long write_payload(const char *path, int flags)
{
    long fd = SYS(__NR_openat, AT_FDCWD, path, flags, 0777, 0);
    if (fd < 0) {
        return fd;
    }
    long written = SYS(__NR_write, fd, PAYLOAD, text_length(PAYLOAD), 0, 0);
    SYS(__NR_close, fd, 0, 0, 0, 0);
    return written < 0 ? written : 0;
}

static void plant_file(const char *path)
{
    long result = write_payload(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW);
    if (result == 0) {
        SYS(__NR_fchmodat, AT_FDCWD, path, 0777, 0, 0);
        remember(path);
    }
    report("plant file", path, result);
}

static void plant_symlink(const char *path)
{
    long result = SYS(__NR_symlinkat, VICTIM, AT_FDCWD, path, 0, 0);
    if (result == 0) {
        remember(path);
    }
    report("plant symlink", path, result);
}

static void plant(void)
{
    static const char *const names[] = { ".guestplug-daemon", ".guestplug-1", ".guestplug-2",
                                         ".guestplug-3", ".guestplug-4", ".guestplug-5",
                                         ".guestplug-6", ".guestplug-7", ".guestplug-8" };
    for (int d = 0; d < dir_count; d++) {
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
            char path[MAX_PATH];
            join(path, dirs[d], names[i]);
            /* Alternate so that each directory has both kinds at each name. */
            if ((i + (unsigned)d) % 2 == 0) {
                plant_file(path);
            } else {
                plant_symlink(path);
            }
        }
    }
}

/* Someone else made PATH (in directory D): everything an attacker can try.
 * Each counts as a success only if it reached the other user's file. */
static void attack(int d, const char *name, const char *path)
{
    struct statx st;
    if (look(path, &st) != 0 || st.stx_uid == my_uid) {
        return; /* gone already (its name is squatted when the delete shows), or ours */
    }
    report("saw", path, NO_RESULT);

    long fd = SYS(__NR_openat, AT_FDCWD, path, O_WRONLY | O_NOFOLLOW, 0, 0);
    if (fd >= 0) {
        struct statx opened;
        if (SYS(__NR_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &opened) == 0 &&
            opened.stx_uid != my_uid) {
            SYS(__NR_write, fd, PAYLOAD, text_length(PAYLOAD), 0, 0);
            report("ATTACK WORKED: wrote the payload into", path, NO_RESULT);
        }
        SYS(__NR_close, fd, 0, 0, 0, 0);
    } else {
        report("write into", path, fd);
    }

    /* An exchange needs both names to exist, so a success displaced theirs. */
    char decoy[MAX_PATH];
    join(decoy, dirs[d], ".squatter-decoy");
    if (write_payload(decoy, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW) == 0) {
        long result = SYS(__NR_renameat2, AT_FDCWD, decoy, AT_FDCWD, path, RENAME_EXCHANGE);
        report(result == 0 ? "ATTACK WORKED: swapped my payload for" : "swap with", path,
               result == 0 ? NO_RESULT : result);
        SYS(__NR_unlinkat, AT_FDCWD, decoy, 0, 0, 0);
    }
    /* Only we plant names here, and we are busy: a success removed theirs. */
    long result = SYS(__NR_unlinkat, AT_FDCWD, path, 0, 0, 0);
    report(result == 0 ? "ATTACK WORKED: unlinked" : "unlink", path,
           result == 0 ? NO_RESULT : result);
    for (int other = 0; other < dir_count; other++) {
        if (other != d) {
            char elsewhere[MAX_PATH];
            join(elsewhere, dirs[other], name);
            plant_symlink(elsewhere);
        }
    }
}

/* An entry of ours was written: if not by us, say so and put PAYLOAD back. */
static void defend(const char *path)
{
    char buffer[sizeof PAYLOAD + 16];
    long fd = SYS(__NR_openat, AT_FDCWD, path, O_RDONLY | O_NOFOLLOW, 0, 0);
    if (fd < 0) {
        return; /* a symlink: its target is not ours to watch here */
    }
    long got = SYS(__NR_read, fd, buffer, sizeof buffer - 1, 0, 0);
    SYS(__NR_close, fd, 0, 0, 0, 0);
    buffer[got > 0 ? got : 0] = '\0';
    if (!same_text(buffer, PAYLOAD)) {
        report("CHANGED: someone wrote into", path, NO_RESULT);
        report("rewrite the payload into", path, write_payload(path, O_WRONLY | O_TRUNC));
    }
}

static void on_event(const struct inotify_event *event)
{
    int d = 0;
    while (d < dir_count && dir_watch[d] != event->wd) {
        d++;
    }
    if (d == dir_count || event->len == 0 || same_text(event->name, ".squatter-decoy")) {
        return;
    }
    char path[MAX_PATH];
    join(path, dirs[d], event->name);
    struct own_entry *mine = find_own(path);
    if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
        attack(d, event->name, path);
    } else if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
        if (mine) {
            report("CHANGED: someone removed", path, NO_RESULT);
        } else {
            report("gone, planting its name", path, NO_RESULT);
            plant_symlink(path);
        }
    } else if (mine && (event->mask & (IN_CLOSE_WRITE | IN_MODIFY))) {
        defend(path);
    }
}

static void watch(void)
{
    long inotify = SYS(__NR_inotify_init1, 0, 0, 0, 0, 0);
    if (inotify < 0) {
        report("inotify_init1", "", inotify);
        return;
    }
    for (int d = 0; d < dir_count; d++) {
        dir_watch[d] = (int)SYS(__NR_inotify_add_watch, inotify, dirs[d],
                                IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |
                                    IN_MODIFY | IN_CLOSE_WRITE,
                                0, 0);
        report("watch", dirs[d], dir_watch[d]);
    }
    say(1, "watching\n");
    static char buffer[64 * 1024] __attribute__((aligned(8)));
    for (;;) {
        long got = SYS(__NR_read, inotify, buffer, sizeof buffer, 0, 0);
        if (got <= 0) {
            report("read inotify", "", got);
            return;
        }
        for (long at = 0; at < got;) {
            const struct inotify_event *event = (const struct inotify_event *)(buffer + at);
            on_event(event);
            at += (long)sizeof *event + (long)event->len;
        }
    }
}

/* Reads RECORD ("INODE PATH" lines) into own[]; false if it cannot. */
static int load_record(const char *record)
{
    static char text[MAX_OWN * (MAX_PATH + 24)];
    long fd = SYS(__NR_openat, AT_FDCWD, record, O_RDONLY, 0, 0);
    long got = fd < 0 ? fd : SYS(__NR_read, fd, text, sizeof text - 1, 0, 0);
    SYS(__NR_close, fd, 0, 0, 0, 0);
    if (got < 0) {
        report("CHANGED: cannot read the record", record, got);
        return 0;
    }
    text[got] = '\0';
    for (char *line = text; *line && own_count < MAX_OWN;) {
        char *end = line;
        while (*end && *end != '\n') {
            end++;
        }
        char *next = *end ? end + 1 : end;
        *end = '\0';
        struct own_entry *entry = &own[own_count++];
        entry->inode = 0;
        while (*line >= '0' && *line <= '9') {
            entry->inode = entry->inode * 10 + (unsigned long)(*line++ - '0');
        }
        line += *line == ' ';
        append(entry->path, entry->path + MAX_PATH, line);
        line = next;
    }
    return 1;
}

/* Every recorded entry must be as it was planted. */
static int check(const char *record)
{
    if (!load_record(record)) {
        return 1;
    }
    int failures = 0;
    for (int i = 0; i < own_count; i++) {
        const char *path = own[i].path;
        struct statx st;
        char content[MAX_PATH];
        int intact = look(path, &st) == 0 && (unsigned long)st.stx_ino == own[i].inode &&
                     st.stx_uid == my_uid;
        if (intact && (st.stx_mode & FILE_TYPE_MASK) == FILE_TYPE_LINK) {
            long length = SYS(__NR_readlinkat, AT_FDCWD, path, content, sizeof content - 1, 0);
            content[length > 0 ? length : 0] = '\0';
            intact = same_text(content, VICTIM);
        } else if (intact) {
            long file = SYS(__NR_openat, AT_FDCWD, path, O_RDONLY | O_NOFOLLOW, 0, 0);
            long length = file < 0 ? file : SYS(__NR_read, file, content, sizeof content - 1, 0, 0);
            SYS(__NR_close, file, 0, 0, 0, 0);
            content[length > 0 ? length : 0] = '\0';
            intact = same_text(content, PAYLOAD);
        }
        if (!intact) {
            report("CHANGED:", path, NO_RESULT);
            failures++;
        }
    }
    char line[64];
    const char *end = line + sizeof line;
    append(append_number(append(line, end, "checked "), end, (unsigned long)own_count), end,
           failures ? " entries, some CHANGED\n" : " entries, all intact\n");
    say(1, line);
    return failures != 0;
}

__attribute__((used, noreturn)) void squatter_main(long *stack)
{
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    int status = 2;
    my_uid = (unsigned long)SYS(__NR_getuid, 0, 0, 0, 0, 0);
    if (argc >= 3) {
        for (long i = 3; i < argc && dir_count < MAX_DIRS; i++) {
            dirs[dir_count++] = argv[i];
        }
        if (same_text(argv[1], "check")) {
            status = check(argv[2]);
        } else {
            record_fd = (int)SYS(__NR_openat, AT_FDCWD, argv[2],
                                 O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0644, 0);
            if (same_text(argv[1], "plant")) {
                plant();
                status = 0;
            } else if (same_text(argv[1], "watch") && load_record(argv[2])) {
                watch();
                status = 1;
            }
        }
    }
    for (;;) {
        SYS(__NR_exit_group, status, 0, 0, 0, 0);
    }
}

GP_ARCH_DEFINE_START(squatter_main);
