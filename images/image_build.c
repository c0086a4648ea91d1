/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic image builder. All knowledge of *what* goes into an image is
 * in the recipe directory (images/: package list, exclusions, configuration
 * script, overlay files) and in the architecture table (kernel package);
 * this file only knows *how*: fetch with a private apt, unpack with
 * dpkg-deb and tar, configure with image_setup, archive with cpio. It also
 * runs every build (lock, partial directory, rename into place); the debian
 * userland's steps are in image_debian.c. An architecture that Debian has
 * no packages for (gp_arch_source_build) takes two more steps, which build
 * its kernel and busybox from source (kernel_source.h, busybox_source.h),
 * and its root filesystem borrows another's packages (source_userland.h).
 */
#include "image.h"

#include "apt.h"
#include "busybox_source.h"
#include "cpio.h"
#include "error.h"
#include "image_build.h"
#include "image_setup.h"
#include "image_tool.h"
#include "kernel_source.h"
#include "paths.h"
#include "source_userland.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSYBOX_STEPS 7
/* The same, with the kernel and busybox built from source. */
#define SOURCE_STEPS 8
#define LISTS_MAX_AGE (24 * 60 * 60)
/* The guest never sees the disk; it only needs to be a qcow2 so savevm has
 * somewhere to put the VM state, which does not count against this size. */
#define DISK_SIZE "64M"

/* One line of images/packages. */
typedef struct recipe_pkg {
    char *name;
    GStrv members; /* tar member names; empty = the whole package */
} recipe_pkg;

typedef struct build {
    gp_image_job job; /* its strings are the ones below */
    char *images_dir; /* <cache>/images */
    char *cache;
    char *recipe;     /* images/ recipe directory */
    char *tmp;        /* <cache>/images/.<name>.partial-XXXXXX */
    char *root;       /* tmp/root: the staging tree */
    gp_apt *apt;
    GPtrArray *pkgs;  /* recipe_pkg */
    GStrv excludes;
    char *kernel_pkg; /* linux-image-6.1.0-50-amd64 */
    GPtrArray *debs;  /* gp_apt_deb: kernel first, then pkgs in order */
    GArray *nodes;    /* gp_cpio_node */
    /* Only for an architecture built from source (arch->source_build),
     * whose apt and debs above are those of source_build->packages_arch: */
    gp_apt *sources;                  /* bookworm's sources and arch-all packages */
    gp_source_userland *stand_ins;    /* images/source-build */
    gp_kernel_source *kernel_source;
    gp_busybox_source *busybox_source;
    gp_apt_deb *cross_libc;           /* downloaded through sources */
    gp_apt_deb *kernel_source_deb;    /* downloaded only when the kernel is built */
    char *busybox;                    /* tmp/busybox, the built one, until unpacked */
} build;

static void recipe_pkg_free(gpointer p)
{
    recipe_pkg *r = p;
    g_free(r->name);
    g_strfreev(r->members);
    g_free(r);
}

static void build_clear(build *b)
{
    g_free(b->images_dir);
    g_free(b->cache);
    g_free(b->recipe);
    g_free(b->tmp);
    g_free(b->root);
    gp_tool_log_close(b->job.log);
    gp_apt_free(b->apt);
    if (b->pkgs) {
        g_ptr_array_unref(b->pkgs);
    }
    g_strfreev(b->excludes);
    g_free(b->kernel_pkg);
    if (b->debs) {
        g_ptr_array_unref(b->debs);
    }
    if (b->nodes) {
        g_array_unref(b->nodes);
    }
    gp_apt_free(b->sources);
    gp_source_userland_free(b->stand_ins);
    gp_kernel_source_free(b->kernel_source);
    gp_busybox_source_free(b->busybox_source);
    gp_apt_deb_free(b->cross_libc);
    gp_apt_deb_free(b->kernel_source_deb);
    g_free(b->busybox);
    g_free(b->job.label);
}

void gp_image_free(gp_image *image)
{
    if (image) {
        g_free(image->name);
        g_free(image->dir);
        g_free(image->kernel);
        g_free(image->initrd);
        g_free(image->disk);
        g_free(image->root_fs);
        g_free(image);
    }
}

