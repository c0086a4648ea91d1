/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The attacker's side of guest memory (tests/integration/hostile_memory.sh):
 * an unprivileged process tries, with raw hypercalls, to make the host
 * write where it may not write and read what it may not read, one case per
 * attack of issue 8 and a few more. Every attack must fail with -2, and the
 * message it tried to misplace must still be whole afterwards: a READ into
 * a proper buffer gets all of it. The targets are checked from this
 * process here and from other processes by the script.
 *
 *   hostile_memory attack       as root: read the kernel symbol addresses
 *                               an attacker would aim at (modprobe_path,
 *                               linux_banner, or _text), drop to uid and
 *                               gid 65534 for good, then attack (needs the
 *                               channel_test host plugin: channel "echo")
 *   hostile_memory fresh-zero   new anonymous pages read as zeros (the
 *                               shared zero page was not written)
 *
 * Prints "ok   CASE: ..." or "FAIL CASE: ..." per check and a closing
 * "hostile_memory: N passed, M failed"; exits 0 only when all passed.
 *
 * The attacks use gp_arch_hypercall directly: the guest library touches
 * (writes) its buffers first, which would break copy-on-write and fault
 * pages in, and the point is what the host does with pages that were not.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch.h" /* gp_arch_hypercall: the raw trap */
#include "guestplug/abi.h"
#include "guestplug/channel.h"

#define NOBODY 65534
#define PAGE 4096u
#define ROOT_FILE "/tmp/hostile-root-file" /* made by the script, as root, mode 0644 */
#define NOBODY_FILE "/tmp/hostile-nobody-file"
#define BAD_ADDRESS ((unsigned long)-GP_ERR_BAD_ADDRESS)
/* A kernel-half address that is always kernel, KASLR or not (on aarch64,
 * in the half that TTBR1 maps whatever the number of address bits; on
 * mips64, in CKSEG0; 32-bit mips: KSEG2). */
#if __SIZEOF_LONG__ == 8
#define KERNEL_FIXED 0xffffffff81000000ul
#else
#define KERNEL_FIXED 0xc1000000ul
#endif

#include "../hostile_check.h"

static gp_channel echo;

/* The message every attack tries to put where it does not belong. */
static const char payload[] = "root::0:0:root:/root:/bin/sh\n/tmp/evil\n";
#define PAYLOAD_LENGTH (sizeof payload - 1)

static unsigned long raw(unsigned long op, unsigned long channel, unsigned long arg1,
                         unsigned long arg2)
{
    return gp_arch_hypercall(op, channel, arg1, arg2);
}

/* Queues the payload on echo (it comes back as one message). */
static void queue_payload(void)
{
    if (gp_channel_write(echo, payload, PAYLOAD_LENGTH) != (ssize_t)PAYLOAD_LENGTH) {
        check(false, "setup", "WRITE of the payload to echo", 0);
    }
}

/* After a refusal: the payload is still queued, whole, for a good buffer. */
static void check_kept(const char *name)
{
    static char good[256];
    memset(good, 0, sizeof good);
    ssize_t got = gp_channel_try_read(echo, good, sizeof good);
    check(got == (ssize_t)PAYLOAD_LENGTH && memcmp(good, payload, PAYLOAD_LENGTH) == 0, name,
          "the message is still whole: a READ into a writable buffer gets all of it",
          (unsigned long)got);
}

/* One READ attack: the payload aimed at TARGET must be refused and kept. */
static void read_into(const char *name, const void *target)
{
    queue_payload();
    unsigned long result = raw(GP_OP_READ, echo.id, (unsigned long)target, PAYLOAD_LENGTH);
    check(result == BAD_ADDRESS, name, "READ -> -2", result);
    check_kept(name);
}

static unsigned long kernel_symbol(const char *symbol)
{
    FILE *kallsyms = fopen("/proc/kallsyms", "r");
    char line[256], name[128], type;
    unsigned long address = 0, value;
    while (kallsyms && fgets(line, sizeof line, kallsyms)) {
        if (sscanf(line, "%lx %c %127s", &value, &type, name) == 3 && strcmp(name, symbol) == 0) {
            address = value;
            break;
        }
    }
    if (kallsyms) {
        fclose(kallsyms);
    }
    return address;
}

/* Becomes uid and gid 65534 for good, and proves it. */
static bool drop_privileges(void)
{
    if (setgroups(0, NULL) != 0 || setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
        setresuid(NOBODY, NOBODY, NOBODY) != 0) {
        perror("hostile_memory: dropping to nobody");
        return false;
    }
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    bool nobody = r == NOBODY && e == NOBODY && s == NOBODY && getgid() == NOBODY;
    check(nobody, "nobody", "running as uid 65534, gid 65534", (unsigned long)e);
    check(setuid(0) != 0, "nobody", "setuid(0) fails", (unsigned long)errno);
    check(open("/etc/passwd", O_WRONLY) < 0 && errno == EACCES, "nobody",
          "/etc/passwd cannot be opened for writing", (unsigned long)errno);
    return nobody;
}

