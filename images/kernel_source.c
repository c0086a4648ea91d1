/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kernel_source.h"

#include "error.h"
#include "image_setup.h"
#include "source_build.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define PRODUCT "linux"
#define KERNEL_FILE "vmlinuz"
#define CONFIG_FILE "config"
/* make's target: the self-extracting ELF Debian's malta kernels are. */
#define MAKE_TARGET "vmlinuz"
/* The unpacked tree is 1.5 GB and the objects of a build without debug
 * information 0.3 GB; the rest is margin. */
#define NEED_MB 2500
/* CPU minutes of one build (user and system time, 29.5 measured on the
 * machine kind guestplug's tests run on): what the announced estimate
 * divides by the number of CPUs. */
#define BUILD_CPU_MINUTES 30

/* One line of images/kernel/<arch>.config. */
typedef struct config_change {
    char *name; /* "CONFIG_CPU_BIG_ENDIAN" */
    char *line; /* as a .config has it: "CONFIG_CPU_BIG_ENDIAN=y" */
    bool unset; /* "# CONFIG_... is not set" */
} config_change;

struct gp_kernel_source {
    gp_image_job *job;
    const gp_arch_source_build *how;
    gp_apt_deb *package;          /* the kernel source package, looked up */
    const gp_apt_deb *config_deb; /* whose /boot/config-* it is configured with */
    char *changes_path;           /* images/kernel/<arch>.config */
    GPtrArray *changes;           /* config_change */
    gp_source_product *product;
};

static void config_change_free(gpointer p)
{
    config_change *c = p;
    g_free(c->name);
    g_free(c->line);
    g_free(c);
}

void gp_kernel_source_free(gp_kernel_source *kernel)
{
    if (kernel) {
        gp_apt_deb_free(kernel->package);
        g_free(kernel->changes_path);
        if (kernel->changes) {
            g_ptr_array_unref(kernel->changes);
        }
        gp_source_product_free(kernel->product);
        g_free(kernel);
    }
}

/* The option a .config line sets ("CONFIG_X=..." or "# CONFIG_X is not
 * set"), or NULL for any other line. */
static char *option_name(const char *line, bool *unset)
{
    static const char not_set[] = " is not set";
    if (g_str_has_prefix(line, "CONFIG_")) {
        const char *eq = strchr(line, '=');
        *unset = false;
        return eq ? g_strndup(line, (gsize)(eq - line)) : NULL;
    }
    if (g_str_has_prefix(line, "# CONFIG_") && g_str_has_suffix(line, not_set)) {
        const char *name = line + strlen("# ");
        *unset = true;
        return g_strndup(name, strlen(name) - strlen(not_set));
    }
    return NULL;
}

static bool load_changes(gp_kernel_source *kernel, const char *text, GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    kernel->changes = g_ptr_array_new_with_free_func(config_change_free);
    for (guint i = 0; lines[i]; i++) {
        const char *line = g_strstrip(lines[i]);
        bool unset = false;
        char *name = option_name(line, &unset);
        if (name) {
            config_change *c = g_new0(config_change, 1);
            c->name = name;
            c->line = g_strdup(line);
            c->unset = unset;
            g_ptr_array_add(kernel->changes, c);
        } else if (*line && *line != '#') {
            return gp_image_job_fail(error, "line %u of %s is neither an option (CONFIG_X=... "
                                     "or \"# CONFIG_X is not set\") nor a comment: %s",
                                     i + 1, kernel->changes_path, line);
        }
    }
    return true;
}

