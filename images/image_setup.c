/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image_setup.h"

#include "cpio.h"
#include "error.h"

#include <errno.h>
#include <ftw.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* State of one script run; LINE makes every error point into the script. */
typedef struct ctx {
    const char *script;
    const char *recipe_dir;
    const char *root;
    char *real_root;
    gint64 shadow_day;
    GArray *nodes;
    int line;
} ctx;

static bool fail(ctx *c, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool fail(ctx *c, GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "%s:%d: %s", c->script, c->line, msg);
    return false;
}

static bool fail_errno(ctx *c, GError **error, const char *what, const char *path)
{
    return fail(c, error, "cannot %s %s: %s", what, path, g_strerror(errno));
}

static void node_clear(gpointer data)
{
    gp_cpio_node *n = data;
    g_free((char *)n->path);
}

GArray *gp_image_nodes_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(gp_cpio_node));
    g_array_set_clear_func(a, node_clear);
    return a;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP) {
        return rmdir(path) == 0 ? 0 : errno;
    }
    return unlink(path) == 0 ? 0 : errno;
}

/* Make directories writable and searchable first: a tree unpacked by an
 * unprivileged user may hold read-only directories it cannot empty. */
static int open_up(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_D && (st->st_mode & 0700) != 0700) {
        chmod(path, (st->st_mode & 07777) | 0700);
    }
    return 0;
}

bool gp_image_remove_tree(const char *path, GError **error)
{
    struct stat st;
    int rc;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) {
            return true;
        }
        rc = errno;
    } else if (!S_ISDIR(st.st_mode)) {
        rc = unlink(path) == 0 ? 0 : errno;
    } else {
        nftw(path, open_up, 32, FTW_PHYS);
        rc = nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS);
        if (rc < 0) {
            rc = errno;
        }
    }
    if (rc != 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cannot delete %s: %s", path,
                    g_strerror(rc));
        return false;
    }
    return true;
}

/* ROOT/REL, after checking that REL stays inside the image: no absolute
 * path, no "..", and (when the parent exists) no symlink on the way that
 * leads out of the tree. Packages do contain absolute symlinks
 * (/lib64/ld-linux-x86-64.so.2 -> /lib/...), and writing through one
 * would modify the host. */
static char *image_path(ctx *c, const char *rel, GError **error)
{
    if (!rel || !*rel || rel[0] == '/') {
        fail(c, error, "\"%s\" must be a path relative to the image root", rel ? rel : "");
        return NULL;
    }
    g_auto(GStrv) parts = g_strsplit(rel, "/", -1);
    for (char **p = parts; *p; p++) {
        if (strcmp(*p, "..") == 0) {
            fail(c, error, "\"%s\" must not contain \"..\"", rel);
            return NULL;
        }
    }
    char *full = g_build_filename(c->root, rel, NULL);
    g_autofree char *parent = g_path_get_dirname(full);
    char real[PATH_MAX];
    if (realpath(parent, real) != NULL) {
        size_t n = strlen(c->real_root);
        if (strncmp(real, c->real_root, n) != 0 || (real[n] != '\0' && real[n] != '/')) {
            fail(c, error, "\"%s\" leads outside the image through a symlink", rel);
            g_free(full);
            return NULL;
        }
    }
    return full;
}

static bool parse_mode(ctx *c, const char *s, guint *mode, GError **error)
{
    guint64 v;
    if (!s || !g_ascii_string_to_unsigned(s, 8, 0, 07777, &v, NULL)) {
        return fail(c, error, "\"%s\" is not an octal mode", s ? s : "");
    }
    *mode = (guint)v;
    return true;
}

static bool write_file(ctx *c, const char *path, const char *data, gsize len, guint mode,
                       GError **error)
{
    g_autoptr(GError) err = NULL;
    if (!g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT,
                                  (int)mode, &err)) {
        return fail(c, error, "%s", err->message);
    }
    /* set_contents applies the umask; the image must not depend on it. */
    if (chmod(path, mode) != 0) {
        return fail_errno(c, error, "chmod", path);
    }
    return true;
}

