/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image recipe's configuration script (images/setup): the small part
 * of the packages' maintainer scripts that makes /etc real, plus our own
 * files, expressed as data so the C stays architecture- and
 * distribution-neutral. Nothing here runs a program from the target
 * architecture: every step is a file operation on the staging tree.
 *
 * Commands, one per line; '#' starts a comment; paths are relative to the
 * root of the image and may not contain "..":
 *   merge-usr                     move /bin, /sbin, /lib* into /usr and
 *                                 leave symlinks (Debian's merged /usr)
 *   accounts PASSWD GROUP         from base-passwd's masters write
 *                                 etc/passwd, etc/shadow, etc/group and
 *                                 etc/gshadow, as update-passwd + pwconv do
 *   login-shell USER SHELL        set USER's shell in etc/passwd
 *   copy SRC DST                  copy a file inside the image
 *   symlink TARGET LINK           create LINK (replacing a file, link or
 *                                 empty directory there)
 *   mkdir PATH MODE               create a directory (and its parents)
 *   empty PATH MODE               create an empty file
 *   chmod MODE PATH
 *   remove PATH                   delete a file or tree
 *   overlay DIR                   copy the recipe's DIR tree over the image
 *   node PATH c|b MAJOR MINOR MODE  a device node, added to the initramfs
 *                                 without mknod
 */
#ifndef GP_IMAGES_IMAGE_SETUP_H
#define GP_IMAGES_IMAGE_SETUP_H

#include <glib.h>
#include <stdbool.h>

/* Runs the script at SCRIPT on the tree ROOT. Overlay directories are
 * looked up relative to RECIPE_DIR. Device nodes are appended to NODES
 * (an array of gp_cpio_node whose paths it owns; create it with
 * gp_image_nodes_new()). SHADOW_DAY is the "last password change" day
 * written to etc/shadow, or -1 to leave it empty. */
bool gp_image_setup_run(const char *script, const char *recipe_dir, const char *root,
                        gint64 shadow_day, GArray *nodes, GError **error);

GArray *gp_image_nodes_new(void);

/* Deletes PATH recursively without following symlinks; succeeds if it does
 * not exist. Used for staging trees and stale build directories. */
bool gp_image_remove_tree(const char *path, GError **error);

/* Removes the work directories ".NAME.partial-*" in PARENT that builds
 * which were killed left behind. Only with NAME's lock held, so that none
 * of them is in use. */
void gp_image_remove_stale(const char *parent, const char *name);

#endif
