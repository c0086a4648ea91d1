/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "apt.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE_URL GP_DEBIAN_ARCHIVE_URL
#define SUITE GP_DEBIAN_SUITE
#define KEYRING "/usr/share/keyrings/debian-archive-keyring.gpg"
#define NETWORK_FIX GP_DEBIAN_NETWORK_FIX

struct gp_apt {
    char *dir;
    char *debs;
    char *stamp;
    char *lists;
    char *apt_config;    /* "APT_CONFIG=<dir>/apt.conf" */
    const char *env[3];  /* apt_config, "LC_ALL=C", NULL */
    gp_tool_log *log;
    bool sources;        /* indexes source packages and arch-all ones only */
};

/* Index entry of one package, from `apt-cache show`. */
typedef struct record {
    char *package, *version, *arch, *sha256;
    guint64 size;
} record;

static void record_clear(record *r)
{
    g_free(r->package);
    g_free(r->version);
    g_free(r->arch);
    g_free(r->sha256);
    memset(r, 0, sizeof *r);
}

void gp_apt_deb_free(gp_apt_deb *deb)
{
    if (deb) {
        g_free(deb->package);
        g_free(deb->version);
        g_free(deb->path);
        g_free(deb->sha256);
        g_free(deb);
    }
}

void gp_apt_free(gp_apt *apt)
{
    if (apt) {
        g_free(apt->dir);
        g_free(apt->debs);
        g_free(apt->stamp);
        g_free(apt->lists);
        g_free(apt->apt_config);
        g_free(apt);
    }
}

static bool mkdirs(const char *path, GError **error)
{
    if (g_mkdir_with_parents(path, 0755) != 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE, "cannot create %s: %s", path,
                    g_strerror(errno));
        return false;
    }
    return true;
}

/* Writes PATH only when its content differs, and says whether it did:
 * a changed sources.list must invalidate the lists. */
static bool write_if_changed(const char *path, const char *content, bool *changed,
                             GError **error)
{
    g_autofree char *old = NULL;
    *changed = false;
    if (g_file_get_contents(path, &old, NULL, NULL) && strcmp(old, content) == 0) {
        return true;
    }
    *changed = true;
    if (!g_file_set_contents(path, content, -1, error)) {
        g_prefix_error(error, "writing the private apt configuration: ");
        return false;
    }
    return true;
}