static bool cmd_copy(ctx *c, char **a, GError **error)
{
    g_autofree char *src = image_path(c, a[0], error);
    g_autofree char *dst = src ? image_path(c, a[1], error) : NULL;
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    gsize len;
    struct stat st;

    if (!dst) {
        return false;
    }
    if (stat(src, &st) != 0) {
        return fail_errno(c, error, "read", a[0]);
    }
    if (!g_file_get_contents(src, &data, &len, &err)) {
        return fail(c, error, "%s", err->message);
    }
    return write_file(c, dst, data, len, st.st_mode & 07777, error);
}

/* Removes whatever is at PATH if it is a file, a symlink or an empty
 * directory, so that a link or file can take its place. */
static bool clear_spot(ctx *c, const char *path, GError **error)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return errno == ENOENT || fail_errno(c, error, "stat", path);
    }
    if (S_ISDIR(st.st_mode) ? rmdir(path) != 0 : unlink(path) != 0) {
        return fail_errno(c, error, "replace", path);
    }
    return true;
}

static bool cmd_symlink(ctx *c, char **a, GError **error)
{
    g_autofree char *link = image_path(c, a[1], error);
    if (!link || !clear_spot(c, link, error)) {
        return false;
    }
    if (symlink(a[0], link) != 0) {
        return fail_errno(c, error, "create symlink", a[1]);
    }
    return true;
}

static bool cmd_mkdir(ctx *c, char **a, GError **error)
{
    guint mode = 0;
    g_autofree char *path = image_path(c, a[0], error);
    if (!path || !parse_mode(c, a[1], &mode, error)) {
        return false;
    }
    if (g_mkdir_with_parents(path, 0755) != 0 || chmod(path, mode) != 0) {
        return fail_errno(c, error, "create directory", a[0]);
    }
    return true;
}

static bool cmd_empty(ctx *c, char **a, GError **error)
{
    guint mode = 0;
    g_autofree char *path = image_path(c, a[0], error);
    return path && parse_mode(c, a[1], &mode, error) && write_file(c, path, "", 0, mode, error);
}

static bool cmd_chmod(ctx *c, char **a, GError **error)
{
    guint mode = 0;
    g_autofree char *path = NULL;
    if (!parse_mode(c, a[0], &mode, error) || !(path = image_path(c, a[1], error))) {
        return false;
    }
    if (chmod(path, mode) != 0) {
        return fail_errno(c, error, "chmod", a[1]);
    }
    return true;
}

static bool cmd_remove(ctx *c, char **a, GError **error)
{
    g_autofree char *path = image_path(c, a[0], error);
    g_autoptr(GError) err = NULL;
    if (!path) {
        return false;
    }
    if (!gp_image_remove_tree(path, &err)) {
        return fail(c, error, "%s", err->message);
    }
    return true;
}

/* Moves the contents of SRC into DST, recursing where both have the same
 * directory, and fails on any other clash rather than pick a winner. */
