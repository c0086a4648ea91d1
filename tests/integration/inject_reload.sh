# SPDX-License-Identifier: GPL-2.0-or-later
# gp_vm_reload_guest_plugins, after a revert in the running QEMU: every guest
# plugin the host plugins loaded runs again in the reverted guest, under a
# newly injected guest_daemon; one running at the revert is lost first; a
# host plugin's end of the analysis ends only its round.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
"$ROOT/$BUILD/tests/integration/vm_api" reload-after-revert \
    "$ROOT/$BUILD/guest/$ARCH/tests" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "vm_api failed"; }
cat "$WORK/out"
expect_count() { # TIMES TEXT WHY
    [ "$(grep -cF -- "$2" "$WORK/out")" -eq "$1" ] || fail "$3"
}
expect_count 2 'inject_test: c_example sent u32' \
    "c_example did not run once before and once after the revert"
expect_count 2 'inject_test: sleeper started' "sleeper did not run once before and once after the revert"
expect_count 1 'inject_test: sleeper lost: the guest was reverted' \
    "sleeper, running at the revert, was not reported lost once"
expect_count 1 'inject_test: sleeper exited: status 0' "the second sleeper's exit was not reported"
expect_count 2 'Guest `/etc` file count' "guest_plugin_example's c_example did not report twice"
expect_count 4 'guestplug: guest_daemon is up' "guest_daemon was not injected again after each revert"