gp_image *gp_image_locate(const gp_arch_info *arch, const gp_userland *userland,
                          bool *complete)
{
    g_autofree char *cache = gp_cache_dir();
    gp_image *image = g_new0(gp_image, 1);

    image->userland = userland;
    image->name = gp_userland_image_name(userland, arch);
    image->dir = g_build_filename(cache, "images", image->name, NULL);
    image->kernel = g_build_filename(image->dir, "vmlinuz", NULL);
    image->initrd = g_build_filename(image->dir, userland->initrd_name, NULL);
    image->disk = g_build_filename(image->dir, "disk.qcow2", NULL);
    if (userland->root_disk) {
        image->root_fs = g_build_filename(image->dir, "rootfs.qcow2", NULL);
    }
    if (complete) {
        /* A root disk's disk.qcow2 is made on it by the first boot. */
        const char *last = userland->root_disk ? image->root_fs : image->disk;
        *complete = g_file_test(image->kernel, G_FILE_TEST_IS_REGULAR) &&
                    g_file_test(image->initrd, G_FILE_TEST_IS_REGULAR) &&
                    g_file_test(last, G_FILE_TEST_IS_REGULAR);
    }
    return image;
}

void gp_image_job_step(gp_image_job *job, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_free(job->label);
    job->label = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    job->step++;
    fprintf(stderr, "guestplug: image %s [%d/%d] %s\n", job->name, job->step, job->n_steps,
            job->label);
    gp_tool_log_printf(job->log, "guestplug: [%d/%d] %s (at %.1f s)\n", job->step,
                       job->n_steps, job->label,
                       (double)(g_get_monotonic_time() - job->start) / 1e6);
}

#define step(b, ...) gp_image_job_step(&(b)->job, __VA_ARGS__)

bool gp_image_job_fail(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, msg);
    return false;
}

#define fail gp_image_job_fail

GPtrArray *gp_image_recipe_lines(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error)) {
        g_prefix_error(error, "reading the image recipe: ");
        return NULL;
    }
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *hash = strchr(*l, '#');
        if (hash) {
            *hash = '\0';
        }
        g_auto(GStrv) words = g_strsplit_set(g_strstrip(*l), " \t", -1);
        g_autoptr(GStrvBuilder) kept = g_strv_builder_new();
        bool any = false;
        for (char **w = words; *w; w++) {
            if (**w) {
                g_strv_builder_add(kept, *w);
                any = true;
            }
        }
        if (any) {
            g_ptr_array_add(rows, g_strv_builder_end(kept));
        }
    }
    return rows;
}

static bool load_recipe(build *b, GError **error)
{
    g_autofree char *packages = g_build_filename(b->recipe, "packages", NULL);
    g_autofree char *exclude = g_build_filename(b->recipe, "exclude", NULL);
    g_autoptr(GPtrArray) rows = gp_image_recipe_lines(packages, error);
    if (!rows) {
        return false;
    }
    b->pkgs = g_ptr_array_new_with_free_func(recipe_pkg_free);
    for (guint i = 0; i < rows->len; i++) {
        char **w = g_ptr_array_index(rows, i);
        recipe_pkg *r = g_new0(recipe_pkg, 1);
        r->name = g_strdup(w[0]);
        r->members = g_strdupv(w + 1);
        g_ptr_array_add(b->pkgs, r);
    }
    if (b->pkgs->len == 0) {
        return fail(error, "the image recipe %s lists no packages", packages);
    }

    g_autoptr(GPtrArray) ex = gp_image_recipe_lines(exclude, error);
    if (!ex) {
        return false;
    }
    g_autoptr(GStrvBuilder) patterns = g_strv_builder_new();
    for (guint i = 0; i < ex->len; i++) {
        char **w = g_ptr_array_index(ex, i);
        g_strv_builder_add(patterns, w[0]);
    }
    b->excludes = g_strv_builder_end(patterns);
    return true;
}

static const gp_apt_deb *deb_of(build *b, guint index)
{
    return g_ptr_array_index(b->debs, index);
}

/* The Debian architecture whose packages the image is made of. */
static const char *packages_arch(const build *b)
{
    const gp_arch_source_build *how = b->job.arch->source_build;
    return how ? how->packages_arch : b->job.arch->debian_arch;
}

