/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug image build ARCH [--userland NAME] [--rebuild]
 * guestplug image path ARCH [--userland NAME]
 * guestplug qemu ARCH|img [ARGS...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "cli.h"
#include "image.h"
#include "qemu_locate.h"
#include "userland.h"
#include "vm_internal.h"

int gp_verb_image(int argc, char **argv)
{
    gboolean rebuild = FALSE;
    g_autofree char *userland_name = NULL;
    GOptionEntry entries[] = {
        { "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild,
          "Delete the cached image and build it again", NULL },
        { "userland", 0, 0, G_OPTION_ARG_STRING, &userland_name,
          "The image's userland: busybox (default) or debian", "NAME" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new("build|path ARCH - generic images");
    g_autofree char *summary = g_strdup_printf(
        "build: builds the generic image of ARCH from Debian bookworm packages and\n"
        "       saves its 'root' snapshot (done automatically on first use).\n"
        "path:  prints where the image of ARCH is cached.\n"
        "\nArchitectures: %s\n"
        "\nUserlands (--userland; each is an image of its own, docs/images.md):\n%s"
        "\nThe debian userland is installed by mmdebstrap: 1-2 minutes with 120 MB of\n"
        "downloads, then 30-40 s to boot it once for its 'root' snapshot.\n"
        "\nExamples:\n"
        "  guestplug image build x86_64\n"
        "  guestplug image build x86_64 --userland debian\n"
        "  guestplug image path x86_64 --userland debian",
        gp_arch_names(), gp_userland_help());
    g_option_context_set_summary(context, summary);
    g_option_context_add_main_entries(context, entries, NULL);
    if (!gp_cli_parse(context, &argc, &argv)) {
        return EXIT_USAGE;
    }
    if (argc != 3 || (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "path") != 0)) {
        return gp_cli_usage_error(context, "expected `image build ARCH` or `image path ARCH`");
    }
    const gp_arch_info *arch = gp_arch_lookup(argv[2]);
    if (!arch) {
        g_autofree char *message = g_strdup_printf(
            "no generic image for architecture '%s'; choose one of: %s", argv[2],
            gp_arch_names());
        return gp_cli_usage_error(context, message);
    }
    const gp_userland *userland =
        userland_name ? gp_userland_lookup(userland_name) : gp_userland_default();
    g_autofree char *refusal = userland ? gp_userland_refuse(userland, arch) : NULL;
    if (!userland || refusal) {
        g_autofree char *message =
            refusal ? g_strdup(refusal)
                    : g_strdup_printf("there is no userland '%s'; choose one of: %s",
                                      userland_name, gp_userland_names());
        return gp_cli_usage_error(context, message);
    }
    if (strcmp(argv[1], "path") == 0) {
        bool complete = false;
        gp_image *image = gp_image_locate(arch, userland, &complete);
        printf("%s\n", image->dir);
        if (!complete) {
            fprintf(stderr, "guestplug: not built yet; run `guestplug image build %s%s%s`\n",
                    arch->name, userland_name ? " --userland " : "",
                    userland_name ? userland->name : "");
        }
        gp_image_free(image);
        return complete ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    gp_vm *vm = gp_vm_new_generic(arch->name);
    int failed = gp_vm_set_userland(vm, userland->name) < 0 ||
                 gp_vm_prepare_image(vm, rebuild) < 0;
    if (failed) {
        fprintf(stderr, "guestplug: %s\n", gp_vm_last_error(vm));
    }
    gp_vm_end(vm);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Execs qemu-system-ARCH of the QEMU 11.1 guestplug found, with ARGS. */
int gp_verb_qemu(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: guestplug qemu ARCH [QEMU ARGUMENTS...]\n"
                "       guestplug qemu img [QEMU-IMG ARGUMENTS...]\n"
                "Runs qemu-system-ARCH (or qemu-img) of the QEMU 11.1 guestplug uses (system or the\n"
                "private root provisioned by scripts/setup), e.g. to load libguestplug.so\n"
                "into a guest of your own: guestplug qemu x86_64 -plugin file=...\n");
        return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
    }
    /* The family is located by its x86_64 system binary when running qemu-img. */
    bool image_tool = strcmp(argv[1], "img") == 0;
    g_autofree char *binary = g_strconcat("qemu-system-", image_tool ? "x86_64" : argv[1], NULL);
    g_autoptr(gp_qemu) qemu = gp_qemu_locate(binary, &error);
    if (!qemu) {
        fprintf(stderr, "guestplug: %s\n", error->message);
        return EXIT_FAILURE;
    }
    GPtrArray *command = gp_qemu_argv(qemu, image_tool ? "qemu-img" : binary);
    g_ptr_array_remove_index(command, command->len - 1);
    for (int i = 2; i < argc; i++) {
        g_ptr_array_add(command, g_strdup(argv[i]));
    }
    g_ptr_array_add(command, NULL);
    execv(g_ptr_array_index(command, 0), (char **)command->pdata);
    fprintf(stderr, "guestplug: could not run %s: %s\n",
            (char *)g_ptr_array_index(command, 0), g_strerror(errno));
    return EXIT_FAILURE;
}