gp_kernel_source *gp_kernel_source_new(gp_image_job *job, gp_apt *sources,
                                       const gp_apt_deb *config_deb, GError **error)
{
    const gp_arch_source_build *how = job->arch->source_build;
    g_autofree char *changes = NULL;
    gsize changes_length = 0;
    gp_kernel_source *kernel = g_new0(gp_kernel_source, 1);
    kernel->job = job;
    kernel->how = how;
    kernel->config_deb = config_deb;

    g_autofree char *changes_name = g_strconcat(job->arch->name, ".config", NULL);
    kernel->changes_path = g_build_filename(job->recipe, "kernel", changes_name, NULL);
    if (!g_file_get_contents(kernel->changes_path, &changes, &changes_length, error)) {
        g_prefix_error(error, "reading the kernel configuration changes: ");
        gp_kernel_source_free(kernel);
        return NULL;
    }
    if (!load_changes(kernel, changes, error)) {
        gp_kernel_source_free(kernel);
        return NULL;
    }
    const char *const names[] = { how->kernel_source, NULL };
    g_autoptr(GPtrArray) found = gp_apt_lookup(sources, names, error);
    g_autofree char *compiler = found ? gp_source_compiler(job, how->cross_triplet, error) : NULL;
    if (!compiler) {
        gp_kernel_source_free(kernel);
        return NULL;
    }
    kernel->package = g_ptr_array_steal_index(found, 0);

    /* Everything the kernel depends on, so that a kept one is only used
     * for exactly the same build. */
    g_autofree char *changes_sum =
        g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)changes, changes_length);
    g_autofree char *inputs = g_strdup_printf(
        "source %s %s %s\n"
        "configuration %s %s %s\n"
        "changes %s %s\n"
        "compiler %s\n"
        "make ARCH=%s CROSS_COMPILE=%s- %s\n",
        kernel->package->package, kernel->package->version, kernel->package->sha256,
        config_deb->package, config_deb->version, config_deb->sha256, changes_name,
        changes_sum, compiler, how->linux_arch, how->cross_triplet, MAKE_TARGET);
    kernel->product = gp_source_product_new(job, PRODUCT, inputs);
    return kernel;
}

bool gp_kernel_source_cached(const gp_kernel_source *kernel)
{
    return gp_source_product_cached(kernel->product, KERNEL_FILE);
}

const gp_apt_deb *gp_kernel_source_package(const gp_kernel_source *kernel)
{
    return kernel->package;
}

/* Unpacks the kernel tree from the source package into the work directory
 * and returns its path. The package holds one tarball of it,
 * ./usr/src/<package>.tar.xz, whose top directory has the same name. */
static char *unpack_source(gp_kernel_source *kernel, const gp_apt_deb *deb, GError **error)
{
    const char *work = kernel->product->work;
    const char *name = kernel->how->kernel_source;
    g_autofree char *member = g_strdup_printf("./usr/src/%s.tar.xz", name);
    g_autofree char *tarball = g_build_filename(work, member, NULL);
    g_autofree char *usr = g_build_filename(work, "usr", NULL);
    char *tree = g_build_filename(work, name, NULL);

    const char *const dpkg[] = { "dpkg-deb", "--fsys-tarfile", deb->path, NULL };
    const char *const tar_member[] = { "tar", "-x", "-f", "-", "-C", work, member, NULL };
    const char *const tar_tree[] = { "tar", "-x", "-f", tarball, "-C", work, NULL };
    if (!gp_tool_pipe(kernel->job->log, dpkg, tar_member, NULL, error)) {
        g_prefix_error(error, "%s has no %s or could not be read: ", deb->path, member);
    } else if (!gp_tool_run(kernel->job->log, tar_tree, NULL, NULL, NULL, error)) {
        g_prefix_error(error, "unpacking %s: ", tarball);
    } else if (!gp_image_remove_tree(usr, error)) {
        /* error set */
    } else if (!g_file_test(tree, G_FILE_TEST_IS_DIR)) {
        gp_image_job_fail(error, "%s does not unpack into a directory %s/", member, name);
    } else {
        return tree;
    }
    g_free(tree);
    return NULL;
}