/* WITH_SOURCES: the apt of gp_apt_open_sources. */
static gp_apt *apt_open(const char *cache_dir, const char *debian_arch, bool with_sources,
                        gp_tool_log *log, GError **error)
{
    static const char *const tools[] = { "apt-get", "apt-cache", NULL };
    g_autoptr(GString) conf = g_string_new(NULL);
    bool changed_conf, changed_sources;

    if (!gp_tool_require(tools, "guestplug downloads Debian packages with apt; "
                                "run it on a Debian or Ubuntu host with apt installed", error)) {
        return NULL;
    }
    if (!g_file_test(KEYRING, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "%s is missing, so the Debian archive's signatures cannot be checked; "
                    "install it with `apt-get install debian-archive-keyring`", KEYRING);
        return NULL;
    }

    gp_apt *apt = g_new0(gp_apt, 1);
    apt->log = log;
    apt->sources = with_sources;
    apt->dir = g_build_filename(cache_dir, "apt", debian_arch, NULL);
    apt->debs = g_build_filename(apt->dir, "debs", NULL);
    apt->stamp = g_build_filename(apt->dir, "updated", NULL);
    apt->lists = g_build_filename(apt->dir, "state", "lists", NULL);
    g_autofree char *etc = g_build_filename(apt->dir, "etc", NULL);
    g_autofree char *config = g_build_filename(apt->dir, "apt.conf", NULL);
    g_autofree char *sources = g_build_filename(etc, "sources.list", NULL);
    g_autofree char *status = g_build_filename(apt->dir, "state", "status", NULL);
    apt->apt_config = g_strconcat("APT_CONFIG=", config, NULL);
    apt->env[0] = apt->apt_config;
    apt->env[1] = "LC_ALL=C"; /* parseable, untranslated output */

    const char *const subdirs[] = { "etc/apt.conf.d", "etc/preferences.d", "etc/sources.list.d",
                                    "state/lists/partial", "cache/archives/partial", "debs",
                                    NULL };
    for (const char *const *s = subdirs; *s; s++) {
        g_autofree char *d = g_build_filename(apt->dir, *s, NULL);
        if (!mkdirs(d, error)) {
            gp_apt_free(apt);
            return NULL;
        }
    }
    /* An empty dpkg status: nothing is "installed", so apt never reasons
     * about the host's packages. */
    if (!g_file_test(status, G_FILE_TEST_EXISTS) &&
        !g_file_set_contents(status, "", 0, error)) {
        gp_apt_free(apt);
        return NULL;
    }

    g_string_append_printf(conf,
                           "// Written by guestplug; rewritten on every image build.\n"
                           "Dir::Etc \"%s\";\n"
                           "Dir::State \"%s/state\";\n"
                           "Dir::State::status \"%s\";\n"
                           "Dir::Cache \"%s/cache\";\n"
                           "APT::Architecture \"%s\";\n"
                           /* "all" fetches binary-all: for an architecture
                            * the archive lacks, its only binary index. */
                           "APT::Architectures { \"%s\";%s };\n"
                           "Acquire::Languages \"none\";\n"
                           /* Keep the lists compressed and skip the source
                            * package cache: 40 MB and 35 MB less per
                            * architecture, for well under a second. */
                           "Acquire::GzipIndexes \"true\";\n"
                           "Dir::Cache::srcpkgcache \"\";\n",
                           etc, apt->dir, status, apt->dir, debian_arch, debian_arch,
                           with_sources ? " \"all\";" : "");
    if (geteuid() == 0) {
        /* Otherwise apt warns that it cannot drop to the _apt user for
         * files in a directory _apt cannot write. */
        g_string_append(conf, "APT::Sandbox::User \"root\";\n");
    }
    g_autofree char *src = g_strdup_printf("deb [signed-by=" KEYRING "] " ARCHIVE_URL
                                           " " SUITE " main\n%s",
                                           with_sources ? "deb-src [signed-by=" KEYRING "] "
                                                     ARCHIVE_URL " " SUITE " main\n" : "");
    if (!write_if_changed(config, conf->str, &changed_conf, error) ||
        !write_if_changed(sources, src, &changed_sources, error)) {
        gp_apt_free(apt);
        return NULL;
    }
    if (changed_conf || changed_sources) {
        g_unlink(apt->stamp); /* lists from another configuration */
    }
    return apt;
}

gp_apt *gp_apt_open(const char *cache_dir, const char *debian_arch, gp_tool_log *log,
                    GError **error)
{
    return apt_open(cache_dir, debian_arch, false, log, error);
}

gp_apt *gp_apt_open_sources(const char *cache_dir, const char *debian_arch, gp_tool_log *log,
                            GError **error)
{
    return apt_open(cache_dir, debian_arch, true, log, error);
}

/* Whether the indexes this apt needs are on disk: a Packages index, and
 * for a sources apt a Sources index too. */
static bool have_lists(const gp_apt *apt)
{
    g_autoptr(GDir) d = g_dir_open(apt->lists, 0, NULL);
    const char *name;
    bool packages = false, sources = !apt->sources;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        packages = packages || strstr(name, "_Packages") != NULL;
        sources = sources || strstr(name, "_Sources") != NULL;
    }
    return packages && sources;
}

