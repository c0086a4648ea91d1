/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "source_build.h"

#include "error.h"
#include "image_setup.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#define INPUTS_FILE "inputs"
/* Often enough to show a build is alive, rarely enough to stay readable. */
#define PROGRESS_INTERVAL_US (30 * G_USEC_PER_SEC)

gp_source_product *gp_source_product_new(gp_image_job *job, const char *name,
                                         const char *inputs)
{
    gp_source_product *product = g_new0(gp_source_product, 1);
    product->job = job;
    product->name = name;
    product->dir = g_build_filename(job->cache, "source-builds", job->arch->name, name, NULL);
    product->inputs = g_strdup(inputs);
    return product;
}

void gp_source_product_free(gp_source_product *product)
{
    if (product) {
        if (product->work) {
            gp_image_remove_tree(product->work, NULL);
            g_free(product->work);
        }
        g_free(product->dir);
        g_free(product->inputs);
        g_free(product);
    }
}

bool gp_source_product_cached(const gp_source_product *product, const char *file)
{
    g_autofree char *inputs_path = g_build_filename(product->dir, INPUTS_FILE, NULL);
    g_autofree char *path = g_build_filename(product->dir, file, NULL);
    g_autofree char *inputs = NULL;
    return g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
           g_file_get_contents(inputs_path, &inputs, NULL, NULL) &&
           strcmp(inputs, product->inputs) == 0;
}

