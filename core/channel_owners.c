/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "channel_owners.h"

#include <string.h>

static int find(const gp_channel_owners *owners, uint64_t address_space)
{
    for (unsigned i = 0; i < owners->count; i++) {
        if (owners->entries[i].address_space == address_space) {
            return (int)i;
        }
    }
    return -1;
}

bool gp_channel_owners_check(gp_channel_owners *owners, uint64_t address_space)
{
    int at = find(owners, address_space);
    if (at < 0) {
        return false;
    }
    owners->entries[at].last_use = ++owners->clock;
    return true;
}

void gp_channel_owners_add(gp_channel_owners *owners, uint64_t address_space)
{
    int at = find(owners, address_space);
    if (at < 0 && owners->count < GP_CHANNEL_MAX_OWNERS) {
        at = (int)owners->count++;
    } else if (at < 0) {
        at = 0;
        for (unsigned i = 1; i < owners->count; i++) {
            if (owners->entries[i].last_use < owners->entries[at].last_use) {
                at = (int)i;
            }
        }
    }
    owners->entries[at].address_space = address_space;
    owners->entries[at].last_use = ++owners->clock;
}

bool gp_channel_owners_remove(gp_channel_owners *owners, uint64_t address_space)
{
    int at = find(owners, address_space);
    if (at < 0) {
        return false;
    }
    owners->entries[at] = owners->entries[--owners->count];
    return true;
}

void gp_channel_owners_clear(gp_channel_owners *owners)
{
    memset(owners, 0, sizeof *owners);
}
