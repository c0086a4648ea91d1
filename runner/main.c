/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug: the command line over libguestplug-run. Each verb lives in its
 * own file (verb_*.c); this only dispatches.
 *
 *   guestplug run -g ARCH [--userland NAME] [-p PLUGIN[:key=value,...]]... [-c CMD]...
 *   guestplug snapshot save|list|delete NAME [own-guest options] [-c CMD]...
 *   guestplug image build|path ARCH [--userland NAME]
 *   guestplug setup [ARGS...]
 *   guestplug qemu ARCH|img [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "cli.h"
#include "userland.h"
#include "verb_setup.h"

static const char overview[] =
    "usage: guestplug VERB [OPTIONS]\n"
    "\n"
    "Runs QEMU 11.1 guests with guestplug's plugin loaded.\n"
    "\n"
    "Verbs:\n"
    "  run           start a guest, load host plugins, type serial commands\n"
    "  snapshot      save, list and delete snapshots of your own guest's qcow2 disk\n"
    "  image build   build a generic guest image and its 'root' snapshot\n"
    "  image path    print where a generic image is cached\n"
    "  setup         install what guestplug needs (QEMU 11.1, Debian packages)\n"
    "  qemu          run the QEMU 11.1 guestplug uses: guestplug qemu ARCH [QEMU ARGS]\n"
    "  help          this text; `guestplug VERB --help` describes a verb\n"
    "\n"
    "Generic architectures: %s\n"
    "Userlands of the generic images (run -g ARCH --userland NAME):\n%s";

int main(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL;

    if (!verb || strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 ||
        strcmp(verb, "-h") == 0) {
        fprintf(verb ? stdout : stderr, overview, gp_arch_names(), gp_userland_help());
        return verb ? EXIT_SUCCESS : EXIT_USAGE;
    }
    if (strcmp(verb, "--version") == 0) {
        printf("guestplug %s\n", GP_VERSION);
        return EXIT_SUCCESS;
    }
    /* Each verb parses its own options; argv[0] becomes "guestplug VERB". */
    g_autofree char *program = g_strdup_printf("guestplug %s", verb);
    argv[1] = program;
    if (strcmp(verb, "run") == 0) {
        return gp_verb_run(argc - 1, argv + 1);
    }
    if (strcmp(verb, "snapshot") == 0) {
        return gp_verb_snapshot(argc - 1, argv + 1);
    }
    if (strcmp(verb, "image") == 0) {
        return gp_verb_image(argc - 1, argv + 1);
    }
    if (strcmp(verb, "setup") == 0) {
        return gp_verb_setup(argc - 1, argv + 1);
    }
    if (strcmp(verb, "qemu") == 0) {
        return gp_verb_qemu(argc - 1, argv + 1);
    }
    fprintf(stderr, "guestplug: unknown verb '%s'\n\n", verb);
    fprintf(stderr, overview, gp_arch_names(), gp_userland_help());
    return EXIT_USAGE;
}