bool gp_source_product_begin(gp_source_product *product, guint64 need_mb, GError **error)
{
    g_autofree char *parent = g_path_get_dirname(product->dir);
    g_autofree char *tmpl = g_strconcat(".", product->name, ".partial-XXXXXX", NULL);
    struct statvfs fs;

    if (g_mkdir_with_parents(parent, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create %s: %s", parent, g_strerror(errno));
    }
    gp_image_remove_stale(parent, product->name);
    if (statvfs(parent, &fs) == 0) {
        guint64 free_mb = (guint64)fs.f_bavail * fs.f_frsize / (1024 * 1024);
        if (free_mb < need_mb) {
            return gp_image_job_fail(error, "building %s needs about %" G_GUINT64_FORMAT
                                     " MB of free space in %s, which has %" G_GUINT64_FORMAT
                                     " MB\nFix: free some space there, or point "
                                     "XDG_CACHE_HOME at a file system with more",
                                     product->name, need_mb, parent, free_mb);
        }
    }
    product->work = g_build_filename(parent, tmpl, NULL);
    if (!g_mkdtemp(product->work)) {
        int err = errno;
        g_clear_pointer(&product->work, g_free);
        return gp_image_job_fail(error, "cannot create a build directory in %s: %s", parent,
                                 g_strerror(err));
    }
    gp_tool_log_printf(product->job->log, "guestplug: building %s in %s\n", product->name,
                       product->work);
    return true;
}

bool gp_source_product_keep(gp_source_product *product, const char *const *files,
                            GError **error)
{
    g_autofree char *fresh = g_strconcat(product->work, "/kept", NULL);
    if (g_mkdir(fresh, 0755) != 0) {
        return gp_image_job_fail(error, "cannot create %s: %s", fresh, g_strerror(errno));
    }
    for (const char *const *f = files; *f; f++) {
        g_autofree char *from = g_build_filename(product->work, *f, NULL);
        g_autofree char *base = g_path_get_basename(*f);
        g_autofree char *to = g_build_filename(fresh, base, NULL);
        if (rename(from, to) != 0) {
            return gp_image_job_fail(error, "cannot move %s to %s: %s", from, to,
                                     g_strerror(errno));
        }
    }
    g_autofree char *inputs = g_build_filename(fresh, INPUTS_FILE, NULL);
    if (!g_file_set_contents(inputs, product->inputs, -1, error)) {
        return false;
    }
    /* Whatever was kept before was built from other inputs. */
    if (!gp_image_remove_tree(product->dir, error)) {
        return false;
    }
    if (rename(fresh, product->dir) != 0) {
        return gp_image_job_fail(error, "cannot move %s to %s: %s", fresh, product->dir,
                                 g_strerror(errno));
    }
    bool removed = gp_image_remove_tree(product->work, error);
    g_clear_pointer(&product->work, g_free);
    gp_tool_log_printf(product->job->log, "guestplug: kept %s in %s\n", product->name,
                       product->dir);
    return removed;
}

bool gp_source_product_install(const gp_source_product *product, const char *file,
                               const char *dest, int mode, GError **error)
{
    g_autofree char *from = g_build_filename(product->dir, file, NULL);
    g_autoptr(GFile) source = g_file_new_for_path(from);
    g_autoptr(GFile) target = g_file_new_for_path(dest);
    if (!g_file_copy(source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error)) {
        g_prefix_error(error, "copying the %s built from source: ", product->name);
        return false;
    }
    if (chmod(dest, (mode_t)mode) != 0) {
        return gp_image_job_fail(error, "cannot chmod %s: %s", dest, g_strerror(errno));
    }
    return true;
}

char *gp_source_compiler(gp_image_job *job, const char *triplet, GError **error)
{
    g_autofree char *gcc = g_strconcat(triplet, "-gcc", NULL);
    const char *const tools[] = { gcc, NULL };
    g_autofree char *fix = g_strdup_printf(
        "the build needs Debian's cross compiler for %s; run `guestplug setup`, which "
        "installs it, or `apt-get install -t bookworm --no-install-recommends gcc-%s`",
        triplet, triplet);
    g_autofree char *out = NULL;
    const char *const argv[] = { gcc, "--version", NULL };

    if (!gp_tool_require(tools, fix, error) ||
        !gp_tool_run(job->log, argv, NULL, NULL, &out, error)) {
        return NULL;
    }
    char *newline = strchr(out, '\n');
    return newline ? g_strndup(out, (gsize)(newline - out)) : g_strdup(out);
}

bool gp_source_require_tools(const char *const *tools, const char *packages, GError **error)
{
    g_autofree char *fix = g_strdup_printf(
        "run `guestplug setup`, which installs them, or `apt-get install -t bookworm "
        "--no-install-recommends %s`", packages);
    return gp_tool_require(tools, fix, error);
}

int gp_source_make_jobs(void)
{
    return (int)MAX(1u, g_get_num_processors());
}

typedef struct make_progress {
    gp_image_job *job;
    const char *what;
    gint64 start, last;
    unsigned compiled;
    unsigned printed; /* the count last printed */
} make_progress;

static void print_progress(make_progress *progress, gint64 now)
{
    gint64 seconds = (now - progress->start) / G_USEC_PER_SEC;
    progress->printed = progress->compiled;
    fprintf(stderr, "guestplug: image %s [%d/%d] %s: %u files compiled (%d:%02d)\n",
            progress->job->name, progress->job->step, progress->job->n_steps, progress->what,
            progress->compiled, (int)(seconds / 60), (int)(seconds % 60));
}

/* Kbuild (the kernel's and busybox's) says "  CC      kernel/fork.o" for
 * each file it compiles. */
static void count_compiled(const char *line, void *data)
{
    make_progress *progress = data;
    gint64 now = g_get_monotonic_time();
    if (g_str_has_prefix(line, "  CC ")) {
        progress->compiled++;
    }
    if (now - progress->last >= PROGRESS_INTERVAL_US) {
        progress->last = now;
        print_progress(progress, now);
    }
}

bool gp_source_make(gp_image_job *job, const char *what, const char *const *argv,
                    const char *cwd, const char *const *env, GError **error)
{
    make_progress progress = { job, what, g_get_monotonic_time(), 0, 0, 0 };
    progress.last = progress.start;
    bool ok = gp_tool_run_lines(job->log, argv, cwd, env, count_compiled, &progress, error);
    /* The total, unless the last line printed already says it. */
    if (ok && progress.compiled != progress.printed) {
        print_progress(&progress, g_get_monotonic_time());
    }
    return ok;
}