bool gp_apt_update(gp_apt *apt, gint64 max_age, GError **error)
{
    struct stat st;
    g_autoptr(GError) err = NULL;
    bool lists = have_lists(apt);

    if (lists && stat(apt->stamp, &st) == 0 && time(NULL) - st.st_mtime < max_age) {
        gp_tool_log_printf(apt->log, "guestplug: package lists are fresh, not updating\n");
        return true;
    }
    const char *const argv[] = { "apt-get", "-q", "update", NULL };
    gint64 mark = gp_tool_log_mark(apt->log);
    if (!gp_tool_run(apt->log, argv, NULL, apt->env, NULL, &err)) {
        if (lists) {
            g_printerr("guestplug: warning: apt-get update failed, using the package lists "
                       "from an earlier update (%s)\n", NETWORK_FIX);
            return true;
        }
        g_propagate_prefixed_error(error, g_steal_pointer(&err),
                                   "downloading the package index failed: ");
        gp_tool_error_hint(error, NETWORK_FIX);
        return false;
    }
    /* apt-get update exits 0 when it merely warns about a source it
     * could not fetch, so check that an index is really there. */
    if (!have_lists(apt)) {
        g_autofree char *tail = gp_tool_log_tail(apt->log, mark);
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "apt-get update fetched no package index for " ARCHIVE_URL " " SUITE
                    "; its last output:\n%s\nFix: %s", tail, NETWORK_FIX);
        return false;
    }
    if (!g_file_set_contents(apt->stamp, "", 0, error)) {
        return false;
    }
    return true;
}

char *gp_apt_first_depends(gp_apt *apt, const char *package, const char *prefix,
                           GError **error)
{
    const char *const argv[] = { "apt-cache", "depends", package, NULL };
    g_autofree char *out = NULL;

    if (!gp_tool_run(apt->log, argv, NULL, apt->env, &out, error)) {
        g_prefix_error(error, "looking up %s in the package index: ", package);
        return NULL;
    }
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++) {
        const char *s = g_strstrip(*l);
        /* "|Depends:" is an alternative; only a plain dependency names
         * the one versioned package. */
        if (g_str_has_prefix(s, "Depends: ")) {
            s += strlen("Depends: ");
            if (g_str_has_prefix(s, prefix)) {
                return g_strdup(s);
            }
        }
    }
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                "%s has no dependency named %s* in " SUITE "; the archive changed in a way "
                "guestplug does not know, please report it", package, prefix);
    return NULL;
}

/* Parses `apt-cache show --no-all-versions` output, one record per package. */
static GArray *parse_records(const char *text)
{
    GArray *records = g_array_new(FALSE, TRUE, sizeof(record));
    g_array_set_clear_func(records, (GDestroyNotify)record_clear);
    record r = { 0 };
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (char **l = lines;; l++) {
        if (!*l || !**l) {
            if (r.package) {
                g_array_append_val(records, r);
                memset(&r, 0, sizeof r);
            }
            if (!*l) {
                break;
            }
            continue;
        }
        const char *colon = strchr(*l, ':');
        if (!colon || (*l)[0] == ' ') {
            continue; /* continuation lines of Description etc. */
        }
        g_autofree char *key = g_strndup(*l, (gsize)(colon - *l));
        char *value = g_strstrip(g_strdup(colon + 1));
        char **slot = NULL;
        if (strcmp(key, "Package") == 0) {
            slot = &r.package;
        } else if (strcmp(key, "Version") == 0) {
            slot = &r.version;
        } else if (strcmp(key, "Architecture") == 0) {
            slot = &r.arch;
        } else if (strcmp(key, "SHA256") == 0) {
            slot = &r.sha256;
        } else if (strcmp(key, "Size") == 0) {
            r.size = g_ascii_strtoull(value, NULL, 10);
        }
        if (slot && !*slot) {
            *slot = value;
        } else {
            g_free(value);
        }
    }
    return records;
}

/* The file name `apt-get download` gives a package: the version's epoch
 * colon is the only character it escapes in practice ("1:1.35" becomes
 * "1%3a1.35"); Debian versions allow no other character it would. */
static char *deb_file_name(const record *r)
{
    g_autofree char *version = NULL;
    g_auto(GStrv) parts = g_strsplit(r->version, ":", -1);
    version = g_strjoinv("%3a", parts);
    return g_strdup_printf("%s_%s_%s.deb", r->package, version, r->arch);
}

