/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "disk.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "error.h"
#include "guestplug/run.h"

#define GP_EXPORT __attribute__((visibility("default")))

const char *gp_disk_format(const char *path)
{
    char magic[4] = { 0 };
    FILE *file = fopen(path, "rb");
    size_t got = file ? fread(magic, 1, sizeof magic, file) : 0;
    if (file) {
        fclose(file);
    }
    return got == 4 && memcmp(magic, "QFI\xfb", 4) == 0 ? "qcow2" : "raw";
}

gp_qemu *gp_disk_locate_qemu(GError **error)
{
    /* qemu-img sits beside the system binaries; the family is found by the
     * one every provisioned QEMU has. */
    return gp_qemu_locate("qemu-system-x86_64", error);
}

/* Runs qemu-img with ARGS (NULL-terminated); its stdout, or NULL with its last
 * message. */
static char *run_qemu_img(const gp_qemu *qemu, const char *const *args, GError **error)
{
    g_autoptr(GPtrArray) argv = gp_qemu_argv(qemu, "qemu-img");
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;

    g_ptr_array_remove_index(argv, argv->len - 1);
    for (const char *const *arg = args; *arg; arg++) {
        g_ptr_array_add(argv, g_strdup(*arg));
    }
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                      &status, error)) {
        return NULL;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_SNAPSHOT, "`qemu-img %s` failed: %s",
                    args[0], g_strstrip(err));
        return NULL;
    }
    return g_steal_pointer(&out);
}

bool gp_disk_create_overlay(const gp_qemu *qemu, const char *backing, const char *path,
                            GError **error)
{
    const char *args[] = { "create", "-q", "-f", "qcow2", "-b", backing, "-F", "qcow2", path,
                           NULL };
    g_autofree char *out = run_qemu_img(qemu, args, error);
    if (!out) {
        g_prefix_error(error, "could not make the disk %s on %s: ", path, backing);
        return false;
    }
    return true;
}

static void snapshot_free(gpointer data)
{
    gp_disk_snapshot *snapshot = data;
    g_free(snapshot->name);
    g_free(snapshot);
}

GPtrArray *gp_disk_snapshots(const gp_qemu *qemu, const char *disk, GError **error)
{
    if (!gp_disk_require_qcow2(disk, "listing snapshots", error)) {
        return NULL;
    }
    /* `info --output=json` rather than `snapshot -l`: a table would break on
     * names with spaces. */
    const char *args[] = { "info", "--force-share", "--output=json", "-f", "qcow2", disk, NULL };
    g_autofree char *json = run_qemu_img(qemu, args, error);
    g_autoptr(JsonParser) parser = json ? json_parser_new() : NULL;
    if (!json || !json_parser_load_from_data(parser, json, -1, error)) {
        g_prefix_error(error, "could not read the snapshots of %s: ", disk);
        return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *info = JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    JsonArray *list = info && json_object_has_member(info, "snapshots")
                          ? json_object_get_array_member(info, "snapshots")
                          : NULL;
    GPtrArray *snapshots = g_ptr_array_new_with_free_func(snapshot_free);
    for (guint i = 0; list && i < json_array_get_length(list); i++) {
        JsonObject *entry = json_array_get_object_element(list, i);
        if (!entry || !json_object_has_member(entry, "name")) {
            continue;
        }
        gp_disk_snapshot *snapshot = g_new0(gp_disk_snapshot, 1);
        snapshot->name = g_strdup(json_object_get_string_member(entry, "name"));
        snapshot->vm_state_size =
            (uint64_t)json_object_get_int_member_with_default(entry, "vm-state-size", 0);
        snapshot->date_sec = json_object_get_int_member_with_default(entry, "date-sec", 0);
        g_ptr_array_add(snapshots, snapshot);
    }
    return snapshots;
}

/* "dir/x.img" -> "dir/x.qcow2": where a converted copy of raw DISK could go. */
static char *qcow2_name(const char *disk)
{
    g_autofree char *stem = g_strdup(disk);
    char *dot = strrchr(stem, '.');
    if (dot && dot > stem && !strchr(dot, '/')) {
        *dot = '\0';
    }
    char *name = g_strconcat(stem, ".qcow2", NULL);
    if (strcmp(name, disk) == 0) { /* a raw image named .qcow2 */
        g_free(name);
        name = g_strconcat(stem, ".converted.qcow2", NULL);
    }
    return name;
}

bool gp_disk_require_qcow2(const char *disk, const char *what, GError **error)
{
    if (!g_file_test(disk, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE,
                    "disk image '%s' does not exist or is not a file", disk);
        return false;
    }
    if (strcmp(gp_disk_format(disk), "qcow2") != 0) {
        g_autofree char *converted = qcow2_name(disk);
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_SNAPSHOT,
                    "%s needs a qcow2 disk, and %s is raw: QEMU keeps snapshots only in "
                    "qcow2. Convert it with `guestplug qemu img convert -O qcow2 %s %s` and "
                    "use %s", what, disk, disk, converted, converted);
        return false;
    }
    return true;
}

