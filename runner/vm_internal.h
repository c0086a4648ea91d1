/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runner calls that the CLI and the benchmarks use but the public API does not promise. */
#ifndef GP_RUNNER_VM_INTERNAL_H
#define GP_RUNNER_VM_INTERNAL_H

#include <stdbool.h>

#include "guestplug/run.h"

/* Builds (or with REBUILD, rebuilds) the generic image and its 'root' snapshot. */
int gp_vm_prepare_image(gp_vm *vm, bool rebuild);

/* Runs plain QEMU, without libguestplug.so: the baseline of the benchmarks. */
int gp_vm_set_core_enabled(gp_vm *vm, bool enabled);

/* The gp_run_error_code of the last failing call (runner/error.h), or -1. */
int gp_vm_last_error_code(const gp_vm *vm);

#endif
