/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "busybox_source.h"

#include "error.h"
#include "image_setup.h"
#include "source_build.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#define SOURCE_PACKAGE "busybox"
#define PRODUCT "busybox"
/* Debian's flavour of busybox-static, in debian/config/pkg/ */
#define FLAVOUR "static"
/* The unpacked source and the objects are about 100 MB. */
#define NEED_MB 300

struct gp_busybox_source {
    gp_image_job *job;
    char *version;
    gp_source_product *product;
};

void gp_busybox_source_free(gp_busybox_source *busybox)
{
    if (busybox) {
        g_free(busybox->version);
        gp_source_product_free(busybox->product);
        g_free(busybox);
    }
}

gp_busybox_source *gp_busybox_source_new(gp_image_job *job, gp_apt *sources, GError **error)
{
    const gp_arch_source_build *how = job->arch->source_build;
    g_autofree char *version = gp_apt_source_version(sources, SOURCE_PACKAGE, error);
    g_autofree char *compiler = version ? gp_source_compiler(job, how->cross_triplet, error)
                                        : NULL;
    if (!compiler) {
        return NULL;
    }
    g_autofree char *inputs = g_strdup_printf(
        "source %s %s\n"
        "configuration debian/config/pkg/" FLAVOUR "\n"
        "compiler %s\n"
        "flags dpkg-buildflags for %s\n"
        "make CROSS_COMPILE=%s- busybox\n",
        SOURCE_PACKAGE, version, compiler, job->arch->debian_arch, how->cross_triplet);
    gp_busybox_source *busybox = g_new0(gp_busybox_source, 1);
    busybox->job = job;
    busybox->version = g_steal_pointer(&version);
    busybox->product = gp_source_product_new(job, PRODUCT, inputs);
    return busybox;
}

bool gp_busybox_source_cached(const gp_busybox_source *busybox)
{
    return gp_source_product_cached(busybox->product, PRODUCT);
}

const char *gp_busybox_source_version(const gp_busybox_source *busybox)
{
    return busybox->version;
}

/* The Version: of a .dsc, epoch included: what Debian's busybox names
 * itself by ("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1)"). */
static char *dsc_version(const char *dsc, GError **error)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(dsc, &text, NULL, error)) {
        return NULL;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "Version: ")) {
            return g_strstrip(g_strdup(*l + strlen("Version: ")));
        }
    }
    gp_image_job_fail(error, "%s has no Version: line", dsc);
    return NULL;
}

/* `dpkg-buildflags --get NAME` for the architecture, run in the source
 * tree as Debian's build runs it (its -ffile-prefix-map names that
 * directory). Debian's busybox build drops -O2, for busybox's own -Os. */
static char *build_flags(gp_busybox_source *busybox, const char *tree, const char *name,
                         GError **error)
{
    g_autofree char *host = g_strconcat("DEB_HOST_ARCH=", busybox->job->arch->debian_arch, NULL);
    const char *const env[] = { host, NULL };
    const char *const argv[] = { "dpkg-buildflags", "--get", name, NULL };
    g_autofree char *out = NULL;
    if (!gp_tool_run(busybox->job->log, argv, tree, env, &out, error)) {
        return NULL;
    }
    g_auto(GStrv) words = g_strsplit_set(g_strstrip(out), " \t", -1);
    g_autoptr(GStrvBuilder) kept = g_strv_builder_new();
    for (char **w = words; *w; w++) {
        if (**w && strcmp(*w, "-O2") != 0) {
            g_strv_builder_add(kept, *w);
        }
    }
    g_auto(GStrv) flags = g_strv_builder_end(kept);
    return g_strjoinv(" ", flags);
}

