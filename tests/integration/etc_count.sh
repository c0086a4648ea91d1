# SPDX-License-Identifier: GPL-2.0-or-later
# The generic image boots (building it first if needed), reverts to root,
# and a serial command's output comes back: /etc has a realistic number of
# entries, and the kernel is Debian bookworm's.
# arches: ci
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" run -g "$ARCH" -c 'ls -A /etc | wc -l' -c 'cat /proc/version' >"$WORK/out"
cat "$WORK/out"
count=$(head -n 1 "$WORK/out")
[[ $count =~ ^[0-9]+$ ]] || fail "first line '$count' is not a number"
[ "$count" -ge 40 ] || fail "only $count entries in the guest's /etc"
expect_contains "$WORK/out" "Linux version 6.1"
