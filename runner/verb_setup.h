/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestplug setup: installs what guestplug needs (Debian packages, QEMU) by
 * running the setup script that ships with this guestplug (docs/setup.md).
 */
#ifndef GP_RUNNER_VERB_SETUP_H
#define GP_RUNNER_VERB_SETUP_H

/*
 * ARGV[0] is "guestplug setup", the rest go to the script unchanged
 * (--help, --reprovision, --resolve-qemu ...). Returns only on failure to
 * start the script, with exit status 1; otherwise the script's status is the
 * process's.
 */
int gp_verb_setup(int argc, char **argv);

#endif