/* SHA256 of PATH in lowercase hex, or NULL if unreadable. */
static char *file_sha256(const char *path)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    char buf[1 << 16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return NULL;
    }
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) {
            g_checksum_update(sum, (const guchar *)buf, (gsize)n);
        }
    }
    close(fd);
    return n < 0 ? NULL : g_strdup(g_checksum_get_string(sum));
}

static bool deb_matches(const char *path, const record *r)
{
    struct stat st;
    if (stat(path, &st) != 0 || (guint64)st.st_size != r->size) {
        return false;
    }
    g_autofree char *sum = file_sha256(path);
    return sum && r->sha256 && g_ascii_strcasecmp(sum, r->sha256) == 0;
}

/* Deletes .debs in debs/ that are not in KEEP (names): old versions left
 * behind by a Debian point release. */
static void prune(gp_apt *apt, GHashTable *keep)
{
    g_autoptr(GDir) d = g_dir_open(apt->debs, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_suffix(name, ".deb") && !g_hash_table_contains(keep, name)) {
            g_autofree char *path = g_build_filename(apt->debs, name, NULL);
            gp_tool_log_printf(apt->log, "guestplug: removing outdated %s\n", path);
            g_unlink(path);
        }
    }
}

GPtrArray *gp_apt_lookup(gp_apt *apt, const char *const *packages, GError **error)
{
    g_autoptr(GPtrArray) show = g_ptr_array_new();
    g_autofree char *out = NULL;

    g_ptr_array_add(show, "apt-cache");
    g_ptr_array_add(show, "show");
    g_ptr_array_add(show, "--no-all-versions");
    for (const char *const *p = packages; *p; p++) {
        g_ptr_array_add(show, (char *)*p);
    }
    g_ptr_array_add(show, NULL);
    if (!gp_tool_run(apt->log, (const char *const *)show->pdata, NULL,
                     apt->env, &out, error)) {
        g_prefix_error(error, "looking up packages in the " SUITE " index: ");
        return NULL;
    }

    g_autoptr(GArray) records = parse_records(out);
    g_autoptr(GPtrArray) debs = g_ptr_array_new_with_free_func((GDestroyNotify)gp_apt_deb_free);

    for (const char *const *p = packages; *p; p++) {
        const record *r = NULL;
        for (guint i = 0; i < records->len && !r; i++) {
            const record *c = &g_array_index(records, record, i);
            if (c->package && strcmp(c->package, *p) == 0) {
                r = c;
            }
        }
        if (!r || !r->version || !r->arch || !r->sha256) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "package %s is not in the " SUITE " index for this architecture; "
                        "check the package list in the image recipe", *p);
            return NULL;
        }
        g_autofree char *name = deb_file_name(r);
        gp_apt_deb *deb = g_new0(gp_apt_deb, 1);
        deb->package = g_strdup(r->package);
        deb->version = g_strdup(r->version);
        deb->sha256 = g_ascii_strdown(r->sha256, -1);
        deb->path = g_build_filename(apt->debs, name, NULL);
        deb->verified = deb_matches(deb->path, r);
        g_ptr_array_add(debs, deb);
    }
    return g_steal_pointer(&debs);
}