static bool has_snapshot(const GPtrArray *snapshots, const char *name)
{
    for (guint i = 0; i < snapshots->len; i++) {
        const gp_disk_snapshot *snapshot = g_ptr_array_index(snapshots, i);
        if (strcmp(snapshot->name, name) == 0) {
            return true;
        }
    }
    return false;
}

bool gp_disk_require_snapshot(const gp_qemu *qemu, const char *disk, const char *name,
                              GError **error)
{
    g_autoptr(GError) unreadable = NULL;
    g_autofree char *what = g_strdup_printf("snapshot '%s'", name);
    if (!gp_disk_require_qcow2(disk, what, error)) {
        return false;
    }
    g_autoptr(GPtrArray) snapshots = gp_disk_snapshots(qemu, disk, &unreadable);
    if (!snapshots || has_snapshot(snapshots, name)) {
        return true;
    }
    if (snapshots->len == 0) {
        g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_SNAPSHOT,
                    "snapshot '%s' is not on %s: it has no snapshots. Save one with "
                    "`guestplug snapshot save %s --disk %s ...` (the same options you run "
                    "it with)", name, disk, name, disk);
        return false;
    }
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < snapshots->len; i++) {
        const gp_disk_snapshot *snapshot = g_ptr_array_index(snapshots, i);
        g_string_append_printf(names, "%s%s", i ? ", " : "", snapshot->name);
    }
    g_set_error(error, GP_RUN_ERROR, GP_RUN_ERROR_SNAPSHOT,
                "snapshot '%s' is not on %s; it has: %s", name, disk, names->str);
    g_string_free(names, TRUE);
    return false;
}

bool gp_disk_delete_snapshot_with(const gp_qemu *qemu, const char *disk, const char *name,
                                  GError **error)
{
    const char *args[] = { "snapshot", "-d", name, disk, NULL };
    g_autofree char *out = run_qemu_img(qemu, args, error);
    return out != NULL;
}

/* The public forms (run.h) locate QEMU themselves and report as strings. */
static void set_message(char **message, GError *error)
{
    if (message) {
        *message = g_strdup(error ? error->message : "unknown error");
    }
    g_clear_error(&error);
}

GP_EXPORT char **gp_disk_list_snapshots(const char *disk, char **error_message)
{
    GError *error = NULL;
    if (!disk) {
        g_set_error(&error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE, "no disk image given");
        set_message(error_message, error);
        return NULL;
    }
    g_autoptr(gp_qemu) qemu = gp_disk_locate_qemu(&error);
    g_autoptr(GPtrArray) snapshots = qemu ? gp_disk_snapshots(qemu, disk, &error) : NULL;
    if (!snapshots) {
        set_message(error_message, error);
        return NULL;
    }
    char **names = g_new0(char *, snapshots->len + 1);
    for (guint i = 0; i < snapshots->len; i++) {
        names[i] = g_strdup(((gp_disk_snapshot *)g_ptr_array_index(snapshots, i))->name);
    }
    return names;
}

GP_EXPORT int gp_disk_delete_snapshot(const char *disk, const char *name, char **error_message)
{
    GError *error = NULL;
    if (!disk || !name || !*name) {
        g_set_error(&error, GP_RUN_ERROR, GP_RUN_ERROR_USAGE, "give a disk image and a "
                    "snapshot name");
        set_message(error_message, error);
        return -1;
    }
    g_autoptr(gp_qemu) qemu = gp_disk_locate_qemu(&error);
    if (!qemu || !gp_disk_require_snapshot(qemu, disk, name, &error) ||
        !gp_disk_delete_snapshot_with(qemu, disk, name, &error)) {
        set_message(error_message, error);
        return -1;
    }
    return 0;
}

GP_EXPORT void gp_strv_free(char **strv)
{
    g_strfreev(strv);
}
