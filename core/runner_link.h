/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef GP_CORE_RUNNER_LINK_H
#define GP_CORE_RUNNER_LINK_H

/* FD: the runner's pipe from runner_fd=, or -1 when QEMU runs on its own. */
void gp_runner_link_init(int fd);

#endif
