/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the newc cpio writer (images/cpio.c): a small tree is archived,
 * parsed back with an independent reader and checked field by field, and
 * the output is checked to be byte-identical across runs, compressed or not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cpio.h"
#include "error.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct member {
    char *name;
    uint32_t ino, mode, uid, gid, nlink, mtime, size, rmaj, rmin;
    const unsigned char *data;
} member;

static uint32_t hex8(const unsigned char *p)
{
    char buf[9];
    memcpy(buf, p, 8);
    buf[8] = '\0';
    return (uint32_t)strtoul(buf, NULL, 16);
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* Parses a whole newc archive; fails the test on any format error. Stops
 * at the trailer, which is returned as the last member. */
static GArray *parse(const unsigned char *buf, size_t len)
{
    GArray *members = g_array_new(FALSE, TRUE, sizeof(member));
    size_t off = 0;

    for (;;) {
        member m = { 0 };
        assert_true(off + 110 <= len);
        assert_memory_equal(buf + off, "070701", 6);
        const unsigned char *h = buf + off + 6;
        m.ino = hex8(h);
        m.mode = hex8(h + 8);
        m.uid = hex8(h + 16);
        m.gid = hex8(h + 24);
        m.nlink = hex8(h + 32);
        m.mtime = hex8(h + 40);
        m.size = hex8(h + 48);
        assert_int_equal(hex8(h + 56), 0); /* devmajor */
        assert_int_equal(hex8(h + 64), 0); /* devminor */
        m.rmaj = hex8(h + 72);
        m.rmin = hex8(h + 80);
        uint32_t namesize = hex8(h + 88);
        assert_int_equal(hex8(h + 96), 0); /* check */
        assert_true(namesize >= 2 && off + 110 + namesize <= len);
        m.name = g_strndup((const char *)buf + off + 110, namesize - 1);
        assert_int_equal(buf[off + 110 + namesize - 1], '\0');
        off = align4(off + 110 + namesize);
        assert_true(off + m.size <= len);
        m.data = buf + off;
        off = align4(off + m.size);
        g_array_append_val(members, m);
        if (strcmp(m.name, "TRAILER!!!") == 0) {
            break;
        }
    }
    /* After the trailer only zero padding, up to a 512-byte boundary. */
    assert_int_equal(len % 512, 0);
    for (; off < len; off++) {
        assert_int_equal(buf[off], 0);
    }
    return members;
}

static void free_members(GArray *members)
{
    for (guint i = 0; i < members->len; i++) {
        g_free(g_array_index(members, member, i).name);
    }
    g_array_unref(members);
}

static const member *find(GArray *members, const char *name)
{
    for (guint i = 0; i < members->len; i++) {
        const member *m = &g_array_index(members, member, i);
        if (strcmp(m->name, name) == 0) {
            return m;
        }
    }
    fail_msg("no member %s", name);
    return NULL;
}

static void write_file(const char *dir, const char *rel, const char *text, mode_t mode)
{
    g_autofree char *path = g_build_filename(dir, rel, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    assert_int_equal(chmod(path, mode), 0);
}

/* A tree with every kind of entry the writer supports. */
static char *make_tree(void)
{
    char *dir = g_dir_make_tmp("gp-cpio-XXXXXX", NULL);
    assert_non_null(dir);
    assert_int_equal(chmod(dir, 0755), 0);
    write_file(dir, "hello.txt", "hello, world\n", 0644);
    write_file(dir, "empty", "", 0600);
    g_autofree char *sub = g_build_filename(dir, "sub", NULL);
    assert_int_equal(mkdir(sub, 0750), 0);
    assert_int_equal(chmod(sub, 0750), 0);
    write_file(dir, "sub/run.sh", "#!/bin/sh\necho hi\n", 0755);
    write_file(dir, "sub/suid", "x", 04755);
    g_autofree char *link = g_build_filename(dir, "sub", "link", NULL);
    assert_int_equal(symlink("../hello.txt", link), 0);
    /* Sorts between "sub" and "sub/..." in byte order: checks that the
     * order is strcmp's, not a locale's. */
    write_file(dir, "sub-file", "dash", 0644);
    return dir;
}

static void remove_tree(const char *dir)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static const gp_cpio_node nodes[] = {
    { "dev/console", S_IFCHR | 0600, 5, 1 },
    { "dev/null", S_IFCHR | 0666, 1, 3 },
};

static GBytes *archive(const char *dir, uint32_t mtime)
{
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    GError *error = NULL;
    bool ok = gp_cpio_write(dir, nodes, G_N_ELEMENTS(nodes), mtime, out, &error);
    if (!ok) {
        fail_msg("gp_cpio_write: %s", error->message);
    }
    assert_true(g_output_stream_close(out, NULL, NULL));
    return g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
}

static void test_roundtrip(void **state)
{
    (void)state;
    g_autofree char *dir = make_tree();
    g_autoptr(GBytes) bytes = archive(dir, 1234567890);
    gsize len;
    const unsigned char *buf = g_bytes_get_data(bytes, &len);
    GArray *members = parse(buf, len);

    /* Names: the root, sorted paths with the synthetic "dev" parent added,
     * and the trailer last. */
    const char *expected[] = { ".", "dev", "dev/console", "dev/null", "empty", "hello.txt",
                               "sub", "sub-file", "sub/link", "sub/run.sh", "sub/suid",
                               "TRAILER!!!" };
    assert_int_equal(members->len, G_N_ELEMENTS(expected));
    for (guint i = 0; i < members->len; i++) {
        const member *m = &g_array_index(members, member, i);
        assert_string_equal(m->name, expected[i]);
        if (i + 1 < members->len) {
            assert_int_equal(m->ino, i + 1); /* sequential, in path order */
            assert_int_equal(m->uid, 0);
            assert_int_equal(m->gid, 0);
            assert_int_equal(m->mtime, 1234567890);
        }
    }

    const member *m = find(members, ".");
    assert_int_equal(m->mode, S_IFDIR | 0755);
    m = find(members, "hello.txt");
    assert_int_equal(m->mode, S_IFREG | 0644);
    assert_int_equal(m->size, 13);
    assert_int_equal(m->nlink, 1);
    assert_memory_equal(m->data, "hello, world\n", 13);
    m = find(members, "empty");
    assert_int_equal(m->mode, S_IFREG | 0600);
    assert_int_equal(m->size, 0);
    m = find(members, "sub");
    assert_int_equal(m->mode, S_IFDIR | 0750);
    assert_int_equal(m->size, 0);
    m = find(members, "sub/run.sh");
    assert_int_equal(m->mode, S_IFREG | 0755);
    assert_int_equal(m->size, 18);
    assert_memory_equal(m->data, "#!/bin/sh\necho hi\n", 18);
    m = find(members, "sub/suid");
    assert_int_equal(m->mode, S_IFREG | 04755);
    m = find(members, "sub/link");
    assert_int_equal(m->mode & S_IFMT, S_IFLNK);
    assert_int_equal(m->size, strlen("../hello.txt"));
    assert_memory_equal(m->data, "../hello.txt", m->size);
    m = find(members, "dev");
    assert_int_equal(m->mode, S_IFDIR | 0755);
    m = find(members, "dev/console");
    assert_int_equal(m->mode, S_IFCHR | 0600);
    assert_int_equal(m->rmaj, 5);
    assert_int_equal(m->rmin, 1);
    assert_int_equal(m->size, 0);
    m = find(members, "dev/null");
    assert_int_equal(m->mode, S_IFCHR | 0666);
    assert_int_equal(m->rmaj, 1);
    assert_int_equal(m->rmin, 3);
    m = find(members, "TRAILER!!!");
    assert_int_equal(m->mode, 0);
    assert_int_equal(m->size, 0);

    free_members(members);
    remove_tree(dir);
}

static GBytes *read_all(const char *path)
{
    char *data;
    gsize len;
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    return g_bytes_new_take(data, len);
}

static GBytes *gunzip(GBytes *gz)
{
    g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes(gz);
    g_autoptr(GInputStream) in = g_converter_input_stream_new(raw, G_CONVERTER(z));
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    assert_true(g_output_stream_splice(out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                                    G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                       NULL, NULL) >= 0);
    return g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
}

static void test_deterministic(void **state)
{
    (void)state;
    g_autofree char *dir = make_tree();
    g_autofree char *outdir = g_dir_make_tmp("gp-cpio-out-XXXXXX", NULL);
    g_autofree char *a = g_build_filename(outdir, "a.gz", NULL);
    g_autofree char *b = g_build_filename(outdir, "b.gz", NULL);
    g_autofree char *plain = g_build_filename(outdir, "plain", NULL);
    GError *error = NULL;

    g_autoptr(GBytes) first = archive(dir, 0);
    /* Host timestamps must not leak into the archive. */
    g_autofree char *hello = g_build_filename(dir, "hello.txt", NULL);
    assert_int_equal(utimes(hello, NULL), 0);
    sleep(1);
    g_autoptr(GBytes) second = archive(dir, 0);
    assert_true(g_bytes_equal(first, second));

    assert_true(gp_cpio_write_file(dir, nodes, G_N_ELEMENTS(nodes), 0, true, a, &error));
    assert_true(gp_cpio_write_file(dir, nodes, G_N_ELEMENTS(nodes), 0, true, b, &error));
    assert_true(gp_cpio_write_file(dir, nodes, G_N_ELEMENTS(nodes), 0, false, plain, &error));
    assert_null(error);
    g_autoptr(GBytes) ga = read_all(a);
    g_autoptr(GBytes) gb = read_all(b);
    g_autoptr(GBytes) gp = read_all(plain);
    assert_true(g_bytes_equal(ga, gb));
    assert_true(g_bytes_equal(gp, first));
    /* gzip header: magic, deflate, no flags (no name), mtime 0. */
    const unsigned char *h = g_bytes_get_data(ga, NULL);
    assert_int_equal(h[0], 0x1f);
    assert_int_equal(h[1], 0x8b);
    assert_int_equal(h[2], 8);
    assert_int_equal(h[3], 0);
    assert_int_equal(h[4] | h[5] | h[6] | h[7], 0);
    g_autoptr(GBytes) unpacked = gunzip(ga);
    assert_true(g_bytes_equal(unpacked, first));
    /* No temporary file is left next to the result. */
    g_autofree char *partial = g_strconcat(a, ".partial", NULL);
    assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));

    remove_tree(dir);
    remove_tree(outdir);
}