static bool merge_into(ctx *c, const char *src, const char *dst, GError **error)
{
    struct stat st;
    if (lstat(src, &st) != 0) {
        return fail_errno(c, error, "stat", src);
    }
    struct stat dst_st;
    if (lstat(dst, &dst_st) != 0 &&
        (g_mkdir_with_parents(dst, 0755) != 0 || chmod(dst, st.st_mode & 07777) != 0)) {
        return fail_errno(c, error, "create", dst);
    }
    g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *from = g_build_filename(src, name, NULL);
        g_autofree char *to = g_build_filename(dst, name, NULL);
        struct stat fs, ts;
        if (lstat(to, &ts) != 0) {
            if (rename(from, to) != 0) {
                return fail_errno(c, error, "move", from);
            }
            continue;
        }
        if (lstat(from, &fs) != 0) {
            return fail_errno(c, error, "stat", from);
        }
        if (S_ISDIR(fs.st_mode) && S_ISDIR(ts.st_mode)) {
            if (!merge_into(c, from, to, error)) {
                return false;
            }
            continue;
        }
        return fail(c, error, "merge-usr: both %s and %s exist; the package set has a "
                              "file in /usr and outside it", from, to);
    }
    if (rmdir(src) != 0) {
        return fail_errno(c, error, "remove", src);
    }
    return true;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool cmd_merge_usr(ctx *c, char **a, GError **error)
{
    (void)a;
    g_autoptr(GDir) d = g_dir_open(c->root, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)) != NULL) {
        if (strcmp(name, "bin") == 0 || strcmp(name, "sbin") == 0 ||
            g_str_has_prefix(name, "lib")) {
            g_ptr_array_add(names, g_strdup(name));
        }
    }
    /* Directory order is arbitrary; keep the result independent of it. */
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *top = g_build_filename(c->root, n, NULL);
        g_autofree char *usr = g_build_filename(c->root, "usr", n, NULL);
        g_autofree char *target = g_build_filename("usr", n, NULL);
        struct stat st;
        if (lstat(top, &st) != 0 || !S_ISDIR(st.st_mode)) {
            continue; /* already a symlink */
        }
        if (!merge_into(c, top, usr, error)) {
            return false;
        }
        if (symlink(target, top) != 0) {
            return fail_errno(c, error, "create symlink", top);
        }
    }
    return true;
}

/* Reads an image file as lines of colon-separated fields; NULL on error. */
static GPtrArray *read_table(ctx *c, const char *rel, GError **error)
{
    g_autofree char *path = image_path(c, rel, error);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    if (!path) {
        return NULL;
    }
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        fail(c, error, "%s", err->message);
        return NULL;
    }
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (**l && **l != '#') {
            g_ptr_array_add(rows, g_strsplit(*l, ":", -1));
        }
    }
    return rows;
}

/* What update-passwd does on first install (copy the masters) followed by
 * what `shadowconfig on` does (move the password field to shadow files). */
static bool cmd_accounts(ctx *c, char **a, GError **error)
{
    g_autoptr(GPtrArray) users = NULL;
    g_autoptr(GPtrArray) groups = NULL;
    g_autoptr(GString) passwd = g_string_new(NULL);
    g_autoptr(GString) shadow = g_string_new(NULL);
    g_autoptr(GString) group = g_string_new(NULL);
    g_autoptr(GString) gshadow = g_string_new(NULL);
    g_autofree char *day = c->shadow_day >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT,
                                                                c->shadow_day)
                                              : g_strdup("");

    if (!(users = read_table(c, a[0], error)) || !(groups = read_table(c, a[1], error))) {
        return false;
    }
    for (guint i = 0; i < users->len; i++) {
        char **f = g_ptr_array_index(users, i);
        if (g_strv_length(f) != 7) {
            return fail(c, error, "%s: line %u does not have 7 fields", a[0], i + 1);
        }
        g_string_append_printf(passwd, "%s:x:%s:%s:%s:%s:%s\n", f[0], f[2], f[3], f[4], f[5],
                               f[6]);
        g_string_append_printf(shadow, "%s:%s:%s:0:99999:7:::\n", f[0], f[1], day);
    }
    for (guint i = 0; i < groups->len; i++) {
        char **f = g_ptr_array_index(groups, i);
        if (g_strv_length(f) != 4) {
            return fail(c, error, "%s: line %u does not have 4 fields", a[1], i + 1);
        }
        g_string_append_printf(group, "%s:x:%s:%s\n", f[0], f[2], f[3]);
        g_string_append_printf(gshadow, "%s:%s::%s\n", f[0], f[1], f[3]);
    }

    const struct { const char *rel; GString *text; guint mode; } out[] = {
        { "etc/passwd", passwd, 0644 },
        { "etc/shadow", shadow, 0640 },
        { "etc/group", group, 0644 },
        { "etc/gshadow", gshadow, 0640 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(out); i++) {
        g_autofree char *path = image_path(c, out[i].rel, error);
        if (!path || !write_file(c, path, out[i].text->str, out[i].text->len, out[i].mode,
                                 error)) {
            return false;
        }
    }
    return true;
}

