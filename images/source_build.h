/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Programs that a generic image built from sources (an architecture Debian
 * bookworm has no packages for: runner/arch.h, gp_arch_source_build) needs
 * built, and keeps across image builds. Each lives in a directory of its
 * own,
 *
 *   <cache>/source-builds/<arch>/<product>/    ("linux", "busybox")
 *
 * beside an "inputs" file that says exactly what it was built from: package
 * versions and SHA256s, configuration, compiler. A build with the same
 * inputs takes the program from there instead of building it again. An
 * image rebuild (`guestplug image build ARCH --rebuild`) deletes only
 * images/<arch>/, so the quarter of an hour of a kernel build is spent once per
 * Debian point release, not once per image. Deleting the directory forces
 * a new build.
 *
 * A product is built in a partial directory beside it
 * (.<product>.partial-XXXXXX, deleted afterwards whatever happens) and
 * appears complete, by rename, as images do. Its builder runs with the
 * image's lock held, and only that image uses the directory.
 */
#ifndef GP_IMAGES_SOURCE_BUILD_H
#define GP_IMAGES_SOURCE_BUILD_H

#include "image_build.h"

#include <glib.h>
#include <stdbool.h>

typedef struct gp_source_product {
    gp_image_job *job;
    const char *name; /* "linux" */
    char *dir;        /* <cache>/source-builds/<arch>/<name> */
    char *inputs;     /* what it is built from, one line each */
    char *work;       /* while building: .<name>.partial-XXXXXX beside dir */
} gp_source_product;

/* The product NAME of JOB's architecture, built from INPUTS. */
gp_source_product *gp_source_product_new(gp_image_job *job, const char *name,
                                         const char *inputs);
/* Deletes the work directory if a build left it. */
void gp_source_product_free(gp_source_product *product);

/* Whether the directory holds FILE built from exactly these inputs. */
bool gp_source_product_cached(const gp_source_product *product, const char *file);

/* Creates the work directory, after deleting those of killed builds, and
 * checks that the file system has NEED_MB megabytes free for it. */
bool gp_source_product_begin(gp_source_product *product, guint64 need_mb, GError **error);

/* Replaces the directory with one that holds FILES (NULL-terminated paths
 * relative to the work directory, each kept under its base name) and the
 * inputs file; then deletes the work directory. */
bool gp_source_product_keep(gp_source_product *product, const char *const *files,
                            GError **error);

/* Copies FILE of the directory to DEST with MODE. */
bool gp_source_product_install(const gp_source_product *product, const char *file,
                               const char *dest, int mode, GError **error);

/* `TRIPLET-gcc --version`'s first line, for inputs; fails with the package
 * to install if Debian's cross compiler for TRIPLET is not there. */
char *gp_source_compiler(gp_image_job *job, const char *triplet, GError **error);

/* Checks that the host tools of a build are in PATH, naming the Debian
 * packages that provide them in the fix (PACKAGES, "flex bison ..."). */
bool gp_source_require_tools(const char *const *tools, const char *packages, GError **error);

/* How many jobs make runs: one per host CPU. */
int gp_source_make_jobs(void);

/* Runs a long make (ARGV) in CWD with ENV, its output in the log, and
 * prints on stderr every 30 s how many files it has compiled and for how
 * long, as "guestplug: image mips [3/8] WHAT: 1234 files compiled (4:10)". */
bool gp_source_make(gp_image_job *job, const char *what, const char *const *argv,
                    const char *cwd, const char *const *env, GError **error);

#endif
