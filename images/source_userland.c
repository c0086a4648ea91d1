/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "source_userland.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAND_IN_BUSYBOX "busybox"
#define STAND_IN_CROSS_LIBC "cross-libc"

struct gp_source_userland {
    GHashTable *replaced; /* package -> its stand-in */
    GStrv leave_out;
    bool busybox, cross_libc;
};

void gp_source_userland_free(gp_source_userland *userland)
{
    if (userland) {
        if (userland->replaced) {
            g_hash_table_unref(userland->replaced);
        }
        g_strfreev(userland->leave_out);
        g_free(userland);
    }
}

gp_source_userland *gp_source_userland_load(const char *recipe, GError **error)
{
    g_autofree char *path = g_build_filename(recipe, "source-build", NULL);
    g_autoptr(GPtrArray) lines = gp_image_recipe_lines(path, error);
    if (!lines) {
        return NULL;
    }
    gp_source_userland *userland = g_new0(gp_source_userland, 1);
    userland->replaced = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GStrvBuilder) leave_out = g_strv_builder_new();
    for (guint i = 0; i < lines->len; i++) {
        char **w = g_ptr_array_index(lines, i);
        guint n = g_strv_length(w);
        if (strcmp(w[0], "stand-in") == 0 && n == 3 &&
            (strcmp(w[2], STAND_IN_BUSYBOX) == 0 || strcmp(w[2], STAND_IN_CROSS_LIBC) == 0)) {
            g_hash_table_insert(userland->replaced, g_strdup(w[1]), g_strdup(w[2]));
            userland->busybox = userland->busybox || strcmp(w[2], STAND_IN_BUSYBOX) == 0;
            userland->cross_libc = userland->cross_libc ||
                                   strcmp(w[2], STAND_IN_CROSS_LIBC) == 0;
        } else if (strcmp(w[0], "leave-out") == 0 && n == 2) {
            g_strv_builder_add(leave_out, w[1]);
        } else {
            g_autofree char *line = g_strjoinv(" ", w);
            gp_image_job_fail(error, "%s: cannot read `%s`: expected `stand-in PACKAGE "
                              STAND_IN_BUSYBOX "|" STAND_IN_CROSS_LIBC "` or `leave-out "
                              "PATTERN`", path, line);
            gp_source_userland_free(userland);
            return NULL;
        }
    }
    userland->leave_out = g_strv_builder_end(leave_out);
    return userland;
}

bool gp_source_userland_replaces(const gp_source_userland *userland, const char *package)
{
    return g_hash_table_contains(userland->replaced, package);
}

bool gp_source_userland_wants_busybox(const gp_source_userland *userland)
{
    return userland->busybox;
}

bool gp_source_userland_wants_cross_libc(const gp_source_userland *userland)
{
    return userland->cross_libc;
}

char *gp_source_userland_cross_libc(const gp_image_job *job)
{
    /* Debian names the C library of each cross toolchain so. */
    return g_strdup_printf("libc6-%s-cross", job->arch->debian_arch);
}

const char *const *gp_source_userland_leave_out(const gp_source_userland *userland)
{
    return (const char *const *)userland->leave_out;
}

static bool is_elf(const char *path)
{
    unsigned char magic[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return false;
    }
    ssize_t n = read(fd, magic, sizeof magic);
    close(fd);
    return n == (ssize_t)sizeof magic && memcmp(magic, "\177ELF", sizeof magic) == 0;
}

/* Deletes the ELF files under DIR, counting them; collects the symbolic
 * links, which may point at one of them. */
static bool remove_programs(const char *dir, guint *removed, GPtrArray *links, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, error);
    const char *name;
    if (!d) {
        return false;
    }
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        struct stat st;
        if (lstat(path, &st) != 0) {
            return gp_image_job_fail(error, "cannot stat %s: %s", path, g_strerror(errno));
        }
        if (S_ISDIR(st.st_mode)) {
            if (!remove_programs(path, removed, links, error)) {
                return false;
            }
        } else if (S_ISLNK(st.st_mode)) {
            g_ptr_array_add(links, g_steal_pointer(&path));
        } else if (S_ISREG(st.st_mode) && is_elf(path)) {
            if (g_unlink(path) != 0) {
                return gp_image_job_fail(error, "cannot delete %s: %s", path,
                                         g_strerror(errno));
            }
            (*removed)++;
        }
    }
    return true;
}

/* Whether the symbolic link LINK in the tree ROOT points at nothing there,
 * its target taken as the guest would: absolute ones from ROOT. */
static bool dangling(const char *root, const char *link)
{
    g_autofree char *target = g_file_read_link(link, NULL);
    if (!target) {
        return false;
    }
    g_autofree char *dir = g_path_get_dirname(link);
    g_autofree char *joined = g_path_is_absolute(target) ? g_strconcat(root, target, NULL)
                                                         : g_build_filename(dir, target, NULL);
    g_autofree char *resolved = g_canonicalize_filename(joined, NULL);
    struct stat st;
    return g_str_has_prefix(resolved, root) && lstat(resolved, &st) != 0 && errno == ENOENT;
}

