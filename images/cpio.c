/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cpio.h"

#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* newc stores every number as 8 hex digits. */
#define NEWC_MAX 0xffffffffu
#define NEWC_HEADER_LEN 110
#define TRAILER_NAME "TRAILER!!!"

/* One archive member. Tree entries are read from disk when written, so only
 * their metadata is held here; synthetic nodes carry everything. */
typedef struct entry {
    char *path;          /* relative to the root, no leading "./" */
    uint32_t mode;
    uint32_t size;       /* data length: file size or link-target length */
    uint32_t rdev_major;
    uint32_t rdev_minor;
    char *link_target;   /* symlinks only */
    bool synthetic;      /* true: no file on disk behind it */
} entry;

static void entry_free(gpointer data)
{
    entry *e = data;
    g_free(e->path);
    g_free(e->link_target);
    g_free(e);
}

static bool fail_errno(GError **error, int err, const char *what, const char *path)
{
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cpio: cannot %s %s: %s",
                what, path, g_strerror(err));
    return false;
}

bool gp_cpio_mtime_from_env(uint32_t *mtime, GError **error)
{
    const char *s = g_getenv("SOURCE_DATE_EPOCH");
    guint64 v = 0;

    *mtime = 0;
    if (!s || !*s) {
        return true;
    }
    if (!g_ascii_string_to_unsigned(s, 10, 0, NEWC_MAX, &v, NULL)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds between 0 and %u; "
                    "unset it or fix its value", s, NEWC_MAX);
        return false;
    }
    *mtime = (uint32_t)v;
    return true;
}

/* Appends the entries below ROOT/REL (REL is "" for the root itself). */
static bool collect(const char *root, const char *rel, GPtrArray *entries, GError **error)
{
    g_autofree char *dir_path = *rel ? g_build_filename(root, rel, NULL) : g_strdup(root);
    DIR *dir = opendir(dir_path);
    struct dirent *de;
    bool ok = true;

    if (!dir) {
        return fail_errno(error, errno, "read directory", dir_path);
    }
    while (ok && (errno = 0, de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        char *child = *rel ? g_strconcat(rel, "/", de->d_name, NULL) : g_strdup(de->d_name);
        g_autofree char *full = g_build_filename(root, child, NULL);
        struct stat st;
        entry *e = g_new0(entry, 1);

        e->path = child;
        g_ptr_array_add(entries, e);
        if (lstat(full, &st) != 0) {
            ok = fail_errno(error, errno, "stat", full);
            break;
        }
        e->mode = (uint32_t)st.st_mode;
        if (S_ISREG(st.st_mode)) {
            if ((guint64)st.st_size > NEWC_MAX) {
                g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                            "cpio: %s is larger than newc's 4 GiB limit", full);
                ok = false;
                break;
            }
            e->size = (uint32_t)st.st_size;
        } else if (S_ISLNK(st.st_mode)) {
            e->link_target = g_file_read_link(full, error);
            if (!e->link_target) {
                ok = false;
                break;
            }
            e->size = (uint32_t)strlen(e->link_target);
        } else if (S_ISDIR(st.st_mode)) {
            ok = collect(root, child, entries, error);
        } else if (!S_ISFIFO(st.st_mode)) {
            /* A device file here would have needed root to create; the
             * caller declares devices as synthetic nodes instead. */
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "cpio: %s is a socket or device file, which cannot be archived "
                        "from the tree; declare device nodes as synthetic entries", full);
            ok = false;
        }
    }
    if (ok && errno != 0) {
        ok = fail_errno(error, errno, "read directory", dir_path);
    }
    closedir(dir);
    return ok;
}

static gint compare_entries(gconstpointer a, gconstpointer b)
{
    const entry *x = *(const entry *const *)a;
    const entry *y = *(const entry *const *)b;
    /* Byte order, not locale order, so the result is the same everywhere.
     * A parent is a prefix of its children, so it always sorts first, as
     * the kernel needs a directory to exist before its contents. */
    return strcmp(x->path, y->path);
}