static void *map_file(const char *path, int prot, int flags, size_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        check(false, path, "open", (unsigned long)errno);
        return NULL;
    }
    *size = (size_t)st.st_size;
    void *p = mmap(NULL, *size, prot, flags, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        check(false, path, "mmap", (unsigned long)errno);
        return NULL;
    }
    return p;
}

static bool file_is(const char *path, const void *expected, size_t length)
{
    char buffer[8192];
    int fd = open(path, O_RDONLY);
    ssize_t got = fd < 0 ? -1 : read(fd, buffer, sizeof buffer);
    if (fd >= 0) {
        close(fd);
    }
    return got == (ssize_t)length && memcmp(buffer, expected, length) == 0;
}

/* READ into a read-only private mapping of /etc/passwd: its page cache. */
static void attack_passwd(void)
{
    size_t size;
    char before[8192];
    volatile char *p = map_file("/etc/passwd", PROT_READ, MAP_PRIVATE, &size);
    if (!p || size > sizeof before) {
        return;
    }
    memcpy(before, (const char *)p, size); /* faults the page in: present, read-only */
    read_into("passwd-private-ro", (const void *)p);
    check(memcmp(before, (const char *)p, size) == 0 && file_is("/etc/passwd", before, size),
          "passwd-private-ro", "/etc/passwd unchanged, in the mapping and in the file", 0);

    /* A writable private mapping only read so far: the page is still the
     * page cache's, mapped read-only until copy-on-write. */
    volatile char *w = map_file("/etc/passwd", PROT_READ | PROT_WRITE, MAP_PRIVATE, &size);
    if (!w) {
        return;
    }
    (void)w[0];
    read_into("passwd-private-cow", (const void *)w);
    check(file_is("/etc/passwd", before, size), "passwd-private-cow", "/etc/passwd unchanged",
          0);
    /* The library writes the page first: the copy is broken, the READ
     * lands in this process's own copy, and the file stays as it was. */
    queue_payload();
    ssize_t got = gp_channel_try_read(echo, (void *)w, PAYLOAD_LENGTH);
    check(got == (ssize_t)PAYLOAD_LENGTH && memcmp((const char *)w, payload, got) == 0,
          "passwd-private-cow", "with the library's touch, READ fills the private copy",
          (unsigned long)got);
    check(file_is("/etc/passwd", before, size), "passwd-private-cow",
          "and /etc/passwd is unchanged", 0);
}

/* READ into a read-only shared mapping of a root-owned file. */
static void attack_shared_root_file(void)
{
    size_t size;
    char before[256];
    volatile char *p = map_file(ROOT_FILE, PROT_READ, MAP_SHARED, &size);
    if (!p || size > sizeof before) {
        return;
    }
    memcpy(before, (const char *)p, size);
    read_into("root-file-shared-ro", (const void *)p);
    check(file_is(ROOT_FILE, before, size), "root-file-shared-ro", ROOT_FILE " unchanged", 0);
}

/* A kernel symbol: what an attacker aims at. */
typedef struct symbol {
    const char *name;
    unsigned long address;
} symbol;

/* READ into kernel memory: a fixed kernel-half address and modprobe_path
 * (its address was read as root; kernels without data symbols in kallsyms,
 * like Debian's 686 and arm64, offer _text or _stext instead). */
static void attack_kernel(symbol target)
{
    char what[96];
    read_into("kernel-fixed", (const void *)KERNEL_FIXED);
    snprintf(what, sizeof what, "%s's address read from /proc/kallsyms as root", target.name);
    check(target.address != 0, "kernel-symbol", what, target.address);
    if (target.address) {
        read_into("kernel-symbol", (const void *)target.address);
    }
#if defined(__x86_64__)
    read_into("vsyscall-page", (const void *)0xffffffffff600000ul);
#endif
}

/* READ into a page that was only read: the shared zero page. */
static void attack_zero_page(void)
{
    volatile uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        check(false, "zero-page", "mmap", (unsigned long)errno);
        return;
    }
    (void)p[0]; /* maps the zero page, read-only */
    read_into("zero-page", (const void *)p);
    bool zero = true;
    for (unsigned i = 0; i < PAGE; i++) {
        zero &= p[i] == 0;
    }
    check(zero, "zero-page", "the page still reads as zeros", 0);
    /* The second page was never touched: not present at all. */
    read_into("untouched-anonymous", (const void *)(p + PAGE));
}