static bool install_busybox(const char *root, const char *busybox, GError **error)
{
    g_autofree char *bin = g_build_filename(root, "bin", NULL);
    g_autofree char *dest = g_build_filename(bin, "busybox", NULL);
    g_autoptr(GFile) from = g_file_new_for_path(busybox);
    g_autoptr(GFile) to = g_file_new_for_path(dest);
    if (g_mkdir_with_parents(bin, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create %s: %s", bin, g_strerror(errno));
    }
    if (!g_file_copy(from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error)) {
        return false;
    }
    return chmod(dest, 0755) == 0 ||
           gp_image_job_fail(error, "cannot chmod %s: %s", dest, g_strerror(errno));
}

/* The cross C library as libc6 lays out its own (Debian's multiarch
 * layout): the libraries in lib/<triplet>/, the dynamic loader linked from
 * lib/ under the name programs ask for (lib/ld.so.1 on mips), the
 * directories in etc/ld.so.conf.d/<triplet>.conf and an empty
 * usr/lib/<triplet>/. The cross package has them in usr/<triplet>/lib/. */
static bool install_cross_libc(gp_image_job *job, const char *root, const gp_apt_deb *deb,
                               const char *const *excludes, GError **error)
{
    const char *triplet = job->arch->source_build->cross_triplet;
    g_autofree char *member = g_strdup_printf("./usr/%s/lib", triplet);
    g_autofree char *transform = g_strdup_printf("--transform=s,^\\./usr/%s/lib,./lib/%s,",
                                                 triplet, triplet);
    g_autoptr(GPtrArray) tar = g_ptr_array_new_with_free_func(g_free);
    const char *const fixed[] = { "tar", "-x", "-f", "-", "-C", root, "-p", "--no-same-owner",
                                  NULL };
    for (const char *const *a = fixed; *a; a++) {
        g_ptr_array_add(tar, g_strdup(*a));
    }
    for (const char *const *e = excludes; e && *e; e++) {
        g_ptr_array_add(tar, g_strconcat("--exclude=", *e, NULL));
    }
    g_ptr_array_add(tar, g_steal_pointer(&transform));
    g_ptr_array_add(tar, g_strdup(member));
    g_ptr_array_add(tar, NULL);
    const char *const dpkg[] = { "dpkg-deb", "--fsys-tarfile", deb->path, NULL };
    if (!gp_tool_pipe(job->log, dpkg, (const char *const *)tar->pdata, NULL, error)) {
        g_prefix_error(error, "unpacking the C library from %s: ", deb->package);
        return false;
    }

    g_autofree char *libs = g_build_filename(root, "lib", triplet, NULL);
    g_autoptr(GDir) d = g_dir_open(libs, 0, error);
    const char *name;
    guint loaders = 0;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(name, "ld") && strstr(name, ".so")) {
            g_autofree char *link = g_build_filename(root, "lib", name, NULL);
            g_autofree char *target = g_build_filename(triplet, name, NULL);
            if (symlink(target, link) != 0) {
                return gp_image_job_fail(error, "cannot create %s: %s", link,
                                         g_strerror(errno));
            }
            loaders++;
        }
    }
    if (!d) {
        return false;
    }
    if (loaders == 0) {
        return gp_image_job_fail(error, "%s has no dynamic loader (ld*.so*) in %s", deb->package,
                                 member);
    }
    g_autofree char *conf_dir = g_build_filename(root, "etc", "ld.so.conf.d", NULL);
    g_autofree char *conf_name = g_strconcat(triplet, ".conf", NULL);
    g_autofree char *conf = g_build_filename(conf_dir, conf_name, NULL);
    g_autofree char *dirs = g_strdup_printf("# Multiarch support\n/usr/local/lib/%s\n/lib/%s\n"
                                            "/usr/lib/%s\n", triplet, triplet, triplet);
    g_autofree char *usr_lib = g_build_filename(root, "usr", "lib", triplet, NULL);
    if (g_mkdir_with_parents(conf_dir, 0755) != 0 || g_mkdir_with_parents(usr_lib, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create %s or %s: %s", conf_dir, usr_lib,
                                 g_strerror(errno));
    }
    return g_file_set_contents(conf, dirs, -1, error) &&
           (chmod(conf, 0644) == 0 ||
            gp_image_job_fail(error, "cannot chmod %s: %s", conf, g_strerror(errno)));
}

bool gp_source_userland_finish(const gp_source_userland *userland, gp_image_job *job,
                               const char *root, const char *busybox,
                               const gp_apt_deb *cross_libc, const char *const *excludes,
                               GError **error)
{
    g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func(g_free);
    guint removed = 0, unlinked = 0;
    if (!remove_programs(root, &removed, links, error)) {
        g_prefix_error(error, "leaving out the programs of %s: ",
                       job->arch->source_build->packages_arch);
        return false;
    }
    for (guint i = 0; i < links->len; i++) {
        const char *link = g_ptr_array_index(links, i);
        if (dangling(root, link)) {
            gp_tool_log_printf(job->log, "guestplug: removing %s, which now points nowhere\n",
                               link);
            g_unlink(link);
            unlinked++;
        }
    }
    gp_tool_log_printf(job->log, "guestplug: left out %u programs and libraries of %s and %u "
                       "links to them\n", removed, job->arch->source_build->packages_arch,
                       unlinked);
    if (userland->busybox) {
        if (!busybox) {
            return gp_image_job_fail(error, "internal error: no busybox was built");
        }
        if (!install_busybox(root, busybox, error)) {
            return false;
        }
    }
    if (userland->cross_libc) {
        if (!cross_libc) {
            return gp_image_job_fail(error, "internal error: the cross C library is missing");
        }
        if (!install_cross_libc(job, root, cross_libc, excludes, error)) {
            return false;
        }
    }
    return true;
}
