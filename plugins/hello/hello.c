/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The smallest host plugin: it proves the core found and loaded it, and that
 * plugin arguments arrive. Used by the tests and as a template.
 */
#include <stdio.h>

#include <guestplug/host.h>

bool gp_plugin_init(gp_plugin *self)
{
    printf("hello from host plugin %s (greeting=%s)\n", gp_plugin_name(self),
           gp_plugin_arg(self, "greeting", "none"));
    fflush(stdout);
    return true;
}

void gp_plugin_uninit(gp_plugin *self)
{
    printf("goodbye from host plugin %s\n", gp_plugin_name(self));
    fflush(stdout);
}
