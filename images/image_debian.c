/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The debian userland's image: Debian bookworm installed the way Debian
 * installs itself, by mmdebstrap running apt, dpkg and every maintainer
 * script in a chroot, with systemd as init and the distribution's kernel
 * and initramfs; then the installed tree becomes an ext4 file system
 * (mke2fs -d, nothing mounted) in a qcow2 disk. What goes in is the recipe
 * in images/debian/ (packages, dpkg exclusions, hooks, overlay files); this
 * file only knows how to run the tools. See docs/images.md.
 *
 * mmdebstrap runs in its unshare mode, also as root: its mounts (/proc,
 * /sys, /dev in the chroot) then live in a mount namespace of its own and
 * vanish with it, so a killed build can never leave a mount through which
 * deleting the tree would delete the host's files. Without root, that mode
 * needs newuidmap/newgidmap and subordinate IDs, and the tree's files
 * belong to those IDs: everything that reads or deletes the tree then runs
 * through `mmdebstrap --unshare-helper`, which sees them as root's again.
 */
#include "apt.h"
#include "error.h"
#include "image_build.h"
#include "image_setup.h"
#include "paths.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The root file system's size as the guest sees it. The qcow2 stores only
 * what is used (~600 MB before compression), so the rest is free space for
 * the analysis at no cost on the host. */
#define ROOT_FS_SIZE "4G"
#define ROOT_FS_LABEL "guestplug-root"
#define VARIANT "minbase"

typedef struct debian_build {
    gp_image_job *job;
    char *recipe;    /* images/debian */
    char *tree;      /* tmp/tree: the installed system */
    char *raw;       /* tmp/rootfs.ext4 */
    char *debs;      /* tmp/debs: the .debs the hook kept */
    char *deb_cache; /* <cache>/apt/<debian arch>/mmdebstrap-debs: the last build's */
    GPtrArray *packages; /* char *, from images/debian/packages */
    GPtrArray *dpkg_options; /* "path-exclude=GLOB", from images/debian/exclude */
    bool as_root;
} debian_build;

static void debian_build_clear(debian_build *d)
{
    g_free(d->recipe);
    g_free(d->tree);
    g_free(d->raw);
    g_free(d->debs);
    g_free(d->deb_cache);
    if (d->packages) {
        g_ptr_array_unref(d->packages);
    }
    if (d->dpkg_options) {
        g_ptr_array_unref(d->dpkg_options);
    }
}

/* ARGV as a command that sees the tree's files with their owners: as is
 * for root; through mmdebstrap's unshare helper otherwise. */
static GPtrArray *as_tree_owner(const debian_build *d, const char *const *argv)
{
    GPtrArray *command = g_ptr_array_new();
    if (!d->as_root) {
        g_ptr_array_add(command, (char *)"mmdebstrap");
        g_ptr_array_add(command, (char *)"--unshare-helper");
    }
    for (const char *const *a = argv; *a; a++) {
        g_ptr_array_add(command, (char *)*a);
    }
    g_ptr_array_add(command, NULL);
    return command;
}

static bool remove_tree(const debian_build *d, GError **error)
{
    if (d->as_root || !g_file_test(d->tree, G_FILE_TEST_EXISTS)) {
        return gp_image_remove_tree(d->tree, error);
    }
    const char *const rm[] = { "rm", "-rf", "--one-file-system", d->tree, NULL };
    g_autoptr(GPtrArray) command = as_tree_owner(d, rm);
    return gp_tool_run(d->job->log, (const char *const *)command->pdata, NULL, NULL, NULL,
                       error);
}

