# SPDX-License-Identifier: GPL-2.0-or-later
# A guest runs without the core when asked (--no-core, the baseline of
# bench/run): on mipsel, whose core finds nothing of the guest in registers,
# `-c CMD` works and QEMU is started without libguestplug.so. (A target the
# core has no file for is refused -p up front: errors.sh.) Builds the mipsel
# image on first use (~15 s, from Debian's archive).
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" run -g mipsel --no-core -c 'uname -m' >"$WORK/out" 2>&1 ||
    { cat "$WORK/out"; fail "run"; }
cat "$WORK/out"
grep -qx "mips" "$WORK/out" || fail "uname -m did not print mips"
! grep -q "guestplug: core" "$WORK/out" || fail "the core was loaded"