static bool step_index(build *b, GError **error)
{
    const gp_arch_info *arch = b->job.arch;
    if (arch->source_build) {
        step(b, "updating the %s package index and the source index (bookworm has no %s "
             "packages)", packages_arch(b), arch->debian_arch);
    } else {
        step(b, "updating the %s package index (bookworm)", arch->debian_arch);
    }
    b->apt = gp_apt_open(b->cache, packages_arch(b), b->job.log, error);
    if (!b->apt || !gp_apt_update(b->apt, LISTS_MAX_AGE, error)) {
        return false;
    }
    if (!arch->source_build) {
        return true;
    }
    b->sources = gp_apt_open_sources(b->cache, arch->debian_arch, b->job.log, error);
    return b->sources && gp_apt_update(b->sources, LISTS_MAX_AGE, error);
}

/* For an architecture built from source: works out whether its kernel and
 * busybox are kept from an earlier build, and downloads through the
 * sources apt what is needed: the cross C library and, unless the kernel
 * is kept, the kernel source (140 MB). */
static bool download_sources(build *b, GError **error)
{
    b->kernel_source = gp_kernel_source_new(&b->job, b->sources, deb_of(b, 0), error);
    if (!b->kernel_source) {
        return false;
    }
    if (gp_source_userland_wants_busybox(b->stand_ins)) {
        b->busybox_source = gp_busybox_source_new(&b->job, b->sources, error);
        if (!b->busybox_source) {
            return false;
        }
    }
    g_autofree char *cross_libc = gp_source_userland_cross_libc(&b->job);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    if (gp_source_userland_wants_cross_libc(b->stand_ins)) {
        g_ptr_array_add(names, cross_libc);
    }
    bool build_kernel = !gp_kernel_source_cached(b->kernel_source);
    if (build_kernel) {
        g_ptr_array_add(names, gp_kernel_source_package(b->kernel_source)->package);
    }
    if (names->len == 0) {
        return true;
    }
    g_ptr_array_add(names, NULL);
    g_autoptr(GPtrArray) debs = gp_apt_download(b->sources, (const char *const *)names->pdata,
                                                error);
    if (!debs) {
        return false;
    }
    if (build_kernel) {
        b->kernel_source_deb = g_ptr_array_steal_index(debs, debs->len - 1);
    }
    if (debs->len > 0) {
        b->cross_libc = g_ptr_array_steal_index(debs, 0);
    }
    return true;
}

static bool step_download(build *b, GError **error)
{
    if (b->job.arch->source_build) {
        step(b, "downloading %u %s packages (kernel configuration: %s) and what %s is built "
             "from", b->pkgs->len + 1, packages_arch(b), b->job.arch->kernel_package,
             b->job.arch->name);
    } else {
        step(b, "downloading %u packages (kernel: %s)", b->pkgs->len + 1,
             b->job.arch->kernel_package);
    }
    b->kernel_pkg = gp_apt_first_depends(b->apt, b->job.arch->kernel_package, "linux-image-", error);
    if (!b->kernel_pkg) {
        return false;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_ptr_array_add(names, b->kernel_pkg);
    for (guint i = 0; i < b->pkgs->len; i++) {
        recipe_pkg *r = g_ptr_array_index(b->pkgs, i);
        g_ptr_array_add(names, r->name);
    }
    g_ptr_array_add(names, NULL);
    /* Built from source, the image does not use the packages something
     * stands in for, but downloads them all the same: the .debs in that
     * apt's directory are those of packages_arch's own image too, and
     * gp_apt_download deletes those a smaller set leaves out. */
    b->debs = gp_apt_download(b->apt, (const char *const *)names->pdata, error);
    return b->debs != NULL && (!b->job.arch->source_build || download_sources(b, error));
}

static bool step_kernel(build *b, GError **error)
{
    const gp_apt_deb *k = deb_of(b, 0);
    g_autofree char *unpack = g_build_filename(b->tmp, "kernel", NULL);
    g_autofree char *boot = g_build_filename(unpack, "boot", NULL);
    g_autofree char *dest = g_build_filename(b->tmp, "vmlinuz", NULL);
    const char *name;

    step(b, "extracting the kernel from %s %s", k->package, k->version);
    if (g_mkdir(unpack, 0755) != 0) {
        return fail(error, "cannot create %s: %s", unpack, g_strerror(errno));
    }
    /* Reading the whole data member is unavoidable (it is one compressed
     * stream), but only the kernel image is written out. */
    const char *const dpkg[] = { "dpkg-deb", "--fsys-tarfile", k->path, NULL };
    const char *const tar[] = { "tar", "-x", "-f", "-", "-C", unpack, "--wildcards",
                                "./boot/vmlinuz-*", NULL };
    if (!gp_tool_pipe(b->job.log, dpkg, tar, NULL, error)) {
        g_prefix_error(error, "%s has no ./boot/vmlinuz-* or could not be read: ", k->path);
        return false;
    }
    g_autoptr(GDir) d = g_dir_open(boot, 0, error);
    if (!d) {
        return false;
    }
    g_autofree char *found = NULL;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (found) {
            return fail(error, "%s contains more than one kernel (%s, %s); guestplug expects "
                               "exactly one", k->package, found, name);
        }
        found = g_strdup(name);
    }
    if (!found) {
        return fail(error, "%s contains no /boot/vmlinuz-*", k->package);
    }
    g_autofree char *src = g_build_filename(boot, found, NULL);
    if (rename(src, dest) != 0) {
        return fail(error, "cannot move %s to %s: %s", src, dest, g_strerror(errno));
    }
    gp_tool_log_printf(b->job.log, "guestplug: kernel is %s\n", found);
    return gp_image_remove_tree(unpack, error);
}