static bool valid_node_path(const char *path)
{
    if (!path || !*path || path[0] == '/') {
        return false;
    }
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    for (char **p = parts; *p; p++) {
        if (!**p || strcmp(*p, ".") == 0 || strcmp(*p, "..") == 0) {
            return false;
        }
    }
    return true;
}

/* Adds NODES and any of their parents the tree lacks. */
static bool add_nodes(GPtrArray *entries, const gp_cpio_node *nodes, size_t n_nodes,
                      GError **error)
{
    g_autoptr(GHashTable) present = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < entries->len; i++) {
        entry *e = g_ptr_array_index(entries, i);
        g_hash_table_add(present, e->path);
    }
    for (size_t i = 0; i < n_nodes; i++) {
        const gp_cpio_node *n = &nodes[i];
        if (!valid_node_path(n->path)) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "cpio: synthetic entry \"%s\" is not a relative path without "
                        "\".\" or \"..\" components", n->path ? n->path : "(null)");
            return false;
        }
        if (g_hash_table_contains(present, n->path)) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "cpio: synthetic entry %s also exists in the tree; remove one",
                        n->path);
            return false;
        }
        /* Parents first, shortest prefix first. */
        for (const char *slash = strchr(n->path, '/'); slash; slash = strchr(slash + 1, '/')) {
            char *parent = g_strndup(n->path, (gsize)(slash - n->path));
            if (g_hash_table_contains(present, parent)) {
                g_free(parent);
                continue;
            }
            entry *d = g_new0(entry, 1);
            d->path = parent;
            d->mode = S_IFDIR | 0755;
            d->synthetic = true;
            g_ptr_array_add(entries, d);
            g_hash_table_add(present, d->path);
        }
        entry *e = g_new0(entry, 1);
        e->path = g_strdup(n->path);
        e->mode = n->mode;
        e->rdev_major = n->rdev_major;
        e->rdev_minor = n->rdev_minor;
        e->synthetic = true;
        g_ptr_array_add(entries, e);
        g_hash_table_add(present, e->path);
    }
    return true;
}

/* Output with a running byte count, which the 4-byte alignment needs. */
typedef struct sink {
    GOutputStream *out;
    guint64 offset;
} sink;

static bool put(sink *s, const void *data, gsize len, GError **error)
{
    if (len && !g_output_stream_write_all(s->out, data, len, NULL, NULL, error)) {
        g_prefix_error(error, "cpio: write failed: ");
        return false;
    }
    s->offset += len;
    return true;
}

static bool pad(sink *s, guint64 align, GError **error)
{
    static const char zeros[512];
    gsize n = (gsize)((align - s->offset % align) % align);
    return put(s, zeros, n, error);
}

static bool put_header(sink *s, uint32_t ino, uint32_t mode, uint32_t nlink, uint32_t mtime,
                       uint32_t size, uint32_t rmaj, uint32_t rmin, const char *name,
                       GError **error)
{
    char hdr[NEWC_HEADER_LEN + 1];
    size_t namesize = strlen(name) + 1;

    /* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
     * devminor, rdevmajor, rdevminor, namesize, check */
    int n = snprintf(hdr, sizeof hdr,
                     "070701%08" PRIX32 "%08" PRIX32 "%08X%08X%08" PRIX32 "%08" PRIX32
                     "%08" PRIX32 "%08X%08X%08" PRIX32 "%08" PRIX32 "%08zX%08X",
                     ino, mode, 0u, 0u, nlink, mtime, size, 0u, 0u, rmaj, rmin, namesize, 0u);
    g_assert(n == NEWC_HEADER_LEN);
    return put(s, hdr, NEWC_HEADER_LEN, error) && put(s, name, namesize, error) &&
           pad(s, 4, error);
}

/* Copies exactly E->size bytes of the file; a file that changed size since
 * it was listed would corrupt the archive, so that is an error. */
