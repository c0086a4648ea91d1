/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hermetic programs' page tables (paging.c): the memory map of
 * x86.h in each x86 paging mode, so that the host's page walk is
 * tested without an OS in every mode.
 */
#ifndef HERMETIC_PAGING_H
#define HERMETIC_PAGING_H

typedef enum hermetic_paging {
    HERMETIC_PAGING_32BIT, /* i386: 2 levels, 4 MiB pages (CR4.PSE) */
    HERMETIC_PAGING_PAE,   /* i386: 3 levels, 2 MiB pages */
    HERMETIC_PAGING_LONG,  /* x86_64: the boot stub's 4 (or 5) levels */
} hermetic_paging;

/*
 * Switches to MODE's tables (i386), or adds the page-protection slots and
 * the alias to the boot stub's (x86_64), with every slot page freshly
 * built (dirty bits as x86.h says). Returns the mode's name for the
 * check lines: "32bit", "pae", "4level" or "5level".
 */
const char *hermetic_paging_setup(hermetic_paging mode);

/*
 * The page-protection checks (protection.c), in section "prot-MODE": every
 * refusal a hostile guest process would meet in the slots just set up.
 */
void hermetic_protection_checks(const char *mode);

#endif