/* READ into this program's own text and read-only data. */
static void attack_text(void)
{
    const void *text = (const void *)(uintptr_t)&attack_text;
    uint8_t before[PAYLOAD_LENGTH];
    memcpy(before, text, sizeof before);
    read_into("own-text", text);
    check(memcmp(before, text, sizeof before) == 0, "own-text", "the code is unchanged", 0);
    read_into("own-rodata", payload + 1);
    check(memcmp(payload, "root::0:0:", 10) == 0, "own-rodata", "the constant is unchanged", 0);
}

/* Pages the process itself made read-only or inaccessible. */
static void attack_own_protections(void)
{
    uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (p == MAP_FAILED) {
        check(false, "mprotect", "mmap", (unsigned long)errno);
        return;
    }
    memset(p, 'w', 3 * PAGE); /* present, writable, dirty ... */
    mprotect(p + PAGE, PAGE, PROT_READ); /* ... then read-only */
    mprotect(p + 2 * PAGE, PAGE, PROT_NONE);
    read_into("mprotect-read-only", p + PAGE);
    read_into("prot-none", p + 2 * PAGE);
    /* Starts on the writable page, ends on the read-only one. */
    read_into("straddle-rw-into-ro", p + PAGE - 8);
    bool unchanged = true;
    for (unsigned i = 0; i < 2 * PAGE; i++) {
        unchanged &= p[i] == 'w';
    }
    check(unchanged, "straddle-rw-into-ro", "not a byte written, not even on the writable page",
          0);
}

/* After fork, the parent's written pages are copy-on-write in the child. */
static void attack_fork_cow(void)
{
    static char buffer[PAGE] __attribute__((aligned(PAGE)));
    memset(buffer, 'p', sizeof buffer);
    pid_t child = fork();
    if (child == 0) {
        queue_payload();
        unsigned long result = raw(GP_OP_READ, echo.id, (unsigned long)buffer, PAYLOAD_LENGTH);
        bool refused = result == BAD_ADDRESS && buffer[0] == 'p';
        /* The library breaks the copy first: the READ lands in the child's page. */
        ssize_t got = gp_channel_try_read(echo, buffer, PAYLOAD_LENGTH);
        _exit(refused && got == (ssize_t)PAYLOAD_LENGTH && memcmp(buffer, payload, got) == 0
                  ? 0
                  : 1);
    }
    int status = -1;
    waitpid(child, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork-cow",
          "the child's raw READ into a shared copy-on-write page -> -2; with the library's "
          "touch it lands in the child's own copy", (unsigned long)status);
    bool unchanged = true;
    for (unsigned i = 0; i < sizeof buffer; i++) {
        unchanged &= buffer[i] == 'p';
    }
    check(unchanged, "fork-cow", "the parent's page is unchanged", 0);
}

/* No host plugin needed: the core's manager queues a 4-byte reply. */
static void attack_manager_reply(void)
{
    size_t size;
    const volatile char *passwd = map_file("/etc/passwd", PROT_READ, MAP_PRIVATE, &size);
    unsigned long manager = raw(GP_OP_GET_MANAGER, 0, 0, 0);
    char request[8] = { GP_MANAGER_GET_CHANNEL_FROM_NAME, 0, 0, 0, 'e', 'c', 'h', 'o' };
    uint8_t reply[4] = { 0 };

    check((long)manager > 0, "manager-reply", "GET_MANAGER", manager);
    if (!passwd || (long)manager <= 0) {
        return;
    }
    char first = passwd[0];
    gp_channel_write((gp_channel){ (uint32_t)manager }, request, sizeof request);
    unsigned long result = raw(GP_OP_READ, manager, (unsigned long)passwd, 4);
    check(result == BAD_ADDRESS && passwd[0] == first, "manager-reply",
          "READ of the manager's reply into /etc/passwd's page cache -> -2", result);
    result = raw(GP_OP_READ, manager, KERNEL_FIXED, 4);
    check(result == BAD_ADDRESS, "manager-reply", "READ of it into kernel memory -> -2", result);
    ssize_t got = gp_channel_try_read((gp_channel){ (uint32_t)manager }, reply, sizeof reply);
    uint32_t id = (uint32_t)reply[0] | (uint32_t)reply[1] << 8 | (uint32_t)reply[2] << 16 |
                  (uint32_t)reply[3] << 24;
    check(got == 4 && id == echo.id, "manager-reply",
          "the reply is still whole: echo's id, 4 bytes", (unsigned long)got);
}

/* WRITE, ERROR and GET_CHANNEL_BY_NAME from kernel memory: linux_banner
 * (or _text), and a fixed kernel address. */