static void test_missing_root(void **state)
{
    (void)state;
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    GError *error = NULL;
    assert_false(gp_cpio_write("/nonexistent/guestplug-cpio-test", NULL, 0, 0, out, &error));
    assert_non_null(error);
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    assert_non_null(strstr(error->message, "/nonexistent/guestplug-cpio-test"));
    g_clear_error(&error);

    /* The file variant must fail the same way and leave nothing behind. */
    g_autofree char *outdir = g_dir_make_tmp("gp-cpio-out-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(outdir, "x.gz", NULL);
    g_autofree char *partial = g_strconcat(path, ".partial", NULL);
    assert_false(gp_cpio_write_file("/nonexistent/guestplug-cpio-test", NULL, 0, 0, true, path,
                                    &error));
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    g_clear_error(&error);
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
    remove_tree(outdir);
}

static void test_bad_nodes(void **state)
{
    (void)state;
    g_autofree char *dir = make_tree();
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    GError *error = NULL;

    const gp_cpio_node clash[] = { { "hello.txt", S_IFCHR | 0600, 1, 1 } };
    assert_false(gp_cpio_write(dir, clash, 1, 0, out, &error));
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    g_clear_error(&error);

    const gp_cpio_node escape[] = { { "../evil", S_IFCHR | 0600, 1, 1 } };
    assert_false(gp_cpio_write(dir, escape, 1, 0, out, &error));
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    g_clear_error(&error);

    /* A file instead of a directory as root. */
    g_autofree char *file = g_build_filename(dir, "hello.txt", NULL);
    assert_false(gp_cpio_write(file, NULL, 0, 0, out, &error));
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    g_clear_error(&error);
    remove_tree(dir);
}

static void test_mtime_env(void **state)
{
    (void)state;
    uint32_t t = 99;
    GError *error = NULL;

    g_unsetenv("SOURCE_DATE_EPOCH");
    assert_true(gp_cpio_mtime_from_env(&t, &error));
    assert_int_equal(t, 0);
    g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
    assert_true(gp_cpio_mtime_from_env(&t, &error));
    assert_int_equal(t, 1700000000);
    g_setenv("SOURCE_DATE_EPOCH", "yesterday", TRUE);
    assert_false(gp_cpio_mtime_from_env(&t, &error));
    assert_true(g_error_matches(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE));
    g_clear_error(&error);
    g_setenv("SOURCE_DATE_EPOCH", "99999999999", TRUE);
    assert_false(gp_cpio_mtime_from_env(&t, &error));
    g_clear_error(&error);
    g_unsetenv("SOURCE_DATE_EPOCH");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_missing_root),
        cmocka_unit_test(test_bad_nodes),
        cmocka_unit_test(test_mtime_env),
    };
    return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