static bool load_recipe(debian_build *d, GError **error)
{
    g_autofree char *packages = g_build_filename(d->recipe, "packages", NULL);
    g_autofree char *exclude = g_build_filename(d->recipe, "exclude", NULL);
    g_autoptr(GPtrArray) rows = gp_image_recipe_lines(packages, error);
    if (!rows) {
        return false;
    }
    d->packages = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < rows->len; i++) {
        char **words = g_ptr_array_index(rows, i);
        if (words[1]) {
            return gp_image_job_fail(error, "%s: '%s %s' is not one package name; list one "
                                     "package a line", packages, words[0], words[1]);
        }
        g_ptr_array_add(d->packages, g_strdup(words[0]));
    }
    g_autoptr(GPtrArray) globs = gp_image_recipe_lines(exclude, error);
    if (!globs) {
        return false;
    }
    d->dpkg_options = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < globs->len; i++) {
        char **words = g_ptr_array_index(globs, i);
        if ((strcmp(words[0], "path-exclude") != 0 && strcmp(words[0], "path-include") != 0) ||
            !words[1] || words[2]) {
            return gp_image_job_fail(error, "%s: a line must be `path-exclude GLOB` or "
                                     "`path-include GLOB`, not '%s ...'", exclude, words[0]);
        }
        g_ptr_array_add(d->dpkg_options, g_strdup_printf("%s=%s", words[0], words[1]));
    }
    return true;
}

/* Whether NAME (or its uid) has a range in FILE (/etc/subuid, /etc/subgid). */
static bool has_subordinate_ids(const char *file, const char *name, unsigned id)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(file, &text, NULL, NULL)) {
        return false;
    }
    g_autofree char *uid = g_strdup_printf("%u", id);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line; line++) {
        g_auto(GStrv) fields = g_strsplit(*line, ":", 3);
        if (g_strv_length(fields) == 3 &&
            (strcmp(fields[0], name) == 0 || strcmp(fields[0], uid) == 0)) {
            return true;
        }
    }
    return false;
}

/* What the host must have, checked before anything is downloaded. */
static bool check_host(debian_build *d, GError **error)
{
    static const char *const tools[] = { "mmdebstrap", "mke2fs", "dpkg", NULL };
    if (!gp_tool_require(tools, "the debian userland is installed by mmdebstrap and its disk "
                                "made by mke2fs; install them with `apt-get install mmdebstrap "
                                "e2fsprogs` (scripts/setup does)", error)) {
        return false;
    }
    const char *const print_arch[] = { "dpkg", "--print-architecture", NULL };
    g_autofree char *host_arch = NULL;
    if (!gp_tool_run(d->job->log, print_arch, NULL, NULL, &host_arch, error)) {
        return false;
    }
    g_strstrip(host_arch);
    if (strcmp(host_arch, d->job->arch->debian_arch) != 0) {
        return gp_image_job_fail(error, "the debian userland of %s is installed by running "
                                 "Debian's %s maintainer scripts, which this %s host cannot "
                                 "run without an emulator; build it on an %s host, or use the "
                                 "default busybox userland (drop --userland debian)",
                                 d->job->arch->name, d->job->arch->debian_arch, host_arch,
                                 d->job->arch->debian_arch);
    }
    if (d->as_root) {
        return true;
    }
    static const char *const idmap[] = { "newuidmap", "newgidmap", NULL };
    const char *user = g_get_user_name();
    bool mapped = gp_tool_require(idmap, "", NULL) &&
                  has_subordinate_ids("/etc/subuid", user, getuid()) &&
                  has_subordinate_ids("/etc/subgid", user, getuid());
    if (!mapped) {
        return gp_image_job_fail(
            error, "building the debian userland as a user other than root runs mmdebstrap "
            "in its unshare mode, which needs newuidmap and newgidmap and a range of "
            "subordinate IDs for %s in /etc/subuid and /etc/subgid; install them with "
            "`apt-get install uidmap` and, if %s has no range yet, add one with `usermod "
            "--add-subuids 100000-165535 --add-subgids 100000-165535 %s` (as root), or build "
            "the image as root", user, user, user);
    }
    return true;
}

/* --NAME=sh 'RECIPE/NAME' "$1" 'ARG1' ['ARG2']: the mmdebstrap hook NAME,
 * the recipe's script of that name run by sh with the tree as $1 (paths
 * may hold anything, so they are quoted). ARG2 may be NULL. */