/* The text of the one ./boot/config-* in the configuration's package. */
static char *debian_config(gp_kernel_source *kernel, GError **error)
{
    const gp_apt_deb *deb = kernel->config_deb;
    g_autofree char *unpack = g_build_filename(kernel->product->work, "config-package", NULL);
    g_autofree char *boot = g_build_filename(unpack, "boot", NULL);
    const char *const dpkg[] = { "dpkg-deb", "--fsys-tarfile", deb->path, NULL };
    const char *const tar[] = { "tar", "-x", "-f", "-", "-C", unpack, "--wildcards",
                                "./boot/config-*", NULL };
    const char *entry;
    char *text = NULL;

    if (g_mkdir(unpack, 0755) != 0) {
        gp_image_job_fail(error, "cannot create %s: %s", unpack, g_strerror(errno));
        return NULL;
    }
    if (!gp_tool_pipe(kernel->job->log, dpkg, tar, NULL, error)) {
        g_prefix_error(error, "%s has no ./boot/config-* or could not be read: ", deb->path);
        return NULL;
    }
    g_autoptr(GDir) d = g_dir_open(boot, 0, error);
    if (!d || !(entry = g_dir_read_name(d))) {
        if (d) {
            gp_image_job_fail(error, "%s contains no /boot/config-*", deb->package);
        }
        return NULL;
    }
    g_autofree char *path = g_build_filename(boot, entry, NULL);
    if (!g_file_get_contents(path, &text, NULL, error)) {
        return NULL;
    }
    gp_tool_log_printf(kernel->job->log, "guestplug: configuration from %s's %s\n",
                       deb->package, entry);
    return text;
}

/* Debian's configuration with the recipe's changes, as OBJ/.config. */
static bool write_config(gp_kernel_source *kernel, const char *obj, GError **error)
{
    g_autofree char *debian = debian_config(kernel, error);
    if (!debian) {
        return false;
    }
    g_autoptr(GHashTable) changed = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < kernel->changes->len; i++) {
        config_change *c = g_ptr_array_index(kernel->changes, i);
        g_hash_table_insert(changed, c->name, c);
    }
    g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GString) config = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(debian, "\n", -1);
    for (char **l = lines; *l; l++) {
        bool unset;
        g_autofree char *name = option_name(*l, &unset);
        config_change *c = name ? g_hash_table_lookup(changed, name) : NULL;
        if (c) {
            g_string_append_printf(config, "%s\n", c->line);
            g_hash_table_add(done, c->name);
        } else if (**l || l[1]) {
            g_string_append_printf(config, "%s\n", *l);
        }
    }
    for (guint i = 0; i < kernel->changes->len; i++) {
        config_change *c = g_ptr_array_index(kernel->changes, i);
        if (!g_hash_table_contains(done, c->name)) {
            g_string_append_printf(config, "%s\n", c->line);
        }
    }
    g_autofree char *path = g_build_filename(obj, ".config", NULL);
    if (g_mkdir(obj, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create %s: %s", obj, g_strerror(errno));
    }
    return g_file_set_contents(path, config->str, (gssize)config->len, error);
}

/* After olddefconfig: every change must still hold, or the kernel would
 * not be what the recipe says (an option whose dependencies are unmet
 * is dropped silently). */
static bool check_config(gp_kernel_source *kernel, const char *obj, GError **error)
{
    g_autofree char *path = g_build_filename(obj, ".config", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error)) {
        return false;
    }
    g_autoptr(GHashTable) lines = g_hash_table_new(g_str_hash, g_str_equal);
    g_auto(GStrv) split = g_strsplit(text, "\n", -1);
    for (char **l = split; *l; l++) {
        g_hash_table_add(lines, *l);
    }
    for (guint i = 0; i < kernel->changes->len; i++) {
        config_change *c = g_ptr_array_index(kernel->changes, i);
        g_autofree char *set_prefix = g_strconcat(c->name, "=", NULL);
        bool holds = g_hash_table_contains(lines, c->line);
        if (c->unset && !holds) {
            /* Not set also when olddefconfig left it out altogether. */
            holds = true;
            for (char **l = split; *l && holds; l++) {
                holds = !g_str_has_prefix(*l, set_prefix);
            }
        }
        if (!holds) {
            return gp_image_job_fail(error, "`%s` from %s does not hold after `make "
                                     "olddefconfig` (%s): the kernel's other options do not "
                                     "allow it\nFix: change %s", c->line, kernel->changes_path,
                                     path, kernel->changes_path);
        }
    }
    return true;
}

