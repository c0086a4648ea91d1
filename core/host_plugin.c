/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "host_plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "guestplug/host.h"
#include "host_plugin_path.h"
#include "log.h"

struct gp_plugin {
    char *name;
    char *path;
    void *handle;
    void (*uninit)(gp_plugin *self);
    const gp_core_args *args;
    GHashTable *keys_read; /* during gp_plugin_init; NULL afterwards */
};

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef bool (*plugin_init_fn)(gp_plugin *self);
typedef void (*plugin_uninit_fn)(gp_plugin *self);

/* Loaded plugins in load order. Only touched on QEMU's main thread (install
 * and atexit), so no lock. */
static GPtrArray *loaded_plugins;

static gp_plugin *find_loaded(const char *name)
{
    for (guint i = 0; loaded_plugins && i < loaded_plugins->len; i++) {
        gp_plugin *plugin = g_ptr_array_index(loaded_plugins, i);
        if (strcmp(plugin->name, name) == 0) {
            return plugin;
        }
    }
    return NULL;
}

/* "a, b" in sorted order, for messages. */
static char *join_keys(GHashTable *keys)
{
    g_autofree const char **names = (const char **)g_hash_table_get_keys_as_array(keys, NULL);
    size_t count = g_hash_table_size(keys);
    qsort(names, count, sizeof *names, compare_strings);
    return g_strjoinv(", ", (char **)names);
}

/* "dir/foo.so" and "foo" are both loaded under the name "foo". */
static char *plugin_name_from(const char *requested)
{
    g_autofree char *base = g_path_get_basename(requested);
    if (g_str_has_suffix(base, ".so")) {
        base[strlen(base) - 3] = '\0';
    }
    return g_steal_pointer(&base);
}

/*
 * Every NAME.KEY argument must have been asked for by the plugin's
 * gp_plugin_init: a misspelt key would otherwise be silently ignored and
 * the plugin would run with its default.
 */
static bool all_args_read(const gp_plugin *plugin)
{
    g_autofree char *prefix = g_strconcat(plugin->name, ".", NULL);
    GHashTableIter iter;
    gpointer key;
    bool ok = true;

    g_hash_table_iter_init(&iter, plugin->args->values);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const char *arg = (const char *)key + strlen(prefix);
        if (g_str_has_prefix(key, prefix) && !g_hash_table_contains(plugin->keys_read, arg)) {
            g_autofree char *read = join_keys(plugin->keys_read);
            fprintf(stderr, "Fatal error: host plugin %s has no argument '%s' (its "
                    "gp_plugin_init reads %s); check the spelling in -p %s:%s=...\n",
                    plugin->name, arg, *read ? read : "no arguments", plugin->name, arg);
            ok = false;
        }
    }
    return ok;
}

static bool load_one(const char *requested, GPtrArray *dirs, const gp_core_args *args)
{
    g_autoptr(GString) searched = g_string_new(NULL);
    g_autofree char *name = plugin_name_from(requested);
    g_autofree char *path = gp_host_plugin_find(requested, dirs, searched);

    if (!path) {
        fprintf(stderr, "Fatal error: could not find path for plugin %s\n"
                "Searched:%s\n"
                "Build it (make), add its directory to GUESTPLUG_PLUGIN_PATH, "
                "or pass plugin_path=DIR.\n", requested, searched->str);
        return false;
    }
    if (find_loaded(name)) {
        fprintf(stderr, "Fatal error: host plugin %s is loaded twice; "
                "give each -p only once\n", name);
        return false;
    }
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        fprintf(stderr, "Fatal error: could not load host plugin %s from %s: %s\n",
                name, path, dlerror());
        return false;
    }
    plugin_init_fn init = (plugin_init_fn)dlsym(handle, "gp_plugin_init");
    if (!init) {
        fprintf(stderr, "Fatal error: %s is not a guestplug host plugin: it does not "
                "export gp_plugin_init (see include/guestplug/host.h)\n", path);
        dlclose(handle);
        return false;
    }

    gp_plugin *plugin = g_new0(gp_plugin, 1);
    plugin->name = g_steal_pointer(&name);
    plugin->path = g_steal_pointer(&path);
    plugin->handle = handle;
    plugin->uninit = (plugin_uninit_fn)dlsym(handle, "gp_plugin_uninit");
    plugin->args = args;
    /* Registered before init runs so that plugins loading guest plugins
     * from init can already be found by name. */
    g_ptr_array_add(loaded_plugins, plugin);
    plugin->keys_read = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool initialised = init(plugin);
    bool args_known = initialised && all_args_read(plugin);
    g_clear_pointer(&plugin->keys_read, g_hash_table_unref);
    if (!initialised) {
        fprintf(stderr, "Fatal error: host plugin %s refused to load "
                "(its gp_plugin_init returned false)\n", plugin->name);
    }
    return args_known;
}

bool gp_host_plugins_load_all(const gp_core_args *args)
{
    g_autoptr(GPtrArray) dirs = gp_host_plugin_search_dirs(
        g_getenv("GUESTPLUG_PLUGIN_PATH"), gp_core_args_get(args, "plugin_path"),
        GP_BUILD_DIR "/plugins", GP_PREFIX "/lib/guestplug/plugins");

    if (!loaded_plugins) {
        loaded_plugins = g_ptr_array_new();
    }
    for (guint i = 0; i < args->load->len; i++) {
        if (!load_one(g_ptr_array_index(args->load, i), dirs, args)) {
            return false;
        }
    }
    return true;
}

void gp_host_plugins_unload_all(void)
{
    for (guint i = loaded_plugins ? loaded_plugins->len : 0; i > 0; i--) {
        gp_plugin *plugin = g_ptr_array_index(loaded_plugins, i - 1);
        if (plugin->uninit) {
            plugin->uninit(plugin);
        }
        /* No dlclose: QEMU may still hold callbacks into the plugin while
         * it exits, and the process is going away anyway. */
        g_free(plugin->name);
        g_free(plugin->path);
        g_free(plugin);
    }
    if (loaded_plugins) {
        g_ptr_array_set_size(loaded_plugins, 0);
    }
}

GP_EXPORT const char *gp_plugin_arg(gp_plugin *self, const char *key, const char *fallback)
{
    if (!self || !key) {
        return fallback;
    }
    if (self->keys_read) {
        g_hash_table_add(self->keys_read, g_strdup(key));
    }
    g_autofree char *full_key = g_strconcat(self->name, ".", key, NULL);
    const char *value = gp_core_args_get(self->args, full_key);
    return value ? value : fallback;
}

GP_EXPORT const char *gp_plugin_name(const gp_plugin *self)
{
    return self ? self->name : NULL;
}
