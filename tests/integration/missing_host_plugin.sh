# SPDX-License-Identifier: GPL-2.0-or-later
# A missing host plugin: PANDA's exact message plus the paths searched, a
# non-zero exit, and no core dump, both from QEMU and through the runner. The
# runner reports it at -p, before any image or QEMU is started.
source "$(dirname "$0")/lib.bash"

make_exit_bios "$WORK/bios.bin" 0x31
status=0
run_bare_x86 "$WORK/bios.bin" -plugin "file=$CORE,load=no_such_plugin" >"$WORK/qemu" 2>&1 || status=$?
cat "$WORK/qemu"
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "QEMU exit status $status (want 1..127)"
expect_contains "$WORK/qemu" "Fatal error: could not find path for plugin no_such_plugin"
expect_contains "$WORK/qemu" "$ROOT/$BUILD/plugins/no_such_plugin.so"

status=0
GUESTPLUG_SHOW_QEMU=1 timeout 60 "$GUESTPLUG" run -g x86_64 -p no_such_plugin -c true \
    >"$WORK/run" 2>&1 || status=$?
cat "$WORK/run"
[ "$status" -eq 1 ] || fail "guestplug exit status $status, want 1"
expect_contains "$WORK/run" "guestplug: could not find path for plugin no_such_plugin"
expect_contains "$WORK/run" "$ROOT/$BUILD/plugins/no_such_plugin.so"
said=$(grep -c "could not find path for plugin" "$WORK/run" || true)
[ "$said" -eq 1 ] || fail "the missing plugin was reported $said times, want once"
# GUESTPLUG_SHOW_QEMU prints QEMU's command line just before starting it.
! grep -q "qemu-system-" "$WORK/run" || fail "QEMU was started for a plugin that does not exist"
! grep -qi "core dumped" "$WORK/run" || fail "something dumped core"