static bool cmd_login_shell(ctx *c, char **a, GError **error)
{
    g_autoptr(GPtrArray) users = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    bool found = false;

    if (!(users = read_table(c, "etc/passwd", error))) {
        return false;
    }
    for (guint i = 0; i < users->len; i++) {
        char **f = g_ptr_array_index(users, i);
        if (g_strv_length(f) == 7 && strcmp(f[0], a[0]) == 0) {
            g_free(f[6]);
            f[6] = g_strdup(a[1]);
            found = true;
        }
        g_autofree char *line = g_strjoinv(":", f);
        g_string_append_printf(out, "%s\n", line);
    }
    if (!found) {
        return fail(c, error, "no user %s in etc/passwd", a[0]);
    }
    g_autofree char *path = image_path(c, "etc/passwd", error);
    return path && write_file(c, path, out->str, out->len, 0644, error);
}

/* Copies the recipe tree SRC (absolute) to image path REL ("" = root). */
static bool overlay_tree(ctx *c, const char *src, const char *rel, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
    const char *name;
    if (!d) {
        return fail_errno(c, error, "read overlay directory", src);
    }
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *from = g_build_filename(src, name, NULL);
        g_autofree char *to_rel = *rel ? g_strconcat(rel, "/", name, NULL) : g_strdup(name);
        g_autofree char *to = image_path(c, to_rel, error);
        struct stat st;
        if (!to) {
            return false;
        }
        if (lstat(from, &st) != 0) {
            return fail_errno(c, error, "stat", from);
        }
        if (S_ISDIR(st.st_mode)) {
            struct stat ts;
            if (lstat(to, &ts) != 0 && (mkdir(to, 0755) != 0 || chmod(to, 0755) != 0)) {
                return fail_errno(c, error, "create", to_rel);
            }
            if (!overlay_tree(c, from, to_rel, error)) {
                return false;
            }
        } else if (S_ISLNK(st.st_mode)) {
            g_autoptr(GError) err = NULL;
            g_autofree char *target = g_file_read_link(from, &err);
            if (!target) {
                return fail(c, error, "%s", err->message);
            }
            if (!clear_spot(c, to, error)) {
                return false;
            }
            if (symlink(target, to) != 0) {
                return fail_errno(c, error, "create symlink", to_rel);
            }
        } else if (S_ISREG(st.st_mode)) {
            g_autofree char *data = NULL;
            g_autoptr(GError) err = NULL;
            gsize len;
            if (!g_file_get_contents(from, &data, &len, &err)) {
                return fail(c, error, "%s", err->message);
            }
            /* Only the executable bit is meaningful in a source checkout
             * or an install; normalise the rest. */
            guint mode = (st.st_mode & 0111) ? 0755 : 0644;
            if (!clear_spot(c, to, error) || !write_file(c, to, data, len, mode, error)) {
                return false;
            }
        }
    }
    return true;
}

static bool cmd_overlay(ctx *c, char **a, GError **error)
{
    if (a[0][0] == '/' || strstr(a[0], "..")) {
        return fail(c, error, "overlay \"%s\" must be a directory inside the recipe", a[0]);
    }
    g_autofree char *src = g_build_filename(c->recipe_dir, a[0], NULL);
    return overlay_tree(c, src, "", error);
}