static void attack_kernel_reads(symbol banner)
{
    char what[96];
    snprintf(what, sizeof what, "%s's address read from /proc/kallsyms as root", banner.name);
    check(banner.address != 0, "kernel-read", what, banner.address);
    const unsigned long targets[2] = { banner.address, KERNEL_FIXED };
    for (int i = 0; i < 2 && targets[i]; i++) {
        const char *name = i == 0 ? "a kernel symbol" : "a fixed kernel address";
        unsigned long result = raw(GP_OP_WRITE, echo.id, targets[i], 64);
        snprintf(what, sizeof what, "WRITE from %s -> -2", name);
        check(result == BAD_ADDRESS, "kernel-read", what, result);
        result = raw(GP_OP_ERROR, 0, targets[i], 64);
        snprintf(what, sizeof what, "ERROR from %s -> -2", name);
        check(result == BAD_ADDRESS, "kernel-read", what, result);
        result = raw(GP_OP_GET_CHANNEL_BY_NAME, 0, targets[i], 5);
        snprintf(what, sizeof what, "GET_CHANNEL_BY_NAME with the name at %s -> -2", name);
        check(result == BAD_ADDRESS, "kernel-read", what, result);
    }
    char nothing[64];
    check(gp_channel_try_read(echo, nothing, sizeof nothing) == 0, "kernel-read",
          "echo got nothing to send back", 0);
}

/* The positive controls: memory the process may write gets the message. */
static void controls(void)
{
    char *heap = malloc(PAYLOAD_LENGTH);
    queue_payload();
    ssize_t got = gp_channel_try_read(echo, heap, PAYLOAD_LENGTH);
    check(got == (ssize_t)PAYLOAD_LENGTH && memcmp(heap, payload, got) == 0, "control",
          "READ into a malloc'd buffer", (unsigned long)got);
    free(heap);

    /* A shared writable mapping of a file of its own: the READ reaches the file. */
    int fd = open(NOBODY_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        check(false, "control", "creating " NOBODY_FILE, (unsigned long)errno);
        return;
    }
    char *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    queue_payload();
    got = shared == MAP_FAILED ? -1 : gp_channel_try_read(echo, shared, PAYLOAD_LENGTH);
    check(got == (ssize_t)PAYLOAD_LENGTH, "control",
          "READ into a writable shared mapping of the process's own file",
          (unsigned long)got);
    if (shared != MAP_FAILED) {
        munmap(shared, PAGE);
    }
    char again[PAYLOAD_LENGTH];
    fd = open(NOBODY_FILE, O_RDONLY);
    check(fd >= 0 && read(fd, again, sizeof again) == (ssize_t)sizeof again &&
              memcmp(again, payload, sizeof again) == 0,
          "control", "which is now in the file", 0);
    if (fd >= 0) {
        close(fd);
    }
}

static int attack(void)
{
    /* What an attacker aims at; only root can read the addresses. */
    symbol modprobe_path = { "modprobe_path", kernel_symbol("modprobe_path") };
    symbol linux_banner = { "linux_banner", kernel_symbol("linux_banner") };
    /* The kernel's first code: _text, or _stext where kallsyms has no
     * _text (Debian's arm64). */
    symbol text = { "_text", kernel_symbol("_text") };
    if (!text.address) {
        text = (symbol){ "_stext", kernel_symbol("_stext") };
    }
    if (!drop_privileges()) {
        return 1;
    }
    if (!gp_host_present() || gp_channel_lookup("echo", 4, &echo) != 0) {
        check(false, "setup", "the channel_test host plugin's echo channel", 0);
        return 1;
    }
    attack_passwd();
    attack_shared_root_file();
    attack_kernel(modprobe_path.address ? modprobe_path : text);
    attack_zero_page();
    attack_text();
    attack_own_protections();
    attack_fork_cow();
    attack_manager_reply();
    attack_kernel_reads(linux_banner.address ? linux_banner : text);
    controls();
    return 0;
}

/* A new process: its fresh anonymous pages must be zeros. */
static int fresh_zero(void)
{
    enum { PAGES = 64 };
    volatile uint8_t *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bool zero = p != MAP_FAILED;
    for (unsigned i = 0; zero && i < PAGES * PAGE; i++) {
        zero = p[i] == 0;
    }
    check(zero, "fresh-zero", "64 new anonymous pages read as zeros", 0);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 2;
    if (argc == 2 && strcmp(argv[1], "attack") == 0) {
        status = attack();
    } else if (argc == 2 && strcmp(argv[1], "fresh-zero") == 0) {
        status = fresh_zero();
    } else {
        fprintf(stderr, "usage: hostile_memory attack|fresh-zero\n");
        return 2;
    }
    printf("hostile_memory: %u passed, %u failed\n", passed, failed);
    return status == 0 && failed == 0 && passed > 0 ? 0 : 1;
}
