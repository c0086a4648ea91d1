# SPDX-License-Identifier: GPL-2.0-or-later
# Injection into a real distribution (docs/injection.md), with the seed
# example (inject_cold_boot.sh has the generic busybox image's cold boot):
#   - a cold boot of the debian (systemd) image gives the same /etc count as
#     the guest's own shell: init is left alone, and the daemon starts not
#     in the initramfs but in the real system after the switch;
#   - an initramfs-only guest (Debian's own initramfs, stopped at its shell
#     by break=premount): refused by default with the setting that allows
#     it named, and counted right with inject_initramfs=on;
#   - on the systemd guest, a filter that matches nothing harms nothing
#     (30 dynamically linked programs run with no segfault, the guest's own
#     kernel log says so) and the run fails cleanly.
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
count_of() { sed -n 's/^Guest `\/etc` file count: \([0-9]*\)$/\1/p' "$1"; }

cold_boot_count x86_64 debian
expect_contains "$WORK/cold" "an initramfs that will switch to the real root"

image_dir=$("$GUESTPLUG" image path x86_64 --userland debian)
initramfs=(-a x86_64 -M pc --kernel "$image_dir/vmlinuz" --initrd "$image_dir/initrd.img"
           --append 'console=ttyS0 quiet break=premount' --prompt '\(initramfs\) $' --cold-boot)
status=0
"$GUESTPLUG" run "${initramfs[@]}" -p guest_plugin_example --core inject_timeout=15 \
    >"$WORK/refused" 2>&1 || status=$?
cat "$WORK/refused"
[ "$status" -eq 1 ] || fail "initramfs, refused: exit status $status, want 1"
expect_contains "$WORK/refused" "in an initramfs that hands over to the real root (inject_initramfs=on allows them"
# The initramfs has no wc and its ls no -A: the shell counts.
"$GUESTPLUG" run "${initramfs[@]}" -p tutorial_count --core inject_initramfs=on \
    -c 'n=0; for f in /etc/* /etc/.[!.]* /etc/..?*; do [ -e "$f" ] && n=$((n+1)); done; echo entries $n' \
    >"$WORK/allowed" 2>&1 || { cat "$WORK/allowed"; fail "initramfs, allowed: the run failed"; }
cat "$WORK/allowed"
entries=$(sed -n 's/^entries //p' "$WORK/allowed")
[ -n "$entries" ] && [ "$(count_of "$WORK/allowed")" = "$entries" ] ||
    fail "initramfs: counted '$(count_of "$WORK/allowed")', the shell '$entries'"

status=0
"$GUESTPLUG" run -g x86_64 --userland debian -p tutorial_count --core inject_comm=nosuch \
    --core inject_timeout=10 -c 'for i in $(seq 30); do ls / >/dev/null || echo ls failed $?; done' \
    -c 'echo segfaults $(dmesg | grep -c segfault)' >"$WORK/filter" 2>&1 || status=$?
cat "$WORK/filter"
[ "$status" -eq 1 ] || fail "a filter that matches nothing: exit status $status, want 1"
expect_contains "$WORK/filter" "segfaults 0"
! grep -q -e 'ls failed' -e 'Segmentation fault' -e 'stopped answering' "$WORK/filter" ||
    fail "a filter that matches nothing harmed the guest"
expect_contains "$WORK/filter" 'not named "nosuch" (inject_comm=nosuch)'
