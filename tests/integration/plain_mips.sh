# SPDX-License-Identifier: GPL-2.0-or-later
# Big-endian mips, whose generic image is built from source because Debian
# bookworm has no mips packages (docs/images.md): the guest is big-endian,
# its kernel is the one built from linux-source-6.1, its busybox and C
# library run, and it starts both from the 'root' snapshot and from a cold
# boot. The first build of its kernel takes 15-25 minutes on 2 cores
# (then it is kept), so only `make test-all` (tests/run --all-arches) runs
# this test.
# only: test-all
source "$(dirname "$0")/lib.bash"
# od prints the two bytes as one 16-bit word in the guest's byte order.
commands=(-c 'uname -m' -c "printf '\\001\\002' | od -An -tx2" -c 'cat /proc/version'
          -c '/lib/ld.so.1 --version | head -n 1' -c 'ls -A /etc | wc -l')
for start in snapshot cold; do
    flags=()
    [ $start = cold ] && flags=(--cold-boot)
    "$GUESTPLUG" run -g mips "${flags[@]}" "${commands[@]}" >"$WORK/$start" 2>&1 ||
        { cat "$WORK/$start"; fail "$start: run failed"; }
    cat "$WORK/$start"
    grep -qx mips "$WORK/$start" || fail "$start: uname -m did not print mips"
    grep -qx ' *0102' "$WORK/$start" || fail "$start: the guest is not big-endian"
    expect_contains "$WORK/$start" "Linux version 6.1"
    expect_contains "$WORK/$start" "built by guestplug"
    expect_contains "$WORK/$start" "GLIBC 2.36"
done