static bool step_kernel_source(build *b, GError **error)
{
    const gp_apt_deb *source = gp_kernel_source_package(b->kernel_source);
    g_autofree char *dest = g_build_filename(b->tmp, "vmlinuz", NULL);
    if (gp_kernel_source_cached(b->kernel_source)) {
        step(b, "kernel: the one built earlier from %s %s", source->package, source->version);
    } else {
        step(b, "kernel: building it from %s %s with %s's configuration", source->package,
             source->version, b->kernel_pkg);
    }
    return gp_kernel_source_install(b->kernel_source, b->kernel_source_deb, dest, error);
}

static bool step_busybox_source(build *b, GError **error)
{
    if (!b->busybox_source) {
        step(b, "busybox: not wanted (%s/source-build)", b->recipe);
        return true;
    }
    const char *version = gp_busybox_source_version(b->busybox_source);
    if (gp_busybox_source_cached(b->busybox_source)) {
        step(b, "busybox: the one built earlier from Debian's busybox %s source", version);
    } else {
        step(b, "busybox: building it from Debian's busybox %s source", version);
    }
    b->busybox = g_build_filename(b->tmp, "busybox", NULL);
    return gp_busybox_source_install(b->busybox_source, b->sources, b->busybox, error);
}

/* Built from source: images/exclude and the recipe's leave-out patterns. */
static GStrv all_excludes(const build *b)
{
    g_autoptr(GStrvBuilder) all = g_strv_builder_new();
    g_strv_builder_addv(all, (const char **)b->excludes);
    if (b->stand_ins) {
        g_strv_builder_addv(all, (const char **)gp_source_userland_leave_out(b->stand_ins));
    }
    return g_strv_builder_end(all);
}

static bool step_unpack(build *b, GError **error)
{
    g_auto(GStrv) excludes = all_excludes(b);
    if (b->stand_ins) {
        step(b, "unpacking %u %s packages into the root filesystem, without their programs",
             b->pkgs->len, packages_arch(b));
    } else {
        step(b, "unpacking %u packages into the root filesystem", b->pkgs->len);
    }
    /* Explicit chmod: the guest's "/" must not depend on our umask. */
    if (g_mkdir(b->root, 0755) != 0 || chmod(b->root, 0755) != 0) {
        return fail(error, "cannot create %s: %s", b->root, g_strerror(errno));
    }
    for (guint i = 0; i < b->pkgs->len; i++) {
        const recipe_pkg *r = g_ptr_array_index(b->pkgs, i);
        const gp_apt_deb *deb = deb_of(b, i + 1);
        const char *const dpkg[] = { "dpkg-deb", "--fsys-tarfile", deb->path, NULL };
        g_autoptr(GPtrArray) tar = g_ptr_array_new_with_free_func(g_free);

        if (b->stand_ins && gp_source_userland_replaces(b->stand_ins, r->name)) {
            continue;
        }
        /* -p keeps modes (setuid bits included) even for a user whose umask
         * would strip them; owners are dropped because the cpio writer
         * makes everything root's anyway. */
        const char *const fixed[] = { "tar", "-x", "-f", "-", "-C", b->root, "-p",
                                      "--no-same-owner", NULL };
        for (const char *const *a = fixed; *a; a++) {
            g_ptr_array_add(tar, g_strdup(*a));
        }
        for (char **e = excludes; *e; e++) {
            g_ptr_array_add(tar, g_strconcat("--exclude=", *e, NULL));
        }
        for (char **m = r->members; *m; m++) {
            g_ptr_array_add(tar, g_strdup(*m));
        }
        g_ptr_array_add(tar, NULL);
        if (!gp_tool_pipe(b->job.log, dpkg, (const char *const *)tar->pdata, NULL, error)) {
            g_prefix_error(error, "unpacking %s: ", deb->package);
            if (*r->members) {
                gp_tool_error_hint(error, "check the paths listed for %s in %s/packages",
                                   r->name, b->recipe);
            }
            return false;
        }
    }
    if (!b->stand_ins) {
        return true;
    }
    if (!gp_source_userland_finish(b->stand_ins, &b->job, b->root, b->busybox, b->cross_libc,
                                   (const char *const *)excludes, error)) {
        return false;
    }
    /* Not part of the image directory it is in. */
    if (b->busybox && g_unlink(b->busybox) != 0) {
        return fail(error, "cannot delete %s: %s", b->busybox, g_strerror(errno));
    }
    return true;
}

