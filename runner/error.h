/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error domain of the runner. Internal modules report failures as GError so
 * that a message can name the thing, the cause and the fix in one string; the
 * public API (include/guestplug/run.h) turns them into a last-error string.
 */
#ifndef GP_RUNNER_ERROR_H
#define GP_RUNNER_ERROR_H

#include <glib.h>

#define GP_RUN_ERROR gp_run_error_quark()
GQuark gp_run_error_quark(void);

typedef enum {
    GP_RUN_ERROR_USAGE,        /* bad argument from the user */
    GP_RUN_ERROR_QEMU_MISSING, /* no QEMU 11.1.x found */
    GP_RUN_ERROR_QEMU_EXITED,  /* QEMU died or refused to start */
    GP_RUN_ERROR_IMAGE,        /* generic image build failed */
    GP_RUN_ERROR_TIMEOUT,      /* prompt / reply not seen in time */
    GP_RUN_ERROR_SNAPSHOT,     /* snapshot missing or savevm/loadvm failed */
    GP_RUN_ERROR_QMP,          /* QMP protocol or command error */
    GP_RUN_ERROR_IO,           /* socket, file or process I/O */
    GP_RUN_ERROR_ENDED,        /* a host plugin ended the analysis (not a failure) */
    GP_RUN_ERROR_NOT_FOUND,    /* a named plugin or file does not exist */
} gp_run_error_code;

#endif
