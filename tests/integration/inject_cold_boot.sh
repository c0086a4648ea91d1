# SPDX-License-Identifier: GPL-2.0-or-later
# The seed example on a cold boot of the generic busybox image: the count
# equals the guest shell's, init is left alone, and the daemon starts
# without /proc (execveat) in whatever process comes first after it.
# (inject_distribution.sh does the same on a systemd distribution.)
# arches: ci
source "$(dirname "$0")/lib.bash"
cold_boot_count "$ARCH" busybox