static bool step_configure(build *b, GError **error)
{
    g_autofree char *script = g_build_filename(b->recipe, "setup", NULL);
    const char *sde = g_getenv("SOURCE_DATE_EPOCH");
    gint64 day = -1;
    guint64 epoch;

    step(b, "configuring /etc and init (%s)", script);
    /* Debian records the day of the last password change; a reproducible
     * build can only use SOURCE_DATE_EPOCH, and leaves it empty without. */
    if (sde && g_ascii_string_to_unsigned(sde, 10, 0, G_MAXINT64, &epoch, NULL)) {
        day = (gint64)(epoch / 86400);
    }
    b->nodes = gp_image_nodes_new();
    return gp_image_setup_run(script, b->recipe, b->root, day, b->nodes, error);
}

static bool step_initrd(build *b, GError **error)
{
    g_autofree char *initrd = g_build_filename(b->tmp, "initrd.gz", NULL);
    uint32_t mtime;

    step(b, "writing initrd.gz");
    if (!gp_cpio_mtime_from_env(&mtime, error) ||
        !gp_cpio_write_file(b->root, (const gp_cpio_node *)(void *)b->nodes->data, b->nodes->len,
                            mtime, true, initrd, error)) {
        return false;
    }
    return gp_image_remove_tree(b->root, error);
}

