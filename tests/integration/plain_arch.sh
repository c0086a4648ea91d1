# SPDX-License-Identifier: GPL-2.0-or-later
# An architecture the core has no hypercalls for runs without it: a plain
# `-g mipsel -c CMD` works (QEMU would refuse libguestplug.so there), and
# host plugins are refused up front (errors.sh). Builds the mipsel image on
# first use (~15 s, from Debian's archive).
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" run -g mipsel -c 'uname -m' >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "run"; }
cat "$WORK/out"
grep -qx "mips" "$WORK/out" || fail "uname -m did not print mips"
! grep -q "does not support QEMU target" "$WORK/out" || fail "the core was loaded"
