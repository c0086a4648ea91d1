/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userlands of the generic images (images/userland.c): every name the
 * runner lists can be looked up, each userland's architectures are generic
 * architectures, and an image's name and refusal say what they should.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "arch.h"
#include "userland.h"

static void listed_names_are_userlands(void **unused)
{
    (void)unused;
    g_auto(GStrv) names = g_strsplit(gp_userland_names(), ", ", -1);
    assert_true(g_strv_length(names) >= 2);
    for (char **name = names; *name; name++) {
        const gp_userland *userland = gp_userland_lookup(*name);
        assert_non_null(userland);
        assert_string_equal(userland->name, *name);
        /* --help has a line for it. */
        g_autofree char *line = g_strdup_printf("  %s ", *name);
        assert_non_null(strstr(gp_userland_help(), line));
    }
    assert_null(gp_userland_lookup("ubuntu"));
    assert_null(gp_userland_lookup(NULL));
    assert_string_equal(gp_userland_default()->name, "busybox");
}

/* The default runs everywhere; every architecture a userland names has a
 * generic image, and a refusal names the architectures it has instead. */
static void architectures_are_generic_ones(void **unused)
{
    (void)unused;
    g_auto(GStrv) names = g_strsplit(gp_userland_names(), ", ", -1);
    g_auto(GStrv) arches = g_strsplit(gp_arch_names(), ", ", -1);
    for (char **name = names; *name; name++) {
        const gp_userland *userland = gp_userland_lookup(*name);
        for (const char *const *a = userland->arches; a && *a; a++) {
            assert_non_null(gp_arch_lookup(*a));
        }
        for (char **arch = arches; *arch; arch++) {
            g_autofree char *refusal = gp_userland_refuse(userland, gp_arch_lookup(*arch));
            if (userland == gp_userland_default()) {
                assert_null(refusal);
            } else if (refusal) {
                assert_non_null(strstr(refusal, *arch));
                assert_non_null(strstr(refusal, userland->arches[0]));
            }
        }
    }
}

static void debian_is_a_disk_rooted_x86_64_image(void **unused)
{
    (void)unused;
    const gp_userland *debian = gp_userland_lookup("debian");
    const gp_arch_info *x86_64 = gp_arch_lookup("x86_64");
    assert_true(debian->root_disk);
    assert_false(gp_userland_default()->root_disk);
    assert_null(gp_userland_refuse(debian, x86_64));
    g_autofree char *refusal = gp_userland_refuse(debian, gp_arch_lookup("aarch64"));
    assert_string_equal(refusal, "the debian userland has an image for x86_64 only, not for "
                                 "aarch64; the default userland, busybox, has one for aarch64");
    g_autofree char *name = gp_userland_image_name(debian, x86_64);
    assert_string_equal(name, "x86_64-debian");
    g_autofree char *plain = gp_userland_image_name(gp_userland_default(), x86_64);
    assert_string_equal(plain, "x86_64");
    /* Its kernel finds the root disk, and systemd prints nothing there. */
    assert_non_null(strstr(debian->append, "root=/dev/vda"));
    assert_non_null(strstr(debian->append, "systemd.show_status=0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listed_names_are_userlands),
        cmocka_unit_test(architectures_are_generic_ones),
        cmocka_unit_test(debian_is_a_disk_rooted_x86_64_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