static bool build(gp_kernel_source *kernel, const gp_apt_deb *source_deb, GError **error)
{
    gp_image_job *job = kernel->job;
    const gp_arch_source_build *how = kernel->how;
    static const char *const tools[] = { "make", "gcc", "flex", "bison", "bc", "perl", "xz",
                                         "tar", "dpkg-deb", NULL };
    if (!gp_source_require_tools(tools, "make gcc flex bison bc perl xz-utils tar dpkg "
                                        "libssl-dev", error)) {
        g_prefix_error(error, "building the kernel from %s: ", how->kernel_source);
        return false;
    }
    /* The host program that embeds the kernel's trusted keys links with
     * OpenSSL, which only a header tells is installed. */
    if (!g_file_test("/usr/include/openssl/opensslv.h", G_FILE_TEST_IS_REGULAR)) {
        return gp_image_job_fail(error, "building the kernel needs OpenSSL's headers "
                                 "(/usr/include/openssl/opensslv.h is missing)\nFix: run "
                                 "`guestplug setup`, which installs them, or `apt-get install "
                                 "-t bookworm --no-install-recommends libssl-dev`");
    }
    if (!gp_source_product_begin(kernel->product, NEED_MB, error)) {
        return false;
    }
    int jobs = gp_source_make_jobs();
    fprintf(stderr, "guestplug: image %s: building the kernel takes about %d minutes with %d "
            "CPU%s, once: it is kept in %s\n", job->name, MAX(1, BUILD_CPU_MINUTES / jobs),
            jobs, jobs == 1 ? "" : "s", kernel->product->dir);

    g_autofree char *tree = unpack_source(kernel, source_deb, error);
    g_autofree char *obj = g_build_filename(kernel->product->work, "obj", NULL);
    if (!tree || !write_config(kernel, obj, error)) {
        return false;
    }
    g_autofree char *o = g_strconcat("O=", obj, NULL);
    g_autofree char *arch = g_strconcat("ARCH=", how->linux_arch, NULL);
    g_autofree char *cross = g_strconcat("CROSS_COMPILE=", how->cross_triplet, "-", NULL);
    g_autofree char *j = g_strdup_printf("-j%d", jobs);
    /* What `uname -v` shows where Debian's kernels say "Debian 6.1.176-1
     * (2026-07-02)"; fixed, as are user and host, so that the build does
     * not record when or where it ran. */
    g_autofree char *version = g_strdup_printf(
        "KBUILD_BUILD_VERSION_TIMESTAMP=Debian %s (%s, built by guestplug)",
        kernel->package->version, how->kernel_source);
    const char *const configure[] = { "make", "-C", tree, o, arch, cross, "olddefconfig",
                                      NULL };
    const char *const make[] = { "make", "-C", tree, o, arch, cross, j,
                                 "KBUILD_BUILD_USER=guestplug", "KBUILD_BUILD_HOST=guestplug",
                                 version, MAKE_TARGET, NULL };
    if (!gp_tool_run(job->log, configure, NULL, NULL, NULL, error)) {
        g_prefix_error(error, "configuring the kernel: ");
        return false;
    }
    if (!check_config(kernel, obj, error)) {
        return false;
    }
    if (!gp_source_make(job, "kernel", make, NULL, NULL, error)) {
        g_prefix_error(error, "building the kernel: ");
        gp_tool_error_hint(error, "the compiler's or make's message above says what failed; "
                           "a missing host tool is installed by `guestplug setup`");
        return false;
    }
    g_autofree char *config = g_build_filename(obj, ".config", NULL);
    g_autofree char *kept_config = g_build_filename(kernel->product->work, CONFIG_FILE, NULL);
    if (rename(config, kept_config) != 0) {
        return gp_image_job_fail(error, "cannot move %s: %s", config, g_strerror(errno));
    }
    const char *const files[] = { "obj/" KERNEL_FILE, CONFIG_FILE, NULL };
    return gp_source_product_keep(kernel->product, files, error);
}

bool gp_kernel_source_install(gp_kernel_source *kernel, const gp_apt_deb *source_deb,
                              const char *dest, GError **error)
{
    if (gp_kernel_source_cached(kernel)) {
        gp_tool_log_printf(kernel->job->log, "guestplug: the kernel was built before: %s\n",
                           kernel->product->dir);
    } else if (!source_deb) {
        return gp_image_job_fail(error, "internal error: the kernel is not kept and %s was "
                                 "not downloaded", kernel->how->kernel_source);
    } else if (!build(kernel, source_deb, error)) {
        return false;
    }
    return gp_source_product_install(kernel->product, KERNEL_FILE, dest, 0644, error);
}
