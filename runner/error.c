/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

G_DEFINE_QUARK(gp-run-error-quark, gp_run_error)