static bool step_disk(build *b, GError **error)
{
    g_autofree char *disk = g_build_filename(b->tmp, "disk.qcow2", NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    step(b, "creating disk.qcow2");
    if (!b->job.qemu_img || !b->job.qemu_img[0]) {
        return fail(error, "no qemu-img command was given");
    }
    for (const char *const *a = b->job.qemu_img; *a; a++) {
        g_ptr_array_add(argv, (char *)*a);
    }
    const char *const args[] = { "create", "-q", "-f", "qcow2", disk, DISK_SIZE, NULL };
    for (const char *const *a = args; *a; a++) {
        g_ptr_array_add(argv, (char *)*a);
    }
    g_ptr_array_add(argv, NULL);
    if (!gp_tool_run(b->job.log, (const char *const *)argv->pdata, NULL, NULL, NULL, error)) {
        g_prefix_error(error, "qemu-img could not create %s: ", disk);
        return false;
    }
    if (!g_file_test(disk, G_FILE_TEST_IS_REGULAR)) {
        return fail(error, "`%s` succeeded but did not create %s; is it qemu-img?",
                    b->job.qemu_img[0], disk);
    }
    return true;
}

/* A record of what went in, for users who need to know exactly which
 * package versions they analyse. */
static bool write_manifest(build *b, GError **error)
{
    g_autofree char *path = g_build_filename(b->tmp, "packages.txt", NULL);
    g_autoptr(GString) s = g_string_new("# package version sha256 (Debian bookworm, ");
    g_string_append_printf(s, "%s)\n", b->job.arch->debian_arch);
    if (b->stand_ins) {
        const gp_apt_deb *k = gp_kernel_source_package(b->kernel_source);
        g_string_append_printf(s, "# Debian has no %s packages: built from source\n",
                               b->job.arch->debian_arch);
        g_string_append_printf(s, "%s %s %s\n", k->package, k->version, k->sha256);
        if (b->busybox_source) {
            g_string_append_printf(s, "busybox-source %s -\n",
                                   gp_busybox_source_version(b->busybox_source));
        }
        if (b->cross_libc) {
            g_string_append_printf(s, "%s %s %s\n", b->cross_libc->package,
                                   b->cross_libc->version, b->cross_libc->sha256);
        }
        g_string_append_printf(s, "# %s's, without programs (the kernel's: its "
                               "configuration only)\n", packages_arch(b));
    }
    for (guint i = 0; i < b->debs->len; i++) {
        const gp_apt_deb *d = deb_of(b, i);
        if (b->stand_ins && i > 0) {
            const recipe_pkg *r = g_ptr_array_index(b->pkgs, i - 1);
            if (gp_source_userland_replaces(b->stand_ins, r->name)) {
                continue;
            }
        }
        g_string_append_printf(s, "%s %s %s\n", d->package, d->version, d->sha256);
    }
    return g_file_set_contents(path, s->str, (gssize)s->len, error);
}

static bool (*const busybox_steps[BUSYBOX_STEPS])(build *, GError **) = {
    step_index, step_download, step_kernel, step_unpack, step_configure, step_initrd, step_disk,
};

static bool (*const source_steps[SOURCE_STEPS])(build *, GError **) = {
    step_index, step_download, step_kernel_source, step_busybox_source, step_unpack,
    step_configure, step_initrd, step_disk,
};

/* Takes the per-image lock, waiting (and saying so) if another build
 * holds it. Returns the descriptor to close, or -1. */
static int take_lock(const char *images_dir, const char *arch, GError **error)
{
    g_autofree char *name = g_strconcat(arch, ".lock", NULL);
    g_autofree char *path = g_build_filename(images_dir, name, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        fail(error, "cannot open lock file %s: %s", path, g_strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
        return fd;
    }
    if (errno == EWOULDBLOCK) {
        fprintf(stderr, "guestplug: image %s: another guestplug is building it; waiting "
                        "(lock %s)\n", arch, path);
        int rc;
        while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
        }
        if (rc == 0) {
            return fd;
        }
    }
    fail(error, "cannot lock %s: %s", path, g_strerror(errno));
    close(fd);
    return -1;
}

static double file_mb(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0.0;
}

/* The busybox userland: the recipe in images/, in BUSYBOX_STEPS steps. */
static bool build_busybox(build *b, GError **error)
{
    static const char *const tools[] = { "dpkg-deb", "tar", NULL };
    if (!load_recipe(b, error) ||
        !gp_tool_require(tools, "guestplug unpacks Debian packages with dpkg-deb and GNU tar; "
                                "install dpkg and tar", error)) {
        return false;
    }
    b->root = g_build_filename(b->tmp, "root", NULL);
    if (b->job.arch->source_build) {
        b->stand_ins = gp_source_userland_load(b->recipe, error);
        if (!b->stand_ins) {
            return false;
        }
    }
    for (int i = 0; i < b->job.n_steps; i++) {
        bool (*run_step)(build *, GError **) =
            b->stand_ins ? source_steps[i] : busybox_steps[i];
        if (!run_step(b, error)) {
            return false;
        }
    }
    return write_manifest(b, error);
}

static bool run_build(build *b, gp_image *image, GError **error)
{
    g_autofree char *log_name = g_strconcat(image->name, ".log", NULL);
    g_autofree char *log_path = g_build_filename(b->images_dir, log_name, NULL);
    g_autofree char *tmpl = g_strconcat(".", image->name, ".partial-XXXXXX", NULL);
    bool debian = b->job.userland->root_disk;
    b->job.name = image->name;
    b->job.dir = image->dir;
    b->job.n_steps = debian                  ? GP_IMAGE_DEBIAN_STEPS
                     : b->job.arch->source_build ? SOURCE_STEPS
                                                 : BUSYBOX_STEPS;
    b->job.start = g_get_monotonic_time();
    b->job.log = gp_tool_log_open(log_path, error);
    if (!b->job.log) {
        return false;
    }
    b->recipe = gp_find_data_dir("images", error);
    if (!b->recipe) {
        g_prefix_error(error, "cannot build the %s image: ", image->name);
        return false;
    }
    b->job.recipe = b->recipe;
    b->job.cache = b->cache;

    b->tmp = g_build_filename(b->images_dir, tmpl, NULL);
    if (!g_mkdtemp(b->tmp) || chmod(b->tmp, 0755) != 0) {
        return fail(error, "cannot create a build directory in %s: %s", b->images_dir,
                    g_strerror(errno));
    }
    b->job.tmp = b->tmp;

    if (!(debian ? gp_image_debian_build(&b->job, error) : build_busybox(b, error))) {
        if (b->job.step > 0) {
            g_prefix_error(error, "building the %s image failed at step %d/%d (%s): ",
                           image->name, b->job.step, b->job.n_steps, b->job.label);
        } else {
            g_prefix_error(error, "cannot build the %s image: ", image->name);
        }
        /* The error quotes only a tail; the log has the whole story. */
        if (error && *error) {
            char *m = g_strdup_printf("%s\nFull build log: %s", (*error)->message, log_path);
            g_free((*error)->message);
            (*error)->message = m;
        }
        gp_tool_log_printf(b->job.log, "guestplug: build failed\n");
        gp_image_remove_tree(b->tmp, NULL);
        return false;
    }
    /* The one moment the image appears, complete. */
    if (rename(b->tmp, image->dir) != 0) {
        int err = errno;
        gp_image_remove_tree(b->tmp, NULL);
        return fail(error, "cannot move the finished image to %s: %s", image->dir,
                    g_strerror(err));
    }
    g_autofree char *root_fs = image->root_fs
                                   ? g_strdup_printf(", rootfs.qcow2 %.1f MB",
                                                     file_mb(image->root_fs))
                                   : g_strdup("");
    fprintf(stderr, "guestplug: image %s ready in %.1f s: %s (vmlinuz %.1f MB, %s %.1f MB%s)\n",
            image->name, (double)(g_get_monotonic_time() - b->job.start) / 1e6, image->dir,
            file_mb(image->kernel), image->userland->initrd_name, file_mb(image->initrd),
            root_fs);
    gp_tool_log_printf(b->job.log, "guestplug: build finished in %.1f s\n",
                       (double)(g_get_monotonic_time() - b->job.start) / 1e6);
    return true;
}

gp_image *gp_image_ensure(const gp_arch_info *arch, const gp_userland *userland,
                          const char *const *qemu_img, bool rebuild, GError **error)
{
    bool complete = false;
    gp_image *image = NULL;
    build b = { 0 };
    int lock;
    bool ok;

    g_return_val_if_fail(arch != NULL && userland != NULL, NULL);
    image = gp_image_locate(arch, userland, &complete);
    /* Finished images only ever appear by rename, so a complete one needs
     * no lock. */
    if (complete && !rebuild) {
        return image;
    }

    b.job.arch = arch;
    b.job.userland = userland;
    b.job.qemu_img = qemu_img;
    b.cache = gp_cache_dir();
    b.images_dir = g_build_filename(b.cache, "images", NULL);
    if (g_mkdir_with_parents(b.images_dir, 0755) != 0) {
        fail(error, "cannot create %s: %s", b.images_dir, g_strerror(errno));
        build_clear(&b);
        gp_image_free(image);
        return NULL;
    }
    lock = take_lock(b.images_dir, image->name, error);
    if (lock < 0) {
        build_clear(&b);
        gp_image_free(image);
        return NULL;
    }
    /* Whoever held the lock may just have built it. */
    gp_image_free(image);
    image = gp_image_locate(arch, userland, &complete);
    if (complete && !rebuild) {
        ok = true;
    } else {
        /* An incomplete directory is a leftover; a rebuild starts clean
         * (that also drops the snapshots, which belong to the old files). */
        gp_image_remove_stale(b.images_dir, image->name);
        ok = gp_image_remove_tree(image->dir, error) && run_build(&b, image, error);
    }
    close(lock);
    build_clear(&b);
    if (!ok) {
        /* Whatever layer failed (GLib file errors included), callers get
         * one domain and code for "the image could not be built". */
        if (error && *error) {
            (*error)->domain = GP_RUN_ERROR;
            (*error)->code = GP_RUN_ERROR_IMAGE;
        }
        gp_image_free(image);
        image = NULL;
    }
    return image;
}
