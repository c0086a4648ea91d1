/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A private apt for one Debian architecture, used to fetch the .debs a
 * generic image is built from. It lives entirely under
 * <cache>/apt/<debian_arch>/ and is selected with APT_CONFIG, so it needs
 * no root and never touches the machine's own apt sources or dpkg state
 * (no `dpkg --add-architecture`): on a host with foreign architectures
 * added, the system apt breaks whenever a Debian mirror is mid-sync.
 *
 * Layout of <cache>/apt/<debian_arch>/:
 *   apt.conf, etc/sources.list   configuration (rewritten on every open)
 *   state/, state/status         package lists; an empty dpkg status
 *   cache/                       apt's own cache (pkgcache.bin)
 *   debs/                        downloaded .debs, kept across builds
 *   updated                      stamp: time of the last `apt-get update`
 */
#ifndef GP_IMAGES_APT_H
#define GP_IMAGES_APT_H

#include "image_tool.h"

#include <glib.h>
#include <stdbool.h>

/* The archive and suite every generic image is built from, whatever its
 * userland, and what to check when it cannot be reached. */
#define GP_DEBIAN_ARCHIVE_URL "http://deb.debian.org/debian"
#define GP_DEBIAN_SUITE "bookworm"
#define GP_DEBIAN_NETWORK_FIX \
    "check network access to deb.debian.org (plain HTTP, port 80; apt honours http_proxy)"

typedef struct gp_apt gp_apt;

/* One downloaded package. */
typedef struct gp_apt_deb {
    char *package;
    char *version;
    char *path;   /* <cache>/apt/<arch>/debs/<name>.deb */
    char *sha256; /* as listed in the archive's signed index, and checked */
    bool verified; /* internal: the file on disk matched sha256 */
} gp_apt_deb;

/* Sets up (or refreshes) the private state for DEBIAN_ARCH under
 * CACHE_DIR/apt/. Tools' output goes to LOG. Checks that apt-get and the
 * Debian archive keyring exist. */
gp_apt *gp_apt_open(const char *cache_dir, const char *debian_arch, gp_tool_log *log,
                    GError **error);
/* As gp_apt_open, for an architecture the archive has no binary packages
 * for (mips in bookworm), whose image is built from sources: it indexes
 * bookworm's source packages and its packages of architecture all
 * (linux-source-6.1, libc6-mips-cross) only. */
gp_apt *gp_apt_open_sources(const char *cache_dir, const char *debian_arch, gp_tool_log *log,
                            GError **error);
void gp_apt_free(gp_apt *apt);

/* Runs `apt-get update` unless the lists are younger than MAX_AGE seconds.
 * If the update fails but older lists exist, warns on stderr and keeps
 * them, so that cached .debs still build offline. */
bool gp_apt_update(gp_apt *apt, gint64 max_age, GError **error);

/* The first `Depends:` of PACKAGE whose name starts with PREFIX: how a meta
 * package (linux-image-amd64) names its versioned package. */
char *gp_apt_first_depends(gp_apt *apt, const char *package, const char *prefix,
                           GError **error);

/* Makes sure the candidate .deb of every package in PACKAGES is in debs/,
 * verified against the index's SHA256, downloading only what is missing,
 * and deletes .debs there that no longer belong to the set. Returns an
 * array of gp_apt_deb in the order of PACKAGES. */
GPtrArray *gp_apt_download(gp_apt *apt, const char *const *packages, GError **error);

/* What gp_apt_download would fetch, without fetching it: the candidate of
 * every package in PACKAGES, its path in debs/ and whether the file there
 * already is it (verified). */
GPtrArray *gp_apt_lookup(gp_apt *apt, const char *const *packages, GError **error);

void gp_apt_deb_free(gp_apt_deb *deb);

/* Of an apt from gp_apt_open_sources: the version (without epoch) of the
 * source package SOURCE that gp_apt_fetch_source would fetch. */
char *gp_apt_source_version(gp_apt *apt, const char *source, GError **error);

/* Of an apt from gp_apt_open_sources: downloads source package SOURCE
 * (its .dsc and tarballs, checked against the signed index) into DIR and
 * returns the path of its .dsc. */
char *gp_apt_fetch_source(gp_apt *apt, const char *source, const char *dir, GError **error);

#endif