static bool cmd_node(ctx *c, char **a, GError **error)
{
    guint64 major, minor;
    guint mode = 0;
    gp_cpio_node n = { 0 };

    if (strcmp(a[1], "c") != 0 && strcmp(a[1], "b") != 0) {
        return fail(c, error, "node type \"%s\" is not c or b", a[1]);
    }
    if (!g_ascii_string_to_unsigned(a[2], 10, 0, 0xfff, &major, NULL) ||
        !g_ascii_string_to_unsigned(a[3], 10, 0, 0xfffff, &minor, NULL)) {
        return fail(c, error, "bad device number %s %s", a[2], a[3]);
    }
    if (!parse_mode(c, a[4], &mode, error)) {
        return false;
    }
    g_autofree char *check = image_path(c, a[0], error);
    if (!check) {
        return false;
    }
    n.path = g_strdup(a[0]);
    n.mode = (a[1][0] == 'c' ? S_IFCHR : S_IFBLK) | mode;
    n.rdev_major = (uint32_t)major;
    n.rdev_minor = (uint32_t)minor;
    /* c->nodes owns n.path from here (freed with the array). */
    g_array_append_val(c->nodes, n);
    // cppcheck-suppress memleak
    return true;
}

typedef struct command {
    const char *name;
    guint nargs;
    bool (*run)(ctx *c, char **args, GError **error);
} command;

static const command commands[] = {
    { "merge-usr", 0, cmd_merge_usr },
    { "accounts", 2, cmd_accounts },
    { "login-shell", 2, cmd_login_shell },
    { "copy", 2, cmd_copy },
    { "symlink", 2, cmd_symlink },
    { "mkdir", 2, cmd_mkdir },
    { "empty", 2, cmd_empty },
    { "chmod", 2, cmd_chmod },
    { "remove", 1, cmd_remove },
    { "overlay", 1, cmd_overlay },
    { "node", 5, cmd_node },
};

bool gp_image_setup_run(const char *script, const char *recipe_dir, const char *root,
                        gint64 shadow_day, GArray *nodes, GError **error)
{
    g_autofree char *text = NULL;
    char real[PATH_MAX];
    ctx c = { script, recipe_dir, root, NULL, shadow_day, nodes, 0 };
    bool ok = true;

    if (!g_file_get_contents(script, &text, NULL, error)) {
        return false;
    }
    if (!realpath(root, real)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cannot resolve %s: %s", root,
                    g_strerror(errno));
        return false;
    }
    c.real_root = real;

    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; ok && *l; l++) {
        c.line++;
        char *hash = strchr(*l, '#');
        if (hash) {
            *hash = '\0';
        }
        g_auto(GStrv) words = g_strsplit_set(g_strstrip(*l), " \t", -1);
        g_autoptr(GPtrArray) args = g_ptr_array_new();
        for (char **w = words; *w; w++) {
            if (**w) {
                g_ptr_array_add(args, *w);
            }
        }
        if (args->len == 0) {
            continue;
        }
        g_ptr_array_add(args, NULL);
        const char *name = g_ptr_array_index(args, 0);
        const command *cmd = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(commands) && !cmd; i++) {
            if (strcmp(commands[i].name, name) == 0) {
                cmd = &commands[i];
            }
        }
        if (!cmd) {
            ok = fail(&c, error, "unknown command \"%s\"", name);
        } else if (args->len - 2 != cmd->nargs) {
            ok = fail(&c, error, "%s takes %u argument(s), not %u", name, cmd->nargs,
                      args->len - 2);
        } else {
            ok = cmd->run(&c, (char **)args->pdata + 1, error);
        }
    }
    return ok;
}

void gp_image_remove_stale(const char *parent, const char *name)
{
    g_autofree char *prefix = g_strconcat(".", name, ".partial-", NULL);
    g_autoptr(GDir) d = g_dir_open(parent, 0, NULL);
    const char *entry;
    while (d && (entry = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(entry, prefix)) {
            g_autofree char *path = g_build_filename(parent, entry, NULL);
            gp_image_remove_tree(path, NULL);
        }
    }
}