static char *hook(const debian_build *d, const char *name, const char *arg1, const char *arg2)
{
    g_autofree char *path = g_build_filename(d->recipe, name, NULL);
    g_autofree char *script = g_shell_quote(path);
    g_autofree char *first = g_shell_quote(arg1);
    g_autofree char *second = arg2 ? g_shell_quote(arg2) : g_strdup("");
    return g_strdup_printf("--%s=sh %s \"$1\" %s %s", name, script, first, second);
}

static bool step_install(debian_build *d, GError **error)
{
    gp_image_job *job = d->job;
    gp_image_job_step(job, "installing Debian %s with mmdebstrap (%s variant, %u packages, "
                      "%s); a minute or two", GP_DEBIAN_SUITE, VARIANT, d->packages->len,
                      job->arch->kernel_package);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup("mmdebstrap"));
    g_ptr_array_add(argv, g_strdup("--mode=unshare"));
    g_ptr_array_add(argv, g_strdup("--variant=" VARIANT));
    g_ptr_array_add(argv, g_strdup("--format=directory"));
    g_ptr_array_add(argv, g_strdup_printf("--architectures=%s", job->arch->debian_arch));
    g_autoptr(GString) include = g_string_new("--include=");
    for (guint i = 0; i < d->packages->len; i++) {
        g_string_append_printf(include, "%s,", (char *)g_ptr_array_index(d->packages, i));
    }
    g_string_append(include, job->arch->kernel_package);
    g_ptr_array_add(argv, g_strdup(include->str));
    for (guint i = 0; i < d->dpkg_options->len; i++) {
        g_ptr_array_add(argv, g_strdup_printf("--dpkgopt=%s",
                                              (char *)g_ptr_array_index(d->dpkg_options, i)));
    }
    /* The essential packages' .debs stay in apt's cache with the rest, so
     * the customize hook can record and keep them all. */
    g_ptr_array_add(argv, g_strdup("--skip=essential/unlink"));
    g_ptr_array_add(argv, hook(d, "setup-hook", d->deb_cache, NULL));
    g_ptr_array_add(argv, hook(d, "essential-hook", d->recipe, NULL));
    g_ptr_array_add(argv, hook(d, "customize-hook", d->recipe, job->tmp));
    g_ptr_array_add(argv, g_strdup(GP_DEBIAN_SUITE));
    g_ptr_array_add(argv, g_strdup(d->tree));
    g_ptr_array_add(argv, g_strdup(GP_DEBIAN_ARCHIVE_URL));
    g_ptr_array_add(argv, NULL);

    const char *const env[] = { "LC_ALL=C", NULL };
    g_autofree char *prefix = g_strdup_printf("guestplug: image %s [%d/%d]   ", job->name,
                                              job->step, job->n_steps);
    if (!gp_tool_run_reporting(job->log, (const char *const *)argv->pdata, env, "I: ", prefix,
                               error)) {
        g_prefix_error(error, "mmdebstrap could not install Debian: ");
        gp_tool_error_hint(error, "the lines above say what failed: a package that %s "
                           "does not have (check %s/packages), a hook of %s, or the archive "
                           "out of reach (%s)", GP_DEBIAN_SUITE, d->recipe, d->recipe,
                           GP_DEBIAN_NETWORK_FIX);
        return false;
    }
    return true;
}

/* The one file in DIR whose name starts with PREFIX. */
static char *only_file(const char *dir, const char *prefix, GError **error)
{
    g_autoptr(GDir) listing = g_dir_open(dir, 0, error);
    if (!listing) {
        return NULL;
    }
    g_autofree char *found = NULL;
    const char *name;
    while ((name = g_dir_read_name(listing)) != NULL) {
        if (!g_str_has_prefix(name, prefix)) {
            continue;
        }
        if (found) {
            gp_image_job_fail(error, "%s holds more than one %s* (%s, %s); guestplug expects "
                              "exactly one kernel", dir, prefix, found, name);
            return NULL;
        }
        found = g_strdup(name);
    }
    if (!found) {
        gp_image_job_fail(error, "%s holds no %s*: the kernel package did not install one",
                          dir, prefix);
        return NULL;
    }
    return g_build_filename(dir, found, NULL);
}

