/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner's view of the analysis, from the core's reports on the runner
 * pipe (core/runner_link.c): whether a host plugin ended it, and where each
 * guest plugin a host plugin requested stands.
 */
#ifndef GP_RUNNER_ANALYSIS_H
#define GP_RUNNER_ANALYSIS_H

#include <glib.h>
#include <stdbool.h>

typedef struct gp_analysis gp_analysis;

/* Reads reports from FD (the pipe's read end, which it then owns). */
gp_analysis *gp_analysis_new(int fd);
int gp_analysis_fd(const gp_analysis *analysis);

/* Takes in whatever reports are waiting, without blocking. */
void gp_analysis_read(gp_analysis *analysis);

/* A host plugin called gp_end_analysis*; the status it gave. */
bool gp_analysis_ended(const gp_analysis *analysis);
int gp_analysis_end_status(const gp_analysis *analysis);

/* Guest plugins requested so far, and how many of them have not finished
 * (not yet started, or running). */
guint gp_analysis_requested(const gp_analysis *analysis);
guint gp_analysis_unfinished(const gp_analysis *analysis);

/* "c_example (running), my_hello (not started)": the unfinished ones. */
char *gp_analysis_describe_unfinished(const gp_analysis *analysis);

/* Why the first guest plugin that went wrong did ("guest plugin c_example
 * exited with status 3"), or NULL when none did. */
const char *gp_analysis_failure(const gp_analysis *analysis);

/* The guest plugins are loaded again (gp_vm_reload_guest_plugins): an
 * end of the analysis from before no longer counts. */
void gp_analysis_begin_again(gp_analysis *analysis);

/* How many "reloaded N" answers to the runner's reloads have come. */
guint gp_analysis_reload_answers(const gp_analysis *analysis);

/* Parses one report line (without its newline); exposed for the tests. */
void gp_analysis_take_line(gp_analysis *analysis, const char *line);

void gp_analysis_free(gp_analysis *analysis);

#endif