static bool build(gp_busybox_source *busybox, gp_apt *sources, GError **error)
{
    gp_image_job *job = busybox->job;
    const gp_arch_source_build *how = job->arch->source_build;
    static const char *const tools[] = { "make", "dpkg-source", "dpkg-buildflags", "bzip2",
                                         "xz", "patch", NULL };
    if (!gp_source_require_tools(tools, "make dpkg-dev bzip2 xz-utils patch", error)) {
        g_prefix_error(error, "building busybox from source: ");
        return false;
    }
    if (!gp_source_product_begin(busybox->product, NEED_MB, error)) {
        return false;
    }
    const char *work = busybox->product->work;
    g_autofree char *download = g_build_filename(work, "package", NULL);
    g_autofree char *tree = g_build_filename(work, "busybox", NULL);
    g_autofree char *obj = g_build_filename(work, FLAVOUR, NULL);
    if (g_mkdir(download, 0755) != 0 || g_mkdir(obj, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create directories in %s: %s", work,
                                 g_strerror(errno));
    }
    g_autofree char *dsc = gp_apt_fetch_source(sources, SOURCE_PACKAGE, download, error);
    g_autofree char *version = dsc ? dsc_version(dsc, error) : NULL;
    if (!version) {
        return false;
    }
    /* apt-get checked the files against the signed index; dpkg-source
     * checks them against the .dsc and applies Debian's patches. */
    const char *const unpack[] = { "dpkg-source", "-x", dsc, tree, NULL };
    if (!gp_tool_run(job->log, unpack, work, NULL, NULL, error)) {
        g_prefix_error(error, "unpacking the busybox source package: ");
        return false;
    }

    /* As debian/rules makes it: the OS's overrides, then the flavour's. */
    g_autofree char *os = g_build_filename(tree, "debian", "config", "os", "linux", NULL);
    g_autofree char *flavour = g_build_filename(tree, "debian", "config", "pkg", FLAVOUR, NULL);
    g_autofree char *os_text = NULL, *flavour_text = NULL;
    if (!g_file_get_contents(os, &os_text, NULL, error) ||
        !g_file_get_contents(flavour, &flavour_text, NULL, error)) {
        g_prefix_error(error, "the busybox source package changed in a way guestplug does not "
                       "know: ");
        return false;
    }
    g_autofree char *config = g_strconcat(os_text, flavour_text, NULL);
    g_autofree char *config_path = g_build_filename(obj, ".config", NULL);
    if (!g_file_set_contents(config_path, config, -1, error)) {
        return false;
    }

    g_autofree char *cflags = build_flags(busybox, tree, "CFLAGS", error);
    g_autofree char *cppflags = cflags ? build_flags(busybox, tree, "CPPFLAGS", error) : NULL;
    g_autofree char *ldflags = cppflags ? build_flags(busybox, tree, "LDFLAGS", error) : NULL;
    if (!ldflags) {
        g_prefix_error(error, "asking dpkg-buildflags for Debian's build flags: ");
        return false;
    }
    g_autofree char *makefile = g_build_filename(tree, "Makefile", NULL);
    g_autofree char *src = g_strconcat("KBUILD_SRC=", tree, NULL);
    g_autofree char *cross = g_strconcat("CROSS_COMPILE=", how->cross_triplet, "-", NULL);
    g_autofree char *j = g_strdup_printf("-j%d", gp_source_make_jobs());
    g_autofree char *extra_version = g_strdup_printf("BB_EXTRA_VERSION=Debian %s", version);
    g_autofree char *extra_cflags =
        g_strdup_printf("CONFIG_EXTRA_CFLAGS=%s %s", cflags, cppflags);
    g_autofree char *extra_ldflags =
        g_strdup_printf("CONFIG_EXTRA_LDFLAGS=%s %s", cflags, ldflags);
    /* Kconfig would otherwise write the time into the configuration. */
    const char *const env[] = { "KCONFIG_NOTIMESTAMP=1", NULL };
    const char *const configure[] = { "make", "-C", obj, "-f", makefile, src, cross,
                                      "silentoldconfig", NULL };
    const char *const make[] = { "make", "-C", obj, j, cross, extra_version, extra_cflags,
                                 extra_ldflags, "busybox", NULL };
    if (!gp_tool_run(job->log, configure, NULL, env, NULL, error)) {
        g_prefix_error(error, "configuring busybox: ");
        return false;
    }
    if (!gp_source_make(job, "busybox", make, NULL, env, error)) {
        g_prefix_error(error, "building busybox: ");
        return false;
    }
    const char *const files[] = { FLAVOUR "/busybox", NULL };
    return gp_source_product_keep(busybox->product, files, error);
}

bool gp_busybox_source_install(gp_busybox_source *busybox, gp_apt *sources, const char *dest,
                               GError **error)
{
    if (gp_busybox_source_cached(busybox)) {
        gp_tool_log_printf(busybox->job->log, "guestplug: busybox was built before: %s\n",
                           busybox->product->dir);
    } else if (!build(busybox, sources, error)) {
        return false;
    }
    return gp_source_product_install(busybox->product, PRODUCT, dest, 0755, error);
}