static bool copy_out(const char *from, const char *to, GError **error)
{
    g_autoptr(GFile) source = g_file_new_for_path(from);
    g_autoptr(GFile) target = g_file_new_for_path(to);
    if (!g_file_copy(source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error)) {
        g_prefix_error(error, "cannot copy %s to %s: ", from, to);
        return false;
    }
    return chmod(to, 0644) == 0 || gp_image_job_fail(error, "cannot chmod %s: %s", to,
                                                     g_strerror(errno));
}

static bool step_kernel(debian_build *d, GError **error)
{
    gp_image_job_step(d->job, "taking the kernel and its initramfs from /boot");
    g_autofree char *boot = g_build_filename(d->tree, "boot", NULL);
    g_autofree char *kernel = only_file(boot, "vmlinuz-", error);
    g_autofree char *initrd = kernel ? only_file(boot, "initrd.img-", error) : NULL;
    if (!initrd) {
        return false;
    }
    g_autofree char *kernel_to = g_build_filename(d->job->tmp, "vmlinuz", NULL);
    g_autofree char *initrd_to = g_build_filename(d->job->tmp, "initrd.img", NULL);
    gp_tool_log_printf(d->job->log, "guestplug: kernel %s, initramfs %s\n", kernel, initrd);
    return copy_out(kernel, kernel_to, error) && copy_out(initrd, initrd_to, error);
}

static bool step_file_system(debian_build *d, GError **error)
{
    gp_image_job_step(d->job, "making the ext4 root file system (%s, mke2fs -d)",
                      ROOT_FS_SIZE);
    /* Inode tables and journal are zeroed now rather than by the guest
     * kernel in the background after every cold boot, which would keep
     * the guest busy and fill its disk overlay with zeros. */
    const char *const mke2fs[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-L", ROOT_FS_LABEL,
                                   "-E", "lazy_itable_init=0,lazy_journal_init=0", "-d",
                                   d->tree, d->raw, ROOT_FS_SIZE, NULL };
    g_autoptr(GPtrArray) command = as_tree_owner(d, mke2fs);
    if (!gp_tool_run(d->job->log, (const char *const *)command->pdata, NULL, NULL, NULL,
                     error)) {
        g_prefix_error(error, "mke2fs could not make the root file system: ");
        return false;
    }
    return true;
}

/* qemu-img with ARGS, logged. */
static bool run_qemu_img(debian_build *d, const char *const *args, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    if (!d->job->qemu_img || !d->job->qemu_img[0]) {
        return gp_image_job_fail(error, "no qemu-img command was given");
    }
    for (const char *const *a = d->job->qemu_img; *a; a++) {
        g_ptr_array_add(argv, (char *)*a);
    }
    for (const char *const *a = args; *a; a++) {
        g_ptr_array_add(argv, (char *)*a);
    }
    g_ptr_array_add(argv, NULL);
    return gp_tool_run(d->job->log, (const char *const *)argv->pdata, NULL, NULL, NULL, error);
}

