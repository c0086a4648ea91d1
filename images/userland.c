/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "userland.h"

#include <glib.h>
#include <string.h>

/* Installing Debian runs its maintainer scripts, which only a host of the
 * same architecture runs without an emulator; the hosts guestplug supports
 * are amd64, and only x86_64 has guest plugins. */
static const char *const debian_arches[] = { "x86_64", NULL };

static const gp_userland userlands[] = {
    { "busybox",
      "Debian's libc, base files and /etc, busybox's commands; in RAM (default)",
      "", "initrd.gz", false, "", NULL, NULL },
    { "debian",
      "Debian bookworm, systemd as init, on an ext4 root disk (x86_64)",
      "-debian", "initrd.img", true,
      /* The kernel and systemd print nothing on the console that could land
       * in the middle of a command's output: loglevel=1 keeps only
       * emergencies, show_status=0 drops systemd's [  OK  ] lines. */
      " root=/dev/vda rw loglevel=1 systemd.show_status=0",
      /* The prompt comes as soon as the console's getty has logged root in,
       * while other units may still be starting; wait for the rest. */
      "systemctl is-system-running --wait",
      debian_arches },
};

const gp_userland *gp_userland_lookup(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(userlands); i++) {
        if (strcmp(userlands[i].name, name) == 0) {
            return &userlands[i];
        }
    }
    return NULL;
}

const gp_userland *gp_userland_default(void)
{
    return &userlands[0];
}

const char *gp_userland_names(void)
{
    return "busybox, debian";
}

static bool has_arch(const gp_userland *userland, const char *arch)
{
    if (!userland->arches) {
        return true;
    }
    for (const char *const *a = userland->arches; *a; a++) {
        if (strcmp(*a, arch) == 0) {
            return true;
        }
    }
    return false;
}

char *gp_userland_refuse(const gp_userland *userland, const gp_arch_info *arch)
{
    if (has_arch(userland, arch->name)) {
        return NULL;
    }
    g_autofree char *list = g_strjoinv(", ", (char **)userland->arches);
    return g_strdup_printf("the %s userland has an image for %s only, not for %s; the "
                           "default userland, %s, has one for %s", userland->name, list,
                           arch->name, gp_userland_default()->name, arch->name);
}

char *gp_userland_image_name(const gp_userland *userland, const gp_arch_info *arch)
{
    return g_strconcat(arch->name, userland->dir_suffix, NULL);
}

const char *gp_userland_help(void)
{
    static char *help;
    if (g_once_init_enter(&help)) {
        GString *text = g_string_new(NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(userlands); i++) {
            g_string_append_printf(text, "  %-8s %s\n", userlands[i].name, userlands[i].summary);
        }
        g_once_init_leave(&help, g_string_free(text, FALSE));
    }
    return help;
}