static bool put_file_data(sink *s, const char *root, const entry *e, GError **error)
{
    g_autofree char *full = g_build_filename(root, e->path, NULL);
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    char buf[65536];
    guint64 left = e->size;
    bool ok = true;

    if (fd < 0) {
        return fail_errno(error, errno, "open", full);
    }
    while (ok && left > 0) {
        ssize_t r = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            ok = fail_errno(error, errno, "read", full);
        } else if (r == 0) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "cpio: %s shrank while it was being archived", full);
            ok = false;
        } else {
            ok = put(s, buf, (gsize)r, error);
            left -= (guint64)r;
        }
    }
    close(fd);
    return ok;
}

bool gp_cpio_write(const char *root, const gp_cpio_node *nodes, size_t n_nodes,
                   uint32_t mtime, GOutputStream *out, GError **error)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(entry_free);
    struct stat st;
    sink s = { out, 0 };

    g_return_val_if_fail(root != NULL && G_IS_OUTPUT_STREAM(out), false);
    if (stat(root, &st) != 0) {
        return fail_errno(error, errno, "read the archive root", root);
    }
    if (!S_ISDIR(st.st_mode)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "cpio: archive root %s is not a directory", root);
        return false;
    }
    if (!collect(root, "", entries, error) || !add_nodes(entries, nodes, n_nodes, error)) {
        return false;
    }
    g_ptr_array_sort(entries, compare_entries);
    if (entries->len >= NEWC_MAX - 1) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cpio: too many entries");
        return false;
    }

    /* The root itself comes first, as ".": the kernel applies its mode to
     * "/", which would otherwise keep the rootfs default of 1777. */
    if (!put_header(&s, 1, S_IFDIR | (st.st_mode & 07777), 2, mtime, 0, 0, 0, ".", error)) {
        return false;
    }
    for (guint i = 0; i < entries->len; i++) {
        const entry *e = g_ptr_array_index(entries, i);
        /* nlink is 1 for non-directories: the kernel treats regular files
         * with nlink >= 2 as hard-link candidates. */
        uint32_t nlink = S_ISDIR(e->mode) ? 2 : 1;
        bool ok = put_header(&s, i + 2, e->mode, nlink, mtime, e->size, e->rdev_major,
                             e->rdev_minor, e->path, error);
        if (ok && S_ISLNK(e->mode)) {
            ok = put(&s, e->link_target, e->size, error);
        } else if (ok && S_ISREG(e->mode) && !e->synthetic) {
            ok = put_file_data(&s, root, e, error);
        }
        if (!ok || !pad(&s, 4, error)) {
            return false;
        }
    }
    return put_header(&s, 0, 0, 1, 0, 0, 0, 0, TRAILER_NAME, error) && pad(&s, 512, error);
}

bool gp_cpio_write_file(const char *root, const gp_cpio_node *nodes, size_t n_nodes,
                        uint32_t mtime, bool gzip, const char *path, GError **error)
{
    g_autofree char *tmp = g_strconcat(path, ".partial", NULL);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return fail_errno(error, errno, "create", tmp);
    }

    g_autoptr(GOutputStream) file = g_unix_output_stream_new(fd, TRUE);
    g_autoptr(GOutputStream) buffered = g_buffered_output_stream_new_sized(file, 1 << 16);
    g_autoptr(GOutputStream) compressed = NULL;
    GOutputStream *out = buffered;
    bool ok;

    if (gzip) {
        /* Without GFileInfo the gzip header carries no name and mtime 0.
         * Level 9 would save 0.5 % for three times the time. */
        g_autoptr(GZlibCompressor) z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
        compressed = g_converter_output_stream_new(buffered, G_CONVERTER(z));
        out = compressed;
    }
    ok = gp_cpio_write(root, nodes, n_nodes, mtime, out, error);
    /* Closing the outermost stream flushes and closes the ones below. */
    if (ok && !g_output_stream_close(out, NULL, error)) {
        g_prefix_error(error, "cpio: cannot finish %s: ", tmp);
        ok = false;
    }
    if (!ok) {
        g_output_stream_close(out, NULL, NULL);
        unlink(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return fail_errno(error, err, "rename into place", path);
    }
    return true;
}
