# SPDX-License-Identifier: GPL-2.0-or-later
# A missing host plugin: PANDA's exact message plus the paths searched, a
# non-zero exit, and no core dump, both from QEMU and through the runner.
source "$(dirname "$0")/lib.bash"

make_exit_bios "$WORK/bios.bin" 0x31
status=0
run_bare_x86 "$WORK/bios.bin" -plugin "file=$CORE,load=no_such_plugin" >"$WORK/qemu" 2>&1 || status=$?
cat "$WORK/qemu"
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "QEMU exit status $status (want 1..127)"
expect_contains "$WORK/qemu" "Fatal error: could not find path for plugin no_such_plugin"
expect_contains "$WORK/qemu" "$ROOT/$BUILD/plugins/no_such_plugin.so"

status=0
"$GUESTPLUG" run -g x86_64 -p no_such_plugin -c true >"$WORK/run" 2>&1 || status=$?
cat "$WORK/run"
[ "$status" -eq 1 ] || fail "guestplug exit status $status, want 1"
expect_contains "$WORK/run" "Fatal error: could not find path for plugin no_such_plugin"
! grep -qi "core dumped" "$WORK/run" || fail "something dumped core"