GPtrArray *gp_apt_download(gp_apt *apt, const char *const *packages, GError **error)
{
    g_autoptr(GPtrArray) debs = gp_apt_lookup(apt, packages, error);
    if (!debs) {
        return NULL;
    }
    g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < debs->len; i++) {
        const gp_apt_deb *deb = g_ptr_array_index(debs, i);
        g_hash_table_add(keep, g_path_get_basename(deb->path));
        if (!deb->verified) {
            g_unlink(deb->path); /* truncated or corrupted: fetch again */
            g_ptr_array_add(missing, g_strdup_printf("%s=%s", deb->package, deb->version));
        }
    }

    if (missing->len > 0) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_ptr_array_add(argv, "apt-get");
        g_ptr_array_add(argv, "-q");
        g_ptr_array_add(argv, "download");
        for (guint i = 0; i < missing->len; i++) {
            g_ptr_array_add(argv, g_ptr_array_index(missing, i));
        }
        g_ptr_array_add(argv, NULL);
        if (!gp_tool_run(apt->log, (const char *const *)argv->pdata, apt->debs,
                         apt->env, NULL, error)) {
            g_prefix_error(error, "downloading %u package(s) failed: ", missing->len);
            gp_tool_error_hint(error, NETWORK_FIX);
            return NULL;
        }
    }

    for (guint i = 0; i < debs->len; i++) {
        const gp_apt_deb *deb = g_ptr_array_index(debs, i);
        if (deb->verified) {
            continue;
        }
        g_autofree char *sum = file_sha256(deb->path);
        if (!sum || strcmp(sum, deb->sha256) != 0) {
            g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                        "%s %s: %s after download; delete %s and retry (a proxy or "
                        "mirror may be serving a stale file)",
                        deb->package, deb->version,
                        sum ? "SHA256 does not match the signed index" : "file missing",
                        deb->path);
            return NULL;
        }
    }
    prune(apt, keep);
    return g_steal_pointer(&debs);
}

/* The .dsc files in DIR. */
static GPtrArray *dsc_files(const char *dir)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_suffix(name, ".dsc")) {
            g_ptr_array_add(found, g_strdup(name));
        }
    }
    return found;
}

char *gp_apt_source_version(gp_apt *apt, const char *source, GError **error)
{
    /* Asking where apt-get source would fetch the .dsc from names the
     * candidate version the way apt picks it, without a download. It runs
     * in an empty directory: a file already in the current one is left
     * out of the list. */
    const char *const argv[] = { "apt-get", "-q", "source", "--print-uris", source, NULL };
    g_autofree char *out = NULL;
    if (!apt->sources) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "internal error: %s has no source index", apt->dir);
        return NULL;
    }
    g_autofree char *empty = g_dir_make_tmp("guestplug-apt-XXXXXX", error);
    if (!empty) {
        return NULL;
    }
    bool ran = gp_tool_run(apt->log, argv, empty, apt->env, &out, error);
    g_rmdir(empty);
    if (!ran) {
        g_prefix_error(error, "looking up the source package %s in the " SUITE " index: ",
                       source);
        return NULL;
    }
    g_autofree char *prefix = g_strconcat(source, "_", NULL);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++) {
        /* 'URL' NAME SIZE SHA256:... */
        g_auto(GStrv) words = g_strsplit(*l, " ", -1);
        if (g_strv_length(words) >= 2 && g_str_has_prefix(words[1], prefix) &&
            g_str_has_suffix(words[1], ".dsc")) {
            const char *version = words[1] + strlen(prefix);
            return g_strndup(version, strlen(version) - strlen(".dsc"));
        }
    }
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                "the " SUITE " source index has no source package %s", source);
    return NULL;
}

char *gp_apt_fetch_source(gp_apt *apt, const char *source, const char *dir, GError **error)
{
    const char *const argv[] = { "apt-get", "-q", "source", "--download-only", source, NULL };
    if (!apt->sources) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "internal error: %s has no source index", apt->dir);
        return NULL;
    }
    /* apt-get checks every file against the SHA256 of the signed index. */
    if (!gp_tool_run(apt->log, argv, dir, apt->env, NULL, error)) {
        g_prefix_error(error, "downloading the source package %s failed: ", source);
        gp_tool_error_hint(error, NETWORK_FIX);
        return NULL;
    }
    g_autoptr(GPtrArray) dscs = dsc_files(dir);
    if (dscs->len != 1) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_IMAGE,
                    "apt-get source %s left %u .dsc files in %s; expected exactly one",
                    source, dscs->len, dir);
        return NULL;
    }
    return g_build_filename(dir, g_ptr_array_index(dscs, 0), NULL);
}