static bool step_qcow2(debian_build *d, GError **error)
{
    g_autofree char *qcow2 = g_build_filename(d->job->tmp, "rootfs.qcow2", NULL);
    gp_image_job_step(d->job, "converting it to rootfs.qcow2 (qemu-img, zstd-compressed)");
    /* Compressed, it is a third of the size; QEMU decompresses on the
     * host, at host speed. zstd is ten times faster than zlib here. */
    const char *const zstd[] = { "convert", "-q", "-c", "-O", "qcow2", "-o",
                                 "compression_type=zstd", d->raw, qcow2, NULL };
    g_autoptr(GError) no_zstd = NULL;
    if (!run_qemu_img(d, zstd, &no_zstd)) {
        /* A QEMU built without zstd still makes a working disk. */
        gp_tool_log_printf(d->job->log, "guestplug: no zstd compression (%s); writing "
                           "rootfs.qcow2 uncompressed\n", no_zstd->message);
        const char *const plain[] = { "convert", "-q", "-O", "qcow2", d->raw, qcow2, NULL };
        if (!run_qemu_img(d, plain, error)) {
            g_prefix_error(error, "qemu-img could not convert %s to %s: ", d->raw, qcow2);
            return false;
        }
    }
    if (g_unlink(d->raw) != 0) {
        return gp_image_job_fail(error, "cannot delete %s: %s", d->raw, g_strerror(errno));
    }
    return true;
}

/* packages.txt: the hook's list of every installed package, its version
 * and its .deb's SHA256, under a line saying where they came from. */
static bool write_manifest(debian_build *d, GError **error)
{
    g_autofree char *list = g_build_filename(d->job->tmp, "packages.list", NULL);
    g_autofree char *manifest = g_build_filename(d->job->tmp, "packages.txt", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(list, &text, NULL, error)) {
        g_prefix_error(error, "the customize hook wrote no package list: ");
        return false;
    }
    g_autofree char *content = g_strdup_printf(
        "# package version sha256 (Debian %s, %s; mmdebstrap --variant=%s with "
        "images/debian/packages)\n%s", GP_DEBIAN_SUITE, d->job->arch->debian_arch, VARIANT,
        text);
    return g_file_set_contents(manifest, content, -1, error) && g_unlink(list) == 0;
}

/* The .debs of this build replace the last build's, so that a rebuild
 * downloads only what a point release changed and old versions go. */
static void keep_debs(debian_build *d)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *parent = g_path_get_dirname(d->deb_cache);
    if (g_mkdir_with_parents(parent, 0755) != 0 ||
        !gp_image_remove_tree(d->deb_cache, &error) || rename(d->debs, d->deb_cache) != 0) {
        /* Only a download cache: the image is fine without it. */
        gp_tool_log_printf(d->job->log, "guestplug: not keeping the .debs in %s: %s\n",
                           d->deb_cache, error ? error->message : g_strerror(errno));
        gp_image_remove_tree(d->debs, NULL);
    }
}

static bool step_finish(debian_build *d, GError **error)
{
    gp_image_job_step(d->job, "recording the package versions (packages.txt)");
    if (!write_manifest(d, error) || !remove_tree(d, error)) {
        return false;
    }
    keep_debs(d);
    return true;
}

bool gp_image_debian_build(gp_image_job *job, GError **error)
{
    static bool (*const steps[GP_IMAGE_DEBIAN_STEPS])(debian_build *, GError **) = {
        step_install, step_kernel, step_file_system, step_qcow2, step_finish,
    };
    debian_build d = { .job = job, .as_root = geteuid() == 0 };
    g_autofree char *apt_dir = g_build_filename(job->cache, "apt", job->arch->debian_arch,
                                                NULL);
    d.recipe = g_build_filename(job->recipe, "debian", NULL);
    d.tree = g_build_filename(job->tmp, "tree", NULL);
    d.raw = g_build_filename(job->tmp, "rootfs.ext4", NULL);
    d.debs = g_build_filename(job->tmp, "debs", NULL);
    d.deb_cache = g_build_filename(apt_dir, "mmdebstrap-debs", NULL);

    bool ok = load_recipe(&d, error) && check_host(&d, error);
    for (int i = 0; ok && i < GP_IMAGE_DEBIAN_STEPS; i++) {
        ok = steps[i](&d, error);
    }
    if (!ok) {
        /* Without root, only the helper can delete the tree; the rest of
         * the build directory is the caller's to delete. */
        remove_tree(&d, NULL);
    }
    debian_build_clear(&d);
    return ok;
}
