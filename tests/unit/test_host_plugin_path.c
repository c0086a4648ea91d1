/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host plugin lookup order (core/host_plugin_path.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "host_plugin_path.h"

typedef struct {
    char *root;
    char *env_a, *env_b, *arg, *build, *prefix;
} dirs_fixture;

static char *make_dir(const char *root, const char *name)
{
    char *dir = g_build_filename(root, name, NULL);
    g_mkdir_with_parents(dir, 0755);
    return dir;
}

static void touch(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_file_set_contents(path, "", 0, NULL);
}

static int setup(void **state)
{
    dirs_fixture *f = g_new0(dirs_fixture, 1);
    f->root = g_dir_make_tmp("gp-path-XXXXXX", NULL);
    f->env_a = make_dir(f->root, "env_a");
    f->env_b = make_dir(f->root, "env_b");
    f->arg = make_dir(f->root, "arg");
    f->build = make_dir(f->root, "build");
    f->prefix = make_dir(f->root, "prefix");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    dirs_fixture *f = *state;
    g_autofree char *command = g_strdup_printf("rm -rf '%s'", f->root);
    assert_int_equal(system(command), 0);
    g_free(f->env_a), g_free(f->env_b), g_free(f->arg), g_free(f->build);
    g_free(f->prefix), g_free(f->root), g_free(f);
    return 0;
}

static GPtrArray *all_dirs(dirs_fixture *f)
{
    g_autofree char *env = g_strdup_printf("%s::%s", f->env_a, f->env_b);
    return gp_host_plugin_search_dirs(env, f->arg, f->build, f->prefix);
}

static void order_is_env_then_arg_then_build_then_prefix(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = all_dirs(f);
    assert_int_equal(dirs->len, 5); /* the empty env entry is skipped */
    assert_string_equal(g_ptr_array_index(dirs, 0), f->env_a);
    assert_string_equal(g_ptr_array_index(dirs, 1), f->env_b);
    assert_string_equal(g_ptr_array_index(dirs, 2), f->arg);
    assert_string_equal(g_ptr_array_index(dirs, 3), f->build);
    assert_string_equal(g_ptr_array_index(dirs, 4), f->prefix);
}

static void first_match_wins(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = all_dirs(f);
    g_autoptr(GString) searched = g_string_new(NULL);
    touch(f->build, "p.so");
    touch(f->prefix, "p.so");
    g_autofree char *found = gp_host_plugin_find("p", dirs, searched);
    g_autofree char *expected = g_build_filename(f->build, "p.so", NULL);
    assert_string_equal(found, expected);

    touch(f->env_b, "p.so");
    g_autofree char *found_env = gp_host_plugin_find("p", dirs, searched);
    g_autofree char *expected_env = g_build_filename(f->env_b, "p.so", NULL);
    assert_string_equal(found_env, expected_env);
}

static void missing_lists_every_path_searched(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = all_dirs(f);
    g_autoptr(GString) searched = g_string_new(NULL);
    assert_null(gp_host_plugin_find("nothere", dirs, searched));
    for (guint i = 0; i < dirs->len; i++) {
        g_autofree char *path = g_build_filename(g_ptr_array_index(dirs, i), "nothere.so", NULL);
        assert_non_null(strstr(searched->str, path));
    }
}

static void a_path_is_taken_as_is(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = all_dirs(f);
    g_autoptr(GString) searched = g_string_new(NULL);
    touch(f->arg, "direct.so");
    g_autofree char *path = g_build_filename(f->arg, "direct.so", NULL);
    g_autofree char *found = gp_host_plugin_find(path, dirs, searched);
    assert_string_equal(found, path);
    assert_null(gp_host_plugin_find("/no/such/dir/x.so", dirs, searched));
    assert_non_null(strstr(searched->str, "/no/such/dir/x.so"));
}

static void a_directory_is_not_a_plugin(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = all_dirs(f);
    g_autoptr(GString) searched = g_string_new(NULL);
    g_autofree char *fake = make_dir(f->env_a, "dir.so");
    assert_null(gp_host_plugin_find("dir", dirs, searched));
}

static void no_env_no_arg(void **state)
{
    dirs_fixture *f = *state;
    g_autoptr(GPtrArray) dirs = gp_host_plugin_search_dirs(NULL, NULL, f->build, f->prefix);
    assert_int_equal(dirs->len, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(order_is_env_then_arg_then_build_then_prefix, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(first_match_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_lists_every_path_searched, setup, teardown),
        cmocka_unit_test_setup_teardown(a_path_is_taken_as_is, setup, teardown),
        cmocka_unit_test_setup_teardown(a_directory_is_not_a_plugin, setup, teardown),
        cmocka_unit_test_setup_teardown(no_env_no_arg, setup, teardown),
    };
    return cmocka_run_group_tests_name("host plugin lookup", tests, NULL, NULL);
}
